"""Benchmark alert matching: TopicIndex against checking every topic, on BBC articles.

    python -m bench.matching           # 1k and 10k subscriptions x 100 articles
    python -m bench.matching --full    # 1k/10k/100k subscriptions x 100/1000 articles

Topics are seeded random mixes of words, phrases and exclusions drawn from the articles'
own vocabulary: words in at least 3 articles (the most widespread left out) and, as phrases,
runs of capitalised words ("Gordon Brown", as often as they occur). Every figure is the
median of several runs in this process; the naive baseline runs on the small sizes in the
same process, and its results must equal the index's.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path

from bench import bbc
from bot.topics import (
    Document,
    Topic,
    TopicError,
    TopicIndex,
    article_tokens,
    document_frequencies,
    parse_topic,
)

WORD_RE = re.compile(r"[^\W\d_]{4,}")
NAME_RE = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}\b")  # "Time Warner", "Kim Jong Un"
COMMON_SKIPPED = 150  # the most widespread words are not what people subscribe to

Articles = list[tuple[str, str]]


def load_articles(path: Path) -> Articles:
    return [(article.title, article.text) for article in bbc.load_articles(path=path)]


class TopicMaker:
    """Seeded random topic texts in the shapes users write."""

    def __init__(self, articles: Articles, seed: int) -> None:
        self.rng = random.Random(seed)
        self.names = [name for _, text in articles for name in NAME_RE.findall(text)]
        spread = Counter(
            word for _, text in articles for word in set(WORD_RE.findall(text.lower()))
        )
        # Most widespread first, ties alphabetical: set order varies between runs, this does not.
        ranked = sorted(
            (word for word, count in spread.items() if count >= 3),
            key=lambda word: (-spread[word], word),
        )
        self.words = ranked[COMMON_SKIPPED:]

    def word(self) -> str:
        return self.rng.choice(self.words)

    def phrase(self) -> str:
        return f'"{self.rng.choice(self.names)}"'

    def text(self) -> str:
        shape = self.rng.random()
        if shape < 0.55:
            return self.word()
        if shape < 0.75:
            return f"{self.word()} {self.word()}"
        if shape < 0.90:
            return self.phrase() if shape < 0.85 else f"{self.word()} {self.phrase()}"
        return f"{self.word()} -{self.word()}"

    def texts(self, count: int) -> list[str]:
        return [self.text() for _ in range(count)]


def parse_all(texts: Sequence[str]) -> list[Topic]:
    topics = []
    for text in texts:
        try:
            topics.append(parse_topic(text))
        except TopicError:  # e.g. "-word" drawn twice, or a phrase of punctuation only
            continue
    return topics


def median_seconds(action: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def build_index(topics: Sequence[Topic], frequencies: Mapping[str, int] | None) -> TopicIndex:
    index = TopicIndex(frequencies)
    for sub_id, topic in enumerate(topics):
        index.add(sub_id, topic)
    return index


def tokenize_all(batch: Articles) -> list[list[str]]:
    return [article_tokens(title, text) for title, text in batch]


def match_index(index: TopicIndex, tokenized: list[list[str]]) -> list[set[int]]:
    return [index.match(tokens) for tokens in tokenized]


def match_naive(topics: Sequence[Topic], tokenized: list[list[str]]) -> list[set[int]]:
    """Every topic against every article (each article prepared once, as the index does)."""
    found = []
    for tokens in tokenized:
        document = Document(tokens)
        found.append({n for n, topic in enumerate(topics) if topic.matches_document(document)})
    return found


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="up to 100k subs x 1000 articles")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--data", type=Path, default=bbc.DATA)
    args = parser.parse_args(argv)
    runs = args.runs

    articles = load_articles(args.data)
    sub_counts = (1_000, 10_000, 100_000) if args.full else (1_000, 10_000)
    batch_sizes = (100, 1_000) if args.full else (100,)
    texts = TopicMaker(articles, args.seed).texts(int(max(sub_counts) * 1.01))
    start = time.perf_counter()
    all_topics = parse_all(texts)
    parse_us = (time.perf_counter() - start) / len(texts) * 1e6
    assert len(all_topics) >= max(sub_counts), "too many unusable topics"
    frequencies = document_frequencies(tokenize_all(articles))
    print(f"{len(articles)} BBC articles; {len(texts)} topics parsed in {parse_us:.1f} µs each")
    print(f"median of {runs} runs, times in ms; 'match' anchors topics on their rarest stem")
    print("(document frequencies of the corpus), 'no-df' on their longest uncommon stem\n")

    rng = random.Random(args.seed)
    batches = {size: rng.sample(articles, size) for size in batch_sizes}
    tokenized = {size: tokenize_all(batch) for size, batch in batches.items()}
    header = "   subs  articles  build  tokenize  match  no-df  tok+match  µs/article  hits/article"
    print(header)
    print("-" * len(header))
    for count in sub_counts:
        topics = all_topics[:count]
        build = median_seconds(partial(build_index, topics, frequencies), runs)
        index, plain = build_index(topics, frequencies), build_index(topics, None)
        for size in batch_sizes:
            tokenize = median_seconds(partial(tokenize_all, batches[size]), runs)
            match = median_seconds(partial(match_index, index, tokenized[size]), runs)
            no_df = median_seconds(partial(match_index, plain, tokenized[size]), runs)
            found = match_index(index, tokenized[size])
            assert found == match_index(plain, tokenized[size]), "anchors changed the results"
            hits = sum(map(len, found)) / size
            total = tokenize + match
            print(
                f"{count:>7,}  {size:>8,}  {build * 1e3:>5.0f}  {tokenize * 1e3:>8.0f}"
                f"  {match * 1e3:>5.0f}  {no_df * 1e3:>5.0f}  {total * 1e3:>9.0f}"
                f"  {total / size * 1e6:>10.0f}  {hits:>12.1f}"
            )

    print("\nnaive baseline (every topic x every article), 100 articles:")
    for count in sub_counts[:2] if args.full else sub_counts[:1]:
        topics, sample = all_topics[:count], tokenized[100]
        index = build_index(topics, frequencies)
        assert match_naive(topics, sample) == match_index(index, sample), "results differ"
        naive = median_seconds(partial(match_naive, topics, sample), runs)
        indexed = median_seconds(partial(match_index, index, sample), runs)
        print(
            f"{count:>7,} subs: naive {naive * 1e3:.1f} ms, index {indexed * 1e3:.2f} ms, "
            f"speed-up {naive / indexed:.0f}x (identical results)"
        )


if __name__ == "__main__":
    main()
