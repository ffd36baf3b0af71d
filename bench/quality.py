"""Key-point quality per data set: newsbot against Lead-3, sumy TextRank and LexRank, the gold.

    python -m bench.quality [--data cnn,bbc,pages] [--limit N] [--workers 2] [--all-methods]

Data sets (each read from ../shared, nothing downloaded):
- cnn: the CNN test split (the last 500 articles of ../shared/data/cnn, never tuned on; see
  bench/cnn.py), scored against the editors' highlights; `gold` is the human gold extract.
- bbc: the BBC News Summary test split (odd article numbers), against its reference summaries.
- pages: the non-English pages of ../shared/data/pages (Czech, Spanish, Portuguese, German,
  French, Chinese, Japanese ...; the text of Readability's expected.html), against each page's
  own excerpt (its description), with a word/character-bigram tokenizer that keeps non-Latin text.
Per method: ROUGE-1, -2 and -Lsum F1 x100 (`rouge-score`, stemming on for English), gold% (share
of chosen sentences in the gold extract or reference), words per point (median, p90, max), ctx%
(share of points opening with a pronoun or connective, bot.keypoints.lexicon.context_openers),
junk (points that newsbot's filters call boilerplate, a fragment, a scrap or a question) and
the median milliseconds per article. Every method gets the same text and sentence splitting.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

from lxml import html
from rouge_score import rouge_scorer

from bench.bbc import STOCK_SUMMARIZERS, Summarize, load_articles, stock_summarizer
from bench.cnn import in_gold, load_cnn
from bot.keypoints import KeyPointExtractor, split_sentences
from bot.keypoints.boilerplate import is_junk
from bot.keypoints.language import normalize_language_code
from bot.keypoints.lexicon import NEUTRAL_LANGUAGES, context_openers

PAGES = Path(__file__).resolve().parents[2] / "shared" / "data" / "pages" / "readability"
DATA_SETS = ("cnn", "bbc", "pages")
_BASELINES = ("sumy TextRank", "sumy LexRank")
_FIRST_WORD = re.compile(r"[\"“„«「『‘']?\s*([^\W\d_]+)")
_BLOCKS = "//p|//li|//h1|//h2|//h3|//h4|//blockquote|//pre|//td"


@dataclass(frozen=True, slots=True)
class Sample:
    """One article to summarise, with what it is scored against."""

    title: str
    text: str
    language: str
    reference: str  # reference lines, one a line
    gold: tuple[str, ...] | None  # the human gold extract, where there is one


def load_samples(data: str, limit: int = 0) -> list[Sample]:
    """The samples of data set `data` (see the module docstring)."""
    if data == "cnn":
        samples = [
            Sample(a.title, a.text, "en", "\n".join(a.highlights), a.gold) for a in load_cnn("test")
        ]
    elif data == "bbc":
        samples = [Sample(a.title, a.text, "en", a.summary, None) for a in load_articles("test")]
    else:
        samples = _pages()
    return samples[:limit] if limit > 0 else samples


def _pages() -> list[Sample]:
    import json

    samples = []
    for folder in sorted(PAGES.iterdir()):
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        code = normalize_language_code(meta.get("lang"))
        if code in (None, "en") or not meta.get("excerpt"):
            continue
        tree = html.fromstring((folder / "expected.html").read_text(encoding="utf-8"))
        blocks = [" ".join(block.text_content().split()) for block in tree.xpath(_BLOCKS)]
        text = "\n\n".join(block for block in blocks if block)
        samples.append(Sample(meta.get("title") or "", text, code, meta["excerpt"], None))
    return samples


class _Tokenizer:
    """Words for spaced scripts, character bigrams for CJK: rouge-score's own drops non-ASCII."""

    _WORD = re.compile(r"\w+")

    def tokenize(self, text: str) -> list[str]:
        tokens: list[str] = []
        for word in self._WORD.findall(text.lower()):
            if any("\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in word):
                tokens.extend(word[i : i + 2] for i in range(max(1, len(word) - 1)))
            else:
                tokens.append(word)
        return tokens


_methods: dict[str, dict[str, Summarize]] = {}
_scorers: dict[bool, rouge_scorer.RougeScorer] = {}
_all_methods = False


def _start_worker(all_methods: bool) -> None:
    global _all_methods
    _all_methods = all_methods
    kinds = ["rouge1", "rouge2", "rougeLsum"]
    _scorers[True] = rouge_scorer.RougeScorer(kinds, use_stemmer=True)
    _scorers[False] = rouge_scorer.RougeScorer(kinds, tokenizer=_Tokenizer())


def methods_for(language: str, all_methods: bool = False) -> dict[str, Summarize]:
    """newsbot, Lead-3 and the stock sumy summarizers for `language` (built once a process)."""
    found = _methods.get(language)
    if found is None:
        extractor = KeyPointExtractor()
        found = {
            "newsbot": lambda title, text: extractor.key_points(title, text, language, 3),
            "Lead-3": lambda title, text: split_sentences(text, language)[:3],
        }
        names = STOCK_SUMMARIZERS if all_methods else _BASELINES
        for name in names:
            found[name] = _stock(name, language)
        _methods[language] = found
    return found


def _stock(name: str, language: str) -> Summarize:
    try:
        return stock_summarizer(STOCK_SUMMARIZERS[name], language)
    except LookupError:  # sumy has no stop words for this language
        return stock_summarizer(STOCK_SUMMARIZERS[name], language, stop_words=False)


# method -> (R1, R2, RLsum, gold share, words of each point, ctx openings, junk, ms)
Row = tuple[float, float, float, float, list[int], int, int, float]


def score_sample(sample: Sample) -> dict[str, Row]:
    """Every method's figures on one sample (in a worker process)."""
    scorer = _scorers[sample.language == "en"]
    methods = dict(methods_for(sample.language, _all_methods))
    if sample.gold is not None:
        gold = list(sample.gold)
        methods["gold extract"] = lambda title, text: gold
    openers = context_openers(sample.language)
    neutral = sample.language in NEUTRAL_LANGUAGES
    rows: dict[str, Row] = {}
    for name, summarize in methods.items():
        started = time.perf_counter()
        points = summarize(sample.title, sample.text)
        elapsed = (time.perf_counter() - started) * 1000.0
        rouge = scorer.score(sample.reference, "\n".join(points))
        if sample.gold is not None:
            share = sum(in_gold(p, sample.gold) for p in points) / max(1, len(points))
        else:
            share = sum(p in sample.reference for p in points) / max(1, len(points))
        words = [len(p) // 3 if neutral else len(p.split()) for p in points]
        context = sum(_opens_needing_context(p, openers) for p in points)
        junk = sum(is_junk(p, neutral) for p in points)
        rows[name] = (
            rouge["rouge1"].fmeasure,
            rouge["rouge2"].fmeasure,
            rouge["rougeLsum"].fmeasure,
            share,
            words,
            context,
            junk,
            elapsed,
        )
    return rows


def _opens_needing_context(point: str, openers: frozenset[str]) -> bool:
    first = _FIRST_WORD.match(point)
    return first is not None and first.group(1).lower() in openers


def format_table(results: Sequence[dict[str, Row]]) -> str:
    header = f"{'method':<14} {'R1':>6} {'R2':>6} {'RLsum':>6} {'gold%':>6} "
    lines = [header + f"{'words med/p90/max':>18} {'ctx%':>5} {'junk':>5} {'ms':>6}"]
    for name in results[0]:
        rows = [result[name] for result in results if name in result]
        r1, r2, rl, share = (100.0 * statistics.fmean(row[i] for row in rows) for i in range(4))
        words = sorted(w for row in rows for w in row[4])
        p90 = words[int(0.9 * (len(words) - 1))] if words else 0
        context = 100.0 * sum(row[5] for row in rows) / max(1, len(words))
        junk = sum(row[6] for row in rows)
        ms = statistics.median(row[7] for row in rows)
        median = statistics.median(words) if words else 0
        spread = f"{median:.0f}/{p90}/{words[-1] if words else 0}"
        lines.append(
            f"{name:<14} {r1:6.2f} {r2:6.2f} {rl:6.2f} {share:6.1f} {spread:>18} "
            f"{context:5.1f} {junk:5d} {ms:6.2f}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=",".join(DATA_SETS), help="comma-separated data sets")
    parser.add_argument("--limit", type=int, default=0, help="samples per data set; 0 = all")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--all-methods", action="store_true", help="also sumy LSA, Luhn, SumBasic and KL"
    )
    args = parser.parse_args(argv)
    titles = {
        "cnn": "CNN test split (last 500 of ../shared/data/cnn), vs editors' highlights",
        "bbc": "BBC News Summary test split (odd ids), vs reference summaries",
        "pages": "non-English pages of ../shared/data/pages, vs each page's excerpt",
    }
    with Pool(args.workers, initializer=_start_worker, initargs=(args.all_methods,)) as pool:
        for data in args.data.split(","):
            samples = load_samples(data, args.limit)
            started = time.perf_counter()
            results = pool.map(score_sample, samples, chunksize=8)
            print(f"\n{titles[data]}: {len(samples)} articles, 3 points each")
            print(format_table(results))
            print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
