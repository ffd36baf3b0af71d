"""Key-point speed: newsbot vs stock sumy LexRank on 30-50 sentence BBC articles, same process.

    python -m bench.keypoints_speed [--rounds 3]

Each round builds a fresh KeyPointExtractor (empty stem cache) and warms it on all the other
articles, as a running bot's cache would be, so every measured article is new to it; then it
times newsbot on every measured article, then LexRank on every one. Prints the medians over
all rounds, their ratio, and ROUGE of both on the measured articles (speed must not cost
quality).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence

from rouge_score import rouge_scorer
from sumy.summarizers.lex_rank import LexRankSummarizer

from bench.bbc import Article, Summarize, load_articles, stock_summarizer
from bot.keypoints import KeyPointExtractor, split_sentences

MIN_SENTENCES, MAX_SENTENCES = 30, 50


def _elapsed_ms(summarize: Summarize, article: Article) -> float:
    started = time.perf_counter()
    summarize(article.title, article.text)
    return (time.perf_counter() - started) * 1000.0


def _newsbot(extractor: KeyPointExtractor) -> Summarize:
    return lambda title, text: extractor.key_points(title, text, "en", 3)


def _rouge(summarize: Summarize, articles: Sequence[Article]) -> tuple[float, float, float]:
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    totals = [0.0, 0.0, 0.0]
    for article in articles:
        scores = scorer.score(article.summary, " ".join(summarize(article.title, article.text)))
        for index, kind in enumerate(("rouge1", "rouge2", "rougeL")):
            totals[index] += scores[kind].fmeasure
    r1, r2, rl = (100.0 * total / len(articles) for total in totals)
    return r1, r2, rl


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    articles = load_articles()
    measured = [
        article
        for article in articles
        if MIN_SENTENCES <= len(split_sentences(article.text, "en")) <= MAX_SENTENCES
    ]
    warm_up = [article for article in articles if article not in measured]
    lexrank = stock_summarizer(LexRankSummarizer)
    newsbot_ms: list[float] = []
    lexrank_ms: list[float] = []
    for _ in range(args.rounds):
        newsbot = _newsbot(KeyPointExtractor())
        for article in warm_up:
            newsbot(article.title, article.text)
        newsbot_ms.extend(_elapsed_ms(newsbot, article) for article in measured)
        lexrank_ms.extend(_elapsed_ms(lexrank, article) for article in measured)
    newsbot_median = statistics.median(newsbot_ms)
    lexrank_median = statistics.median(lexrank_ms)
    ratios = [slow / fast for slow, fast in zip(lexrank_ms, newsbot_ms, strict=True)]
    print(f"{len(measured)} BBC articles of {MIN_SENTENCES}-{MAX_SENTENCES} sentences, ", end="")
    print(f"{args.rounds} rounds, 3 key points each, one process")
    print(f"newsbot       median {newsbot_median:7.2f} ms")
    print(f"sumy LexRank  median {lexrank_median:7.2f} ms")
    print(f"ratio of medians {lexrank_median / newsbot_median:5.1f}x, ", end="")
    print(f"median per-article ratio {statistics.median(ratios):5.1f}x")
    for name, summarize in (("newsbot", _newsbot(KeyPointExtractor())), ("sumy LexRank", lexrank)):
        r1, r2, rl = _rouge(summarize, measured)
        print(f"{name:<13} ROUGE-1 {r1:5.2f}  ROUGE-2 {r2:5.2f}  ROUGE-L {rl:5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
