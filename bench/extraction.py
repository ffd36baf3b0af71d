"""Benchmark page extraction on real news pages: newsbot's settings against trafilatura's
full cascade, for quality and speed, in the same run.

    python -m bench.extraction PAGES_DIR

PAGES_DIR holds real pages (*.html) and `manifest.jsonl`, one JSON object per page:
{"file": ..., "url": ... or null, "expected_text": the article's text or null,
 "with": [snippets a right extraction contains], "without": [snippets it must not]}.
Such pages and expectations come with trafilatura's tests (tests/cache, tests/evaldata.py),
mozilla/readability's test pages and newspaper4k's tests/data; they are other people's
articles, so none are kept in this repository.

newsbot's extraction (bot.ingest.pages.extract_page) runs trafilatura in fast mode: its own
extractor only, without comparing every page with readability's and jusText's output.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import trafilatura
from trafilatura.utils import load_html

from bot.ingest.pages import ExtractError, _paragraphs, extract_page

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Page:
    """One real page and what a right extraction of it holds."""

    html: bytes
    url: str
    expected_text: str | None
    present: tuple[str, ...]
    absent: tuple[str, ...]


def load(folder: Path) -> list[Page]:
    """The pages listed in `folder`/manifest.jsonl."""
    pages = []
    for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        pages.append(
            Page(
                html=(folder / entry["file"]).read_bytes(),
                url=entry.get("url") or "https://news.example/article",
                expected_text=entry.get("expected_text"),
                present=tuple(entry.get("with") or ()),
                absent=tuple(entry.get("without") or ()),
            )
        )
    return pages


def newsbot(page: Page) -> str:
    """The text newsbot stores for the page ("" when it finds no article)."""
    try:
        return extract_page(page.html, page.url).text
    except ExtractError:
        return ""


def full_cascade(html: bytes | str, url: str) -> str:
    """The text as newsbot extracted it before: trafilatura comparing its own result with
    readability's and jusText's on every page, and finding every metadata field."""
    document = trafilatura.bare_extraction(
        load_html(html),
        url=url,
        include_comments=False,
        favor_precision=True,
        with_metadata=True,
        date_extraction_params={"original_date": True, "extensive_search": True},
    )
    title = " ".join((getattr(document, "title", None) or "").split())
    return _paragraphs(getattr(document, "text", None) or "", title)


def _words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.lower()))


def word_f1(got: str, expected: str) -> float:
    """F1 of the words of `got` against those of `expected` (bags of words)."""
    found, wanted = _words(got), _words(expected)
    common = sum((found & wanted).values())
    if not common:
        return 0.0
    precision, recall = common / sum(found.values()), common / sum(wanted.values())
    return 2 * precision * recall / (precision + recall)


def _flat(text: str) -> str:
    return " ".join(text.split())


@dataclass(slots=True)
class Score:
    """How one extractor did over every page."""

    texts: list[str]
    milliseconds: list[float]
    present: int = 0
    absent: int = 0
    f1: list[float] | None = None


def score(extract: Callable[[Page], str], pages: Sequence[Page], runs: int) -> Score:
    """Run `extract` on every page (`runs` times, for the median CPU time) and score it."""
    texts, timings = [], []
    for page in pages:
        spent = []
        for _ in range(runs):
            started = time.process_time()
            text = extract(page)
            spent.append((time.process_time() - started) * 1000)
        texts.append(text)
        timings.append(statistics.median(spent))
    result = Score(texts, timings, f1=[])
    for page, text in zip(pages, texts, strict=True):
        flat = _flat(text)
        result.present += sum(_flat(s) in flat for s in page.present)
        result.absent += sum(_flat(s) not in flat for s in page.absent)
        if page.expected_text and result.f1 is not None:
            result.f1.append(word_f1(text, page.expected_text))
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=Path, help="folder of pages with manifest.jsonl")
    parser.add_argument("--runs", type=int, default=3, help="timings per page (median)")
    args = parser.parse_args(argv)
    pages = load(args.pages)
    for page in pages[:3]:
        (
            newsbot(page),
            full_cascade(page.html, page.url),
        )  # warm-up: first calls load trafilatura's tables
    before = score(lambda page: full_cascade(page.html, page.url), pages, args.runs)
    now = score(newsbot, pages, args.runs)
    present = sum(len(p.present) for p in pages)
    absent = sum(len(p.absent) for p in pages)
    identical = sum(_flat(a) == _flat(b) for a, b in zip(before.texts, now.texts, strict=True))
    print(f"{len(pages)} real pages; the same text from both on {identical}")
    print(f"{'':32} {'with':>9} {'without':>9} {'word F1':>8} {'ms median':>10} {'ms total':>9}")
    for name, result in (("trafilatura full cascade", before), ("newsbot (fast mode)", now)):
        f1 = statistics.mean(result.f1) if result.f1 else float("nan")
        print(
            f"{name:32} {result.present:>4}/{present:<4} {result.absent:>4}/{absent:<4}"
            f" {f1:>8.3f} {statistics.median(result.milliseconds):>10.1f}"
            f" {sum(result.milliseconds):>9.0f}"
        )
    ratio = sum(before.milliseconds) / sum(now.milliseconds)
    print(f"newsbot extracts these pages {ratio:.2f}x faster (total CPU time)")
    print(f"word F1 over the {len(now.f1 or [])} pages that come with their expected text")


if __name__ == "__main__":
    main()
