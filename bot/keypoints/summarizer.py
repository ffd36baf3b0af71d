"""A sumy summarizer for key points: a learned sentence score, then a length-aware greedy choice."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
from numpy.typing import NDArray
from sumy.models.dom import ObjectDocumentModel, Sentence
from sumy.summarizers._summarizer import AbstractSummarizer

from bot.keypoints import weights
from bot.keypoints.features import FEATURES, Matrix, feature_matrix, sentence_length
from bot.keypoints.stemming import CachedStemmer

_FIRST_WORD = re.compile(r"[\"“„«「『‘']?\s*([^\W\d_]+)")
# Longer sentences are chosen only when an article has no others left.
MAX_WORDS = 60


@dataclass(frozen=True, slots=True)
class Selection:
    """How rated sentences are chosen (tuned with the scorer, see bench/train_keypoints.py)."""

    redundancy: float = weights.SELECTION["redundancy"]  # per unit of similarity to a chosen one
    long: float = weights.SELECTION["long"]  # per word over `long_from`
    long_from: float = weights.SELECTION["long_from"]
    context: float = weights.SELECTION["context"]  # opens needing context its predecessor lacks
    headline: float = weights.SELECTION["headline"]  # bonus for the best match of the title
    # That best match is the headline's claim, and always a point, when it holds this share of
    # the title's (idf-weighted) words.
    claim: float = weights.SELECTION["claim"]
    # A repeat of a chosen sentence: this share of the shorter one's words is in the other (a
    # lead that the body says again, a little shorter or in other quotes).
    duplicate: float = 0.9


DEFAULT_SELECTION = Selection()
_COEFFICIENTS = np.array([weights.COEFFICIENTS.get(name, 0.0) for name in FEATURES])
_TITLE_BEST = FEATURES.index("title_best")
_TITLE_CLAIM = FEATURES.index("title_claim")
_CLAIM_BONUS = 100.0


class KeyPointSummarizer(AbstractSummarizer):
    """Rates each sentence by a logistic model of whether editors would pick it, then chooses.

    The model (bot/keypoints/weights.py, trained offline on human-chosen CNN sentences) weighs
    position, length, the title's words, centrality in the article's word-sharing graph,
    quotes, numbers and names. Sentences are then picked greedily, each penalised by its
    similarity to those already picked (maximal marginal relevance), by its length past about
    25 words and by an opening word that needs context its predecessor is not there to give; one
    ranking for every count, so fewer points are the best of the same points. They come back
    in document order.
    """

    def __init__(
        self,
        stemmer: CachedStemmer,
        stop_words: frozenset[str] = frozenset(),
        context_openers: frozenset[str] = frozenset(),
        neutral: bool = False,
        selection: Selection = DEFAULT_SELECTION,
    ) -> None:
        super().__init__(stemmer)
        self._stems = stemmer
        # As written in a text, so that words need no lower-casing to be checked.
        self._stop_words = frozenset(
            chain.from_iterable((word, word.capitalize(), word.upper()) for word in stop_words)
        )
        self.context_openers = context_openers
        self._neutral = neutral
        self.selection = selection
        self.coefficients = _COEFFICIENTS

    def __call__(
        self, document: ObjectDocumentModel, sentences_count: int, title: Sequence[str] = ()
    ) -> tuple[Sentence, ...]:
        """The best `sentences_count` sentences in document order; `title` is the title's words."""
        sentences: tuple[Sentence, ...] = document.sentences
        if len(sentences) <= sentences_count:
            return sentences
        return tuple(sentences[i] for i in sorted(self.ranking(document, sentences_count, title)))

    def ranking(
        self, document: ObjectDocumentModel, count: int, title: Sequence[str] = ()
    ) -> list[int]:
        """Indices of the `count` best sentences, best first."""
        rated = self.rate(document, title)
        return self._select(rated, count)

    def rate(self, document: ObjectDocumentModel, title: Sequence[str] = ()) -> _Rated:
        """Every sentence's features and the article's similarity matrices."""
        sentences: tuple[Sentence, ...] = document.sentences
        texts = [str(sentence) for sentence in sentences]
        paragraphs = list(
            chain.from_iterable(
                [number] * len(paragraph.sentences)
                for number, paragraph in enumerate(document.paragraphs)
            )
        )
        counts, title_terms = self._term_counts(sentences, title)
        frequency = np.count_nonzero(counts, axis=0)  # how many sentences use each term
        similarity = _cosine_similarity(counts, frequency)
        title_recall, title_claim = _title_overlap(counts > 0.0, frequency, title_terms)
        lengths = np.array([sentence_length(text, self._neutral) for text in texts])
        needs_context = [self._needs_context(text) for text in texts]
        features = feature_matrix(
            texts,
            paragraphs,
            lengths,
            title_recall,
            title_claim,
            _scaled(counts @ (frequency - 1.0)),
            _scaled(similarity.sum(axis=1)),
            needs_context,
        )
        return _Rated(
            features,
            lengths,
            np.array(needs_context, dtype=bool),
            similarity,
            _word_overlap(counts, frequency),
        )

    def _needs_context(self, text: str) -> bool:
        first = _FIRST_WORD.match(text)
        return first is not None and first.group(1).lower() in self.context_openers

    def _term_counts(
        self, sentences: Sequence[Sentence], title: Sequence[str]
    ) -> tuple[Matrix, NDArray[np.intp]]:
        """Sentence-by-term matrix of term counts (stop words left out), and the columns of the
        title's terms."""
        stop_words = self._stop_words
        words = [[word for word in s.words if word not in stop_words] for s in sentences]
        title_words = [word for word in title if word not in stop_words]
        ids = np.array(
            self._stems.terms(list(chain(chain.from_iterable(words), title_words))),
            dtype=np.int64,
        )
        columns, width = _compact(ids)
        body = len(ids) - len(title_words)
        rows = np.repeat(np.arange(len(words)), list(map(len, words)))
        counts = np.bincount(rows * width + columns[:body], minlength=len(words) * width)
        return counts.reshape(len(words), width).astype(np.float64), np.unique(columns[body:])

    def _select(self, rated: _Rated, count: int) -> list[int]:
        selection = self.selection
        scores = rated.features @ self.coefficients
        scores -= selection.long * np.maximum(0.0, rated.lengths - selection.long_from)
        best_match = rated.features[:, _TITLE_BEST] > 0.0
        claims = best_match & (rated.features[:, _TITLE_CLAIM] >= selection.claim)
        scores += np.where(claims, _CLAIM_BONUS, selection.headline * best_match)
        available = rated.lengths <= MAX_WORDS
        if np.count_nonzero(available) < count:
            available[:] = True
        chosen: list[int] = []
        picked = np.zeros(len(scores), dtype=bool)
        closest = np.zeros(len(scores))  # similarity to the nearest sentence chosen so far
        while len(chosen) < count and available.any():
            # A sentence that needs context is fine right after its chosen predecessor.
            after_chosen = np.zeros(len(scores), dtype=bool)
            after_chosen[1:] = picked[:-1]
            dangling = rated.needs_context & ~after_chosen
            value = scores - selection.redundancy * closest - selection.context * dangling
            best = int(np.argmax(np.where(available, value, -np.inf)))
            chosen.append(best)
            picked[best] = True
            closest = np.maximum(closest, rated.similarity[best])
            available &= rated.overlap[best] < selection.duplicate
            available[best] = False
        return chosen


