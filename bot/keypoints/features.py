"""Per-sentence features for the learned key-point scorer (see bench/train_keypoints.py).

Every feature is language-neutral or comes from a small per-language word list, and each is
cheap: a key-point step stays well under 3 ms an article. The order of FEATURES is the order
of the columns of `feature_matrix` and of the weights in bot/keypoints/weights.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float64]

FEATURES = (
    "first",  # the article's first body sentence
    "position",  # 1 / (1 + sentence index)
    "relative_position",  # sentence index / number of sentences
    "paragraph",  # 1 / (1 + paragraph index)
    "opens_paragraph",
    "length",  # words / 25
    "length_squared",
    "long",  # over 40 words
    "short",  # under 8 words
    "title_recall",  # share of the title's terms in the sentence
    "title_claim",  # the same, each term weighted by its rarity in the article (idf)
    "title_best",  # has the article's highest title_claim: likely the headline's claim
    "recurrence",  # how many other sentences share its words, scaled to the article's maximum
    "centrality",  # summed tf-idf cosine similarity to the others, scaled
    "quote",  # holds a quotation mark
    "opens_with_quote",
    "number",  # holds a digit
    "names",  # share of its words (but the first) that are capitalised
    "needs_context",  # opens with a pronoun or connective (He, This, But, ...)
    "exclamation",  # ends with "!" (questions never get here)
    "parenthesis",
)
_QUOTES = frozenset('"“”„«»「」『』')
_OPEN_QUOTES = "\"“„«「『‘'"
_DIGIT = re.compile(r"\d")
_CAPITALISED = re.compile(r"\s[A-ZÀ-ÖØ-ÞĀ-Ž\u0391-\u03a9\u0410-\u042f]")  # a capital after a space
LONG_WORDS, SHORT_WORDS, LENGTH_UNIT = 40, 8, 25.0


def sentence_length(text: str, neutral: bool) -> float:
    """Words in a sentence; for languages written without spaces, characters / 3."""
    return len(text) / 3.0 if neutral else float(text.count(" ") + 1)


def feature_matrix(
    texts: Sequence[str],
    paragraphs: Sequence[int],
    lengths: NDArray[np.float64],
    title_recall: Matrix,
    title_claim: Matrix,
    recurrence: Matrix,
    centrality: Matrix,
    needs_context: Sequence[bool],
) -> Matrix:
    """The FEATURES of each sentence, one row a sentence."""
    count = len(texts)
    index = np.arange(count, dtype=np.float64)
    paragraph = np.asarray(paragraphs, dtype=np.float64)
    opens = np.ones(count)
    opens[1:] = paragraph[1:] != paragraph[:-1]
    names = np.array([_capitalised_share(text) for text in texts])
    columns = (
        index == 0,
        1.0 / (1.0 + index),
        index / max(1, count - 1),
        1.0 / (1.0 + paragraph),
        opens,
        lengths / LENGTH_UNIT,
        (lengths / LENGTH_UNIT) ** 2,
        lengths > LONG_WORDS,
        lengths < SHORT_WORDS,
        title_recall,
        title_claim,
        (title_claim > 0.0) & (title_claim == title_claim.max(initial=0.0)),
        recurrence,
        centrality,
        [not _QUOTES.isdisjoint(text) for text in texts],
        [text[:1] in _OPEN_QUOTES for text in texts],
        [_DIGIT.search(text) is not None for text in texts],
        names,
        needs_context,
        [text.rstrip("\"'”’»」』)")[-1:] == "!" for text in texts],
        ["(" in text for text in texts],
    )
    return np.column_stack([np.asarray(column, dtype=np.float64) for column in columns])


def _capitalised_share(text: str) -> float:
    spaces = text.count(" ")
    return len(_CAPITALISED.findall(text)) / spaces if spaces else 0.0
