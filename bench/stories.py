"""Story grouping: pairwise precision and recall on Wikinews stories mixed with unrelated news,
and the cost of grouping one article with 10,000 and 100,000 articles stored.

    python -m bench.stories                      # quality on the test half, then cost
    python -m bench.stories --split dev --sweep  # the grid the thresholds were chosen on
    python -m bench.stories --cost-only --sizes 10000,100000

Data (../shared/data, never copied): `stories/wikinews-dev.jsonl` gives 51 stories, each with
the Wikinews article and its cited outlets' articles (one URL kept once, as storage does); the
BBC (2004-05) and CNN (2010-14) sets give unrelated articles, each its own story (a title
already seen on that site is dropped, as storage's same-site dedupe does). Split: stories at
even lines of the file and BBC/CNN articles with even numbers are `dev` (tuned on); odd ones
are `test` (reported). Every article gets the same publication time, so all of them are in
one window: harder than a real stream, where the 48 h window holds far fewer.

Precision = share of the article pairs put in one story that are of one story, counted over
the pairs with at least one Wikinews-story article (the BBC set holds rewrites of one event,
e.g. "Fast moving phone bugs appear" / "Fast moving phone viruses appear", that no label
joins; precision over all pairs is printed too); recall = share of the pairs of one story
that were put together. Cost: CPU time per assignment (fingerprint
of title and lead included) with N articles stored: a real stream (100 articles an hour, so the
48 h window
holds 4,800 of them whatever is stored) and the worst case (all N in the window), against a
baseline that compares the new article with every article of the window, same process.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.keypoints.extractor import KeyPointExtractor
from bot.storage.articles import title_key
from bot.stories import StoryGrouper, fingerprint
from bot.stories.fingerprint import Fingerprint

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
WIKINEWS = SHARED / "stories" / "wikinews-dev.jsonl"
BBC = SHARED / "bbc" / "bbc-news-summary.jsonl"
CNN = SHARED / "cnn" / "cnn-corpus-dev.jsonl"
START = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Item:
    """One article of the stream with the story it belongs to."""

    key: str
    story: str
    title: str
    text: str


def _number(identifier: str) -> int:
    return int(identifier.rsplit("/", 1)[1])


def _in_split(number: int, split: str) -> bool:
    return split == "all" or (number % 2 == 0) == (split == "dev")


def load_items(split: str) -> list[Item]:
    """The stream of `split`: Wikinews stories' articles and the unrelated BBC and CNN ones."""
    items: list[Item] = []
    urls: set[str] = set()
    with WIKINEWS.open(encoding="utf-8") as lines:
        for line_number, line in enumerate(lines):
            if not _in_split(line_number, split):
                continue
            row = json.loads(line)
            items.append(Item(row["story"], row["story"], row["title"], row["summary"]))
            for n, source in enumerate(row["sources"]):
                if source["url"] in urls or not source["text"].strip():
                    continue
                urls.add(source["url"])
                title = source["title"] or ""
                items.append(Item(f"{row['story']}/{n}", row["story"], title, source["text"]))
    for path in (BBC, CNN):
        seen: set[str] = set()
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                key = title_key(row["title"])
                if not _in_split(_number(row["id"]), split) or key in seen:
                    continue
                seen.add(key)
                items.append(Item(row["id"], row["id"], row["title"], row["text"]))
    return items


def fingerprints(items: Sequence[Item]) -> list[Fingerprint]:
    """Each item's fingerprint, from its title, text and key points as the bot computes them."""
    extractor = KeyPointExtractor()
    return [
        fingerprint(item.title, item.text, extractor.key_points(item.title, item.text))
        for item in items
    ]


def group(prints: Sequence[Fingerprint], order: Sequence[int], **settings: float) -> list[int]:
    """The story id of each item, fed to a fresh grouper in `order`, all at one time."""
    grouper = StoryGrouper(**settings)  # type: ignore[arg-type]
    stories = [0] * len(prints)
    for position in order:
        stories[position] = grouper.assign(position + 1, prints[position], START)
    return stories


def _pairs(labels: Iterable[object]) -> set[tuple[int, int]]:
    members: dict[object, list[int]] = {}
    for position, label in enumerate(labels):
        members.setdefault(label, []).append(position)
    return {pair for group in members.values() for pair in itertools.combinations(group, 2)}


def _labelled(item: Item) -> bool:
    return item.story.startswith("wikinews/")