@dataclass(frozen=True, slots=True)
class _Rated:
    features: Matrix
    lengths: NDArray[np.float64]
    needs_context: NDArray[np.bool_]
    similarity: Matrix
    overlap: Matrix


def _title_overlap(
    present: NDArray[np.bool_], frequency: NDArray[np.intp], title_terms: NDArray[np.intp]
) -> tuple[Matrix, Matrix]:
    """Each sentence's share of the title's terms, plain and weighted by the square of the
    terms' idf in the article (the title's rare words say what is new: "comes under fire", not
    "consumer goods");
    title terms that no sentence uses count in neither."""
    sentences = present.shape[0]
    if not len(title_terms):
        return np.zeros(sentences), np.zeros(sentences)
    in_title = present[:, title_terms]
    recall = in_title.sum(axis=1) / len(title_terms)
    used = frequency[title_terms] > 0
    idf = np.log((sentences + 1.0) / (frequency[title_terms] + 0.5)) ** 2 * used
    total = float(idf.sum())
    claim = (in_title @ idf) / total if total > 0.0 else np.zeros(sentences)
    return recall, claim


def _cosine_similarity(counts: Matrix, frequency: NDArray[np.intp]) -> Matrix:
    """Cosine similarity of the sentences' tf-idf vectors (sentences as documents), diagonal 0.

    Only terms found in two sentences or more add to a product; the others count in the norms
    alone, and leaving them out of the product keeps it small (and off BLAS threads).
    """
    documents = counts.shape[0]
    vectors = np.log1p(counts) * np.log((documents + 1.0) / (frequency + 0.5))
    norms = np.sqrt(np.einsum("ij,ij->i", vectors, vectors))
    shared = vectors[:, frequency > 1] / np.where(norms > 0.0, norms, 1.0)[:, np.newaxis]
    similarity: Matrix = shared @ shared.T
    np.fill_diagonal(similarity, 0.0)
    return similarity


def _word_overlap(counts: Matrix, frequency: NDArray[np.intp]) -> Matrix:
    """For each pair of sentences, the share of the shorter one's distinct words in the other
    (only words found in two sentences or more can be shared: the product leaves out the rest)."""
    present = counts > 0.0
    sizes = np.count_nonzero(present, axis=1)
    shared = present[:, frequency > 1].astype(np.float64)
    shorter = np.minimum.outer(sizes, sizes)
    overlap: Matrix = (shared @ shared.T) / np.where(shorter > 0, shorter, 1)
    return overlap


def _compact(ids: NDArray[np.int64]) -> tuple[NDArray[np.intp], int]:
    """Number the distinct `ids` 0, 1, ... in increasing order: (each id's number, how many)."""
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    new = np.empty(len(ids), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    numbers = np.empty(len(ids), dtype=np.intp)
    numbers[order] = np.cumsum(new) - 1
    return numbers, int(new.sum())


def _scaled(values: Matrix) -> Matrix:
    """`values` divided by their maximum (left alone when that is not positive)."""
    top = float(values.max())
    return values / top if top > 0.0 else values
