"""Key-point speed: newsbot vs stock sumy LexRank on the CNN test articles, same process.

    python -m bench.keypoints_speed [--rounds 3] [--limit 500]

The whole key-point step is timed for newsbot (language detection, sentence splitting, filters,
scoring, choice) on the 500 CNN test articles (bench/cnn.py).
The baseline is sumy's LexRankSummarizer as it comes (sumy's stemmer, no stop words), fed by
the no-download tokenizer; LexRank with sumy's stop words (faster, and the configuration the
quality bench uses) is timed too. Each round builds a fresh KeyPointExtractor (empty stem
cache) and warms it on all the other articles, as a running bot's cache would be, so every
measured article is new to it; then it times each method on every measured article in turn.
Times are CPU times of the calling thread (time.thread_time), which a busy machine disturbs
less than wall-clock times. Prints the medians over all rounds, the ratios to newsbot, and
ROUGE-1/2/Lsum against the highlights of every method on the measured articles (speed must not
cost quality).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence

from rouge_score import rouge_scorer
from sumy.summarizers.lex_rank import LexRankSummarizer

from bench.bbc import Summarize, stock_summarizer
from bench.cnn import CnnArticle, load_cnn
from bot.keypoints import KeyPointExtractor


def _cpu_ms(summarize: Summarize, article: CnnArticle) -> float:
    started = time.thread_time()
    summarize(article.title, article.text)
    return (time.thread_time() - started) * 1000.0


def _newsbot(extractor: KeyPointExtractor) -> Summarize:
    return lambda title, text: extractor.key_points(title, text, None, 3)


def _rouge(summarize: Summarize, articles: Sequence[CnnArticle]) -> tuple[float, float, float]:
    kinds = ("rouge1", "rouge2", "rougeLsum")
    scorer = rouge_scorer.RougeScorer(list(kinds), use_stemmer=True)
    totals = [0.0, 0.0, 0.0]
    for article in articles:
        points = "\n".join(summarize(article.title, article.text))
        scores = scorer.score("\n".join(article.highlights), points)
        for index, kind in enumerate(kinds):
            totals[index] += scores[kind].fmeasure
    r1, r2, rl = (100.0 * total / len(articles) for total in totals)
    return r1, r2, rl


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=500, help="CNN test articles to time")
    args = parser.parse_args(argv)
    measured = load_cnn("test", args.limit)
    warm_up = load_cnn("train")
    baselines = {
        "sumy LexRank": stock_summarizer(LexRankSummarizer, stop_words=False),
        "  + stop words": stock_summarizer(LexRankSummarizer),
    }
    times: dict[str, list[float]] = {"newsbot": [], **{name: [] for name in baselines}}
    for _ in range(args.rounds):
        newsbot = _newsbot(KeyPointExtractor())
        for article in warm_up:
            newsbot(article.title, article.text)
        for name, summarize in {"newsbot": newsbot, **baselines}.items():
            times[name].extend(_cpu_ms(summarize, article) for article in measured)
    print(f"{len(measured)} CNN test articles, {args.rounds} rounds, 3 key points each, ", end="")
    print("one process, CPU time per article")
    newsbot_median = statistics.median(times["newsbot"])
    methods = {"newsbot": _newsbot(KeyPointExtractor()), **baselines}
    for name, summarize in methods.items():
        median = statistics.median(times[name])
        ratios = [slow / fast for slow, fast in zip(times[name], times["newsbot"], strict=True)]
        r1, r2, rl = _rouge(summarize, measured)
        print(
            f"{name:<15} median {median:6.2f} ms = {median / newsbot_median:4.1f}x newsbot "
            f"(median per-article ratio {statistics.median(ratios):4.1f}x)  "
            f"ROUGE-1/2/Lsum {r1:5.2f} {r2:5.2f} {rl:5.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
