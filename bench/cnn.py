"""Load the CNN development set (../shared/data/cnn) with its fixed tune / report split.

The split is by line: the first 1,100 articles ("train") are the only ones any weight or
setting was tuned on; the last 500 ("test") are only reported on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "cnn" / "cnn-corpus-dev.jsonl"
TRAIN_LINES = 1100
SPLITS = ("train", "test", "all")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class CnnArticle:
    """One CNN article with the editors' highlights and the human gold extract."""

    id: str
    title: str
    text: str
    sentences: tuple[str, ...]  # as the annotators split the body
    highlights: tuple[str, ...]
    gold: tuple[str, ...]  # the sentences the annotators matched to the highlights


def load_cnn(split: str = "test", limit: int = 0, path: Path = DATA) -> list[CnnArticle]:
    """The articles of `split` in file order; `limit` > 0 keeps only the first `limit`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    chosen = {"train": lines[:TRAIN_LINES], "test": lines[TRAIN_LINES:], "all": lines}[split]
    articles = [_article(json.loads(line)) for line in chosen]
    return articles[:limit] if limit > 0 else articles


def _article(row: dict[str, object]) -> CnnArticle:
    sentences = tuple(row["sentences"])  # type: ignore[call-overload]
    ids: list[int] = row["gold_sentence_ids"]  # type: ignore[assignment]
    return CnnArticle(
        str(row["id"]),
        str(row["title"]),
        str(row["text"]),
        sentences,
        tuple(row["highlights"]),  # type: ignore[call-overload]
        tuple(sentences[i - 1] for i in ids if 0 < i <= len(sentences)),
    )


def in_gold(sentence: str, gold: tuple[str, ...]) -> bool:
    """True when `sentence` (as newsbot split it) is one of the gold sentences, give or take
    a different split: half or more of its words and of the gold sentence's are shared."""
    words = set(_WORD.findall(sentence.lower()))
    for other in gold:
        theirs = set(_WORD.findall(other.lower()))
        shared = len(words & theirs)
        if words and theirs and shared >= 0.5 * len(words) and shared >= 0.5 * len(theirs):
            return True
    return False