def score(items: Sequence[Item], stories: Sequence[int]) -> tuple[float, float, float, int]:
    """Precision over pairs touching a Wikinews story, recall, precision over all pairs,
    and the number of wrong pairs touching a Wikinews story."""
    gold, found = _pairs(item.story for item in items), _pairs(stories)
    labelled = {pair for pair in found if _labelled(items[pair[0]]) or _labelled(items[pair[1]])}
    hits = len(gold & found)
    return (
        hits / len(labelled) if labelled else 1.0,
        hits / len(gold),
        hits / len(found) if found else 1.0,
        len(labelled) - hits,
    )


def quality(split: str, sweep: bool, orders: int) -> None:
    items = load_items(split)
    prints = fingerprints(items)
    gold = _pairs(item.story for item in items)
    print(
        f"split {split}: {len(items)} articles ({sum(map(_labelled, items))} of Wikinews "
        f"stories), {len(gold)} same-story pairs; median of {orders} random orders"
    )
    grid = [(t, m) for t in (0.25, 0.3, 0.35, 0.4) for m in (2, 3, 4, 5)] if sweep else [(0, 0)]
    for threshold, shared in grid:
        settings = {"threshold": threshold, "min_shared": shared} if sweep else {}
        results = []
        for seed in range(orders):
            order = list(range(len(items)))
            random.Random(seed).shuffle(order)
            results.append(score(items, group(prints, order, **settings)))
        precision, recall, everything, wrong = (
            statistics.median(r[n] for r in results) for n in range(4)
        )
        label = f"threshold {threshold:.2f} shared {shared}" if sweep else "newsbot"
        print(
            f"{label:28} precision {precision:.3f}  recall {recall:.3f}  "
            f"(wrong pairs {wrong:.0f}; precision over all pairs {everything:.3f})"
        )
    if not sweep:
        _show_mistakes(items, group(prints, list(range(len(items)))))


def _show_mistakes(items: Sequence[Item], stories: Sequence[int]) -> None:
    gold = _pairs(item.story for item in items)
    wrong = sorted(_pairs(stories) - gold)
    print(f"wrong pairs in file order: {len(wrong)} (first 15)")
    for a, b in wrong[:15]:
        left, right = items[a], items[b]
        print(f"  {left.key}: {left.title[:50]!r}  ~  {right.key}: {right.title[:50]!r}")


def _synthetic(count: int, seed: int) -> list[tuple[str, str]]:
    """`count` distinct articles: a BBC or CNN title and sentences drawn from many articles."""
    base = load_items("all")
    sentences = [s for item in base for s in item.text.replace("\n", " ").split(". ") if s]
    rng = random.Random(seed)
    return [(rng.choice(base).title, ". ".join(rng.choices(sentences, k=5))) for _ in range(count)]


def _brute_best(grouper_prints: Sequence[Fingerprint], fp: Fingerprint) -> float:
    """The baseline: the highest plain cosine against every article of the window."""
    best = 0.0
    for other in grouper_prints:
        weights = other.weights
        best = max(best, sum(w * weights[t] for t, w in fp.weights.items() if t in weights))
    return best


def cost(sizes: Sequence[int], probes: int = 300) -> None:
    print(f"cost per assignment, CPU ms, median of {probes} new articles")
    for size in sizes:
        articles = _synthetic(size + probes, seed=size)
        prints = [fingerprint(title, text) for title, text in articles]
        for shape, per_hour in (("stream, 100/h", 100), ("all in the window", None)):
            grouper = StoryGrouper()
            step = timedelta(hours=1 / per_hour) if per_hour else timedelta(0)
            for n in range(size):
                grouper.assign(n + 1, prints[n], START + step * n)
            times, brute = [], []
            window = [prints[n] for n in range(max(0, size - len(grouper)), size)]
            for n in range(size, size + probes):
                title, text = articles[n]
                began = time.thread_time()
                grouper.assign(n + 1, fingerprint(title, text), START + step * n)
                times.append(time.thread_time() - began)
                if len(brute) < 30:
                    began = time.thread_time()
                    _brute_best(window, prints[n])
                    brute.append(time.thread_time() - began)
            ours, naive = statistics.median(times) * 1e3, statistics.median(brute) * 1e3
            print(
                f"  {size:>7,} stored, {shape:18} window {len(window):>7,}: "
                f"newsbot {ours:.2f} ms (fingerprint included), compare-with-all baseline "
                f"{naive:.2f} ms (comparisons only), {naive / ours:.1f}x"
            )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="test")
    parser.add_argument("--sweep", action="store_true", help="try a grid of thresholds")
    parser.add_argument("--orders", type=int, default=3, help="random stream orders (median)")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--cost-only", action="store_true")
    parser.add_argument("--quality-only", action="store_true")
    args = parser.parse_args(argv)
    if not args.cost_only:
        quality(args.split, args.sweep, args.orders)
    if not args.quality_only:
        cost([int(size) for size in args.sizes.split(",")])


if __name__ == "__main__":
    main()
