"""Key-point quality: ROUGE of newsbot vs Lead-3 and stock summarizers on BBC News Summary.

python -m bench.quality [--limit N] [--split all|dev|test] [--workers 2] [--no-stop-words]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from multiprocessing import Pool

from rouge_score import rouge_scorer

from bench.bbc import SPLITS, STOCK_SUMMARIZERS, Article, Summarize, load_articles, stock_summarizer
from bot.keypoints import KeyPointExtractor, split_sentences

# method -> (ROUGE-1 F1, ROUGE-2 F1, ROUGE-L F1, share of reference sentences, milliseconds)
Scores = dict[str, tuple[float, float, float, float, float]]

_methods: dict[str, Summarize] = {}
_scorer: rouge_scorer.RougeScorer | None = None


def build_methods(stop_words: bool = True) -> dict[str, Summarize]:
    """newsbot first, then Lead-3, the stock sumy summarizers (with sumy's stop words, unless
    `stop_words` is false) and newspaper4k if installed."""
    extractor = KeyPointExtractor()
    methods: dict[str, Summarize] = {
        "newsbot": lambda title, text: extractor.key_points(title, text, "en", 3),
        "Lead-3": lambda title, text: split_sentences(text, "en")[:3],
    }
    for name, cls in STOCK_SUMMARIZERS.items():
        methods[name] = stock_summarizer(cls, stop_words=stop_words)
    newspaper = newspaper_summarizer()
    if newspaper is not None:
        methods["newspaper4k"] = newspaper
    return methods


def newspaper_summarizer() -> Summarize | None:
    """newspaper4k's sentence scoring on newsbot's sentences, or None when not installed.

    newspaper.nlp.summarize() itself cannot run offline: its split_sentences() needs NLTK's
    punkt data (it calls nltk.download("punkt") and loads tokenizers/punkt/english.pickle).
    Its scoring (keywords + scored_sentences) needs no data, so it gets the same sentences
    as every other method here.
    """
    try:
        from newspaper import nlp, settings
        from newspaper.text import StopWords
    except ImportError:
        return None
    stop_words = StopWords("en")

    def summarize(title: str, text: str) -> list[str]:
        sentences = split_sentences(text, "en")
        keys = nlp.keywords(text, stop_words, settings.SUMMARIZE_KEYWORD_COUNT)
        ranks = nlp.scored_sentences(sentences, list(stop_words.tokenizer(title)), keys, stop_words)
        return [sentence for _, sentence, _ in sorted(ranks[:3])]

    return summarize


def _start_worker(stop_words: bool) -> None:
    global _scorer
    _methods.update(build_methods(stop_words))
    _scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)


def score_article(article: Article) -> Scores:
    """Every method's scores on one article (in a worker process)."""
    assert _scorer is not None
    scores: Scores = {}
    for name, summarize in _methods.items():
        started = time.perf_counter()
        chosen = summarize(article.title, article.text)
        elapsed = (time.perf_counter() - started) * 1000.0
        rouge = _scorer.score(article.summary, " ".join(chosen))
        share = sum(sentence in article.summary for sentence in chosen) / max(1, len(chosen))
        scores[name] = (
            rouge["rouge1"].fmeasure,
            rouge["rouge2"].fmeasure,
            rouge["rougeL"].fmeasure,
            share,
            elapsed,
        )
    return scores


def run(articles: Sequence[Article], workers: int, stop_words: bool = True) -> list[Scores]:
    with Pool(workers, initializer=_start_worker, initargs=(stop_words,)) as pool:
        return pool.map(score_article, articles, chunksize=16)


def format_table(results: Sequence[Scores]) -> str:
    lines = [f"{'method':<15} {'R1':>6} {'R2':>6} {'RL':>6} {'ref%':>6} {'med ms':>7}"]
    for name in results[0]:
        rows = [scores[name] for scores in results]
        r1, r2, rl, share = (100.0 * statistics.fmean(row[i] for row in rows) for i in range(4))
        ms = statistics.median(row[4] for row in rows)
        lines.append(f"{name:<15} {r1:6.2f} {r2:6.2f} {rl:6.2f} {share:6.1f} {ms:7.2f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=300, help="articles to score; 0 = all")
    parser.add_argument("--split", choices=SPLITS, default="all", help="dev = even ids, test = odd")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--no-stop-words", action="store_true", help="stock summarizers without sumy's stop words"
    )
    args = parser.parse_args(argv)
    articles = load_articles(args.split, args.limit)
    started = time.perf_counter()
    results = run(articles, args.workers, stop_words=not args.no_stop_words)
    print(f"BBC News Summary, split={args.split}, {len(articles)} articles, 3 sentences each")
    print("ROUGE F1 x100 vs the reference summary (rouge-score, use_stemmer=True); ref% = share of")
    print("chosen sentences that are reference sentences; med ms = median time per article;")
    stop_words = "without stop words" if args.no_stop_words else "with sumy's stop words"
    print(f"stock sumy summarizers: sumy's stemmer, {stop_words}")
    print(format_table(results))
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
