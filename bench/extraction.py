"""Benchmark page extraction on real pages: newsbot's extract_page against trafilatura's
default extract(), for quality and CPU time, in the same run.

    python -m bench.extraction [PAGES_DIR] [--split all|dev|test] [--runs 3] [--pages]

PAGES_DIR (default: ../shared/data/pages/readability) holds one folder per page with
`source.html` (the page as served) and `expected.html` (the article's content as accepted by
the data set's maintainers), the layout of mozilla/readability's test pages. Score: F1 of the
4-word shingles (multisets) of the extracted text against the text of `expected.html`; words
are runs of letters and digits, and each Han, kana or Hangul character counts as a word (those
languages are written without spaces). An expected text of fewer than 4 words is compared in
shingles of its own length; nothing expected and nothing found scores 1.

Split (folders in alphabetical order): `dev` = the first half, on which newsbot's extraction
choices were tuned; `test` = the second half, never tuned on; `all` = both.

Prints the mean and median F1 of both, the pages where trafilatura finds the body (F1 >= 0.95)
and newsbot does not, the pages where either scores under 0.5, and the median and mean CPU
milliseconds per page (`time.process_time`, median of `--runs`). `--pages` prints every page.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import trafilatura
from trafilatura.utils import load_html

from bot.ingest.feeds import html_to_text
from bot.ingest.pages import ExtractError, body_paragraphs, extract_page

DEFAULT_PAGES = Path(__file__).resolve().parents[1] / ".." / "shared/data/pages/readability"
PAGE_URL = "http://fakehost/test/page.html"  # the address Readability's tests use
FOUND = 0.95  # a body counts as found at this F1 or more
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]|\w+")
SHINGLE = 4


@dataclass(frozen=True, slots=True)
class Page:
    """One real page and the text a right extraction holds."""

    name: str
    html: bytes
    expected: str


def load(folder: Path, split: str = "all") -> list[Page]:
    """The pages in `folder` (one sub-folder each), in alphabetical order, of one split."""
    folders = sorted(d for d in folder.iterdir() if (d / "source.html").is_file())
    half = (len(folders) + 1) // 2
    chosen = {"all": folders, "dev": folders[:half], "test": folders[half:]}[split]
    return [
        Page(
            d.name,
            (d / "source.html").read_bytes(),
            html_to_text((d / "expected.html").read_text(encoding="utf-8")),
        )
        for d in chosen
    ]


def _shingles(words: list[str], size: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def shingle_f1(got: str, expected: str) -> float:
    """F1 of the 4-word shingles of `got` against those of `expected`."""
    wanted_words = _TOKEN.findall(expected.lower())
    found_words = _TOKEN.findall(got.lower())
    size = max(1, min(SHINGLE, len(wanted_words)))
    found, wanted = _shingles(found_words, size), _shingles(wanted_words, size)
    if not wanted:
        return 1.0 if not found else 0.0
    common = sum((found & wanted).values())
    if not common:
        return 0.0
    precision, recall = common / sum(found.values()), common / sum(wanted.values())
    return 2 * precision * recall / (precision + recall)


def newsbot(html: bytes, url: str) -> str:
    """The text newsbot extracts from the page ("" when it finds none)."""
    try:
        return extract_page(html, url).text
    except ExtractError:
        return ""


def trafilatura_default(html: bytes, url: str) -> str:
    """trafilatura called as its documentation shows first: extract() with its defaults."""
    return trafilatura.extract(html, url=url) or ""


def full_cascade(html: bytes | str, url: str) -> str:
    """The text as newsbot extracted it before 28 Nov 2026 (bench.ingest's stage baseline):
    trafilatura comparing its own result with readability's and jusText's on every page,
    precision first, and finding every metadata field."""
    document = trafilatura.bare_extraction(
        load_html(html),
        url=url,
        include_comments=False,
        favor_precision=True,
        with_metadata=True,
        date_extraction_params={"original_date": True, "extensive_search": True},
    )
    title = " ".join((getattr(document, "title", None) or "").split())
    return body_paragraphs(getattr(document, "text", None) or "", title)


@dataclass(slots=True)
class Score:
    """How one extractor did on every page."""

    f1: list[float]
    milliseconds: list[float]


def score(extract: Callable[[bytes, str], str], pages: Sequence[Page], runs: int) -> Score:
    """Run `extract` on every page (`runs` times, for the median CPU time) and score it."""
    result = Score([], [])
    for page in pages:
        spent = []
        for _ in range(runs):
            started = time.process_time()
            text = extract(page.html, PAGE_URL)
            spent.append((time.process_time() - started) * 1000)
        result.f1.append(shingle_f1(text, page.expected))
        result.milliseconds.append(statistics.median(spent))
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=Path, nargs="?", default=DEFAULT_PAGES)
    parser.add_argument("--split", choices=("all", "dev", "test"), default="all")
    parser.add_argument("--runs", type=int, default=3, help="timings per page (median)")
    parser.add_argument("--pages", action="store_true", dest="each", help="print every page")
    args = parser.parse_args(argv)
    if not args.pages.is_dir():
        parser.exit(2, f"no pages at {args.pages} (the shared data set is missing)\n")
    pages = load(args.pages, args.split)
    for page in pages[:3]:  # warm-up: the first calls load trafilatura's tables
        newsbot(page.html, PAGE_URL)
        trafilatura_default(page.html, PAGE_URL)
    theirs = score(trafilatura_default, pages, args.runs)
    ours = score(newsbot, pages, args.runs)
    print(f"{len(pages)} pages ({args.split}) from {args.pages.resolve()}")
    print(f"{'':28} {'F1 mean':>8} {'median':>7} {'< 0.5':>6} {'CPU ms median':>14} {'mean':>6}")
    for name, result in (("trafilatura extract()", theirs), ("newsbot extract_page", ours)):
        print(
            f"{name:28} {statistics.mean(result.f1):>8.3f} {statistics.median(result.f1):>7.3f}"
            f" {sum(f < 0.5 for f in result.f1):>6}"
            f" {statistics.median(result.milliseconds):>14.1f}"
            f" {statistics.mean(result.milliseconds):>6.1f}"
        )
    rows = list(zip(pages, theirs.f1, ours.f1, strict=True))
    lost = [p.name for p, t, o in rows if t >= FOUND and o < FOUND]
    print(f"trafilatura finds the body (F1 >= {FOUND}) and newsbot does not: {len(lost)}", *lost)
    for page, t, o in rows:
        if args.each or min(t, o) < 0.5:
            print(f"  {page.name:42} trafilatura {t:.3f}  newsbot {o:.3f}")


if __name__ == "__main__":
    main()
