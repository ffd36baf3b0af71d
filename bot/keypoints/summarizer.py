"""A sumy summarizer for key points: word-recurrence centrality, vectorised, redundancy-aware."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
from numpy.typing import NDArray
from sumy.models.dom import ObjectDocumentModel, Sentence
from sumy.summarizers._summarizer import AbstractSummarizer

from bot.keypoints.stemming import CachedStemmer

Matrix = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Weights:
    """How sentences are rated and chosen (tuned on the BBC dev split, see bench/README.md)."""

    recurrence: float = 1.0  # how many other sentences share each of the sentence's words
    centrality: float = 0.2  # summed tf-idf cosine similarity to the other sentences
    redundancy: float = 0.2  # penalty per unit of similarity to a sentence already chosen
    # A repeat of a chosen sentence: this share of the shorter one's words is in the other (a
    # lead that the body says again, a little shorter or in other quotes).
    duplicate: float = 0.9


DEFAULT_WEIGHTS = Weights()


class KeyPointSummarizer(AbstractSummarizer):
    """Rates sentences by how much of the article's recurring vocabulary they carry.

    A sentence's recurrence is, summed over its (stemmed, non-stop) words, the number of other
    sentences that use the word too: its degree in the word-sharing graph of the article, which
    favours long, on-topic sentences. A small tf-idf centrality term sharpens it.
    Sentences are picked greedily, each penalised by its similarity to those already picked
    (maximal marginal relevance), and returned in document order.
    """

    def __init__(
        self,
        stemmer: CachedStemmer,
        stop_words: frozenset[str] = frozenset(),
        weights: Weights = DEFAULT_WEIGHTS,
    ) -> None:
        super().__init__(stemmer)
        self._stems = stemmer
        # As written in a text, so that words need no lower-casing to be checked.
        self._stop_words = frozenset(
            chain.from_iterable((word, word.capitalize(), word.upper()) for word in stop_words)
        )
        self.weights = weights

    def __call__(self, document: ObjectDocumentModel, sentences_count: int) -> tuple[Sentence, ...]:
        sentences: tuple[Sentence, ...] = document.sentences
        if len(sentences) <= sentences_count:
            return sentences
        counts = self._term_counts(sentences)
        frequency = np.count_nonzero(counts, axis=0)  # how many sentences use each term
        similarity = _cosine_similarity(counts, frequency)
        weights = self.weights
        ratings = weights.recurrence * _scaled(counts @ (frequency - 1.0))
        ratings += weights.centrality * _scaled(similarity.sum(axis=1))
        chosen = self._select(
            ratings, similarity, _word_overlap(counts, frequency), sentences_count
        )
        return tuple(sentences[index] for index in sorted(chosen))

    def _term_counts(self, sentences: Sequence[Sentence]) -> Matrix:
        """Sentence-by-term matrix of term counts, stop words left out."""
        stop_words = self._stop_words
        words = [[word for word in s.words if word not in stop_words] for s in sentences]
        ids = np.array(self._stems.terms(list(chain.from_iterable(words))), dtype=np.int64)
        columns, width = _compact(ids)
        rows = np.repeat(np.arange(len(words)), list(map(len, words)))
        counts = np.bincount(rows * width + columns, minlength=len(words) * width)
        return counts.reshape(len(words), width).astype(np.float64)

    def _select(
        self, ratings: Matrix, similarity: Matrix, overlap: Matrix, count: int
    ) -> list[int]:
        weights = self.weights
        chosen: list[int] = []
        available = np.ones(len(ratings), dtype=bool)
        closest = np.zeros(len(ratings))  # similarity to the nearest sentence chosen so far
        while len(chosen) < count and available.any():
            value = np.where(available, ratings - weights.redundancy * closest, -np.inf)
            best = int(np.argmax(value))
            chosen.append(best)
            closest = np.maximum(closest, similarity[best])
            available &= overlap[best] < weights.duplicate
            available[best] = False
        return chosen


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
