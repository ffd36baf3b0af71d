"""Sentence splitting: newsbot's splitter against nupunkt, sentencex and pysbd as they come.

    python -m bench.splitting [--limit 400]

English: on CNN train articles (bench/cnn.py), each paragraph split on its own, the share of
the annotators' sentences found exactly (recall) and of the splitter's sentences that are
annotators' sentences (precision), and the median milliseconds per article. The annotators
split inside quotes ("“There were some bright spots." / "…in return.”"), which newsbot keeps
whole on purpose, so newsbot loses some exact matches there. Other languages: the
non-English pages of bench.quality, median milliseconds per page (no reference splits).
pysbd is optional (not a dependency); it is left out when not installed.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Callable, Sequence

import nupunkt
import sentencex

from bench.cnn import load_cnn
from bench.quality import load_samples
from bot.keypoints.sentences import split_paragraphs

Splitter = Callable[[str, str], list[str]]
_SPACES = re.compile(r"\s+")


def splitters() -> dict[str, Splitter]:
    """Each splitter as (text, language) -> sentences, every line on its own."""
    stock = nupunkt.load("default")
    stock._params.abbrev_types = set(nupunkt.load("default")._params.abbrev_types)

    def lines(split: Callable[[str, str], Sequence[str]]) -> Splitter:
        return lambda text, code: [
            s for line in text.splitlines() if line.strip() for s in split(line, code)
        ]

    found: dict[str, Splitter] = {
        "newsbot": lambda text, code: [s for p in split_paragraphs(text, code) for s in p],
        "nupunkt (stock model)": lines(lambda line, code: stock.tokenize(line)),
        "sentencex": lines(lambda line, code: list(sentencex.segment(code, line))),
    }
    try:
        import pysbd
    except ImportError:
        return found
    segmenters: dict[str, pysbd.Segmenter] = {}

    def sbd(line: str, code: str) -> list[str]:
        if code not in segmenters:
            segmenters[code] = pysbd.Segmenter(language=code, clean=False)
        segmented: list[str] = segmenters[code].segment(line)
        return segmented

    found["pysbd"] = lines(sbd)
    return found


def _norm(sentence: str) -> str:
    return _SPACES.sub(" ", sentence).strip()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=400, help="CNN train articles")
    args = parser.parse_args(argv)
    articles = load_cnn("train", args.limit)
    pages = load_samples("pages")
    print(f"{len(articles)} CNN train articles vs the annotators' sentences; {len(pages)} pages")
    print(f"{'splitter':<22} {'precision':>9} {'recall':>7} {'ms/article':>10} {'ms/page':>8}")
    for name, split in splitters().items():
        found = wanted = right = 0
        times = []
        for article in articles:
            started = time.perf_counter()
            got = {_norm(s) for s in split(article.text, "en") if _norm(s)}
            times.append((time.perf_counter() - started) * 1000.0)
            gold = {_norm(s) for s in article.sentences}
            found, wanted, right = found + len(got), wanted + len(gold), right + len(got & gold)
        page_times = []
        for page in pages:
            started = time.perf_counter()
            try:
                split(page.text, page.language)
            except (KeyError, ValueError):  # a splitter without this language
                continue
            page_times.append((time.perf_counter() - started) * 1000.0)
        page_ms = f"{statistics.median(page_times):8.2f}" if page_times else "       -"
        print(
            f"{name:<22} {right / found:9.3f} {right / wanted:7.3f} "
            f"{statistics.median(times):10.2f} {page_ms}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
