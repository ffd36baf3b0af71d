"""Map words to term ids (same stem, same id; stop words apart), cached across calls."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from itertools import compress, count
from operator import not_
from typing import cast

import Stemmer

from bot.keypoints.lexicon import fallback_stemmer, pystemmer_algorithm

_CACHE_LIMIT = 200_000
STOP = -1  # the term id of every stop word; the others are positive


class CachedStemmer:
    """Stems words for one language with PyStemmer (or sumy's fallback); thread-safe.

    `terms` maps words as written to term ids, through caches shared by all threads; calling
    the object stems one word, as sumy's summarizers expect of a stemmer.
    """

    def __init__(self, language: str, stop_words: frozenset[str] = frozenset()) -> None:
        self.language = language
        self._stop_words = stop_words
        self._algorithm = pystemmer_algorithm(language)
        self._fallback: Callable[[str], str] | None = (
            None if self._algorithm else fallback_stemmer(language)
        )
        # Both only ever grow, until full and replaced; ids are never reused, so a call that
        # straddles a replacement at worst sees one stem under two ids.
        self._cache: dict[str, int] = {}  # word as written -> term id
        self._ids: dict[str, int] = {}  # stem -> term id
        self._next_id = count(1)
        self._local = threading.local()  # PyStemmer objects must not be shared between threads

    def __call__(self, word: str) -> str:
        return self._stem([word.lower()])[0]

    def terms(self, words: Sequence[str]) -> list[int]:
        """The term id of each word, in order: one id per stem, STOP for stop words."""
        cache = self._cache
        found: list[int | None] = list(map(cache.get, words))
        if not all(found):  # some words are new (ids are never 0)
            missing = list(set(compress(words, map(not_, found))))
            lowered = [word.lower() for word in missing]
            kept = [word for word in lowered if word not in self._stop_words]
            ids = self._ids
            stem_ids = {
                word: ids.get(stem) or ids.setdefault(stem, next(self._next_id))
                for word, stem in zip(kept, self._stem(kept), strict=True)
            }
            cache.update(zip(missing, (stem_ids.get(word, STOP) for word in lowered), strict=True))
            if len(cache) > _CACHE_LIMIT:
                self._cache, self._ids = {}, {}
            found = list(map(cache.get, words))
        return cast(list[int], found)

    def _stem(self, words: list[str]) -> list[str]:
        if self._algorithm is not None:
            stemmer = getattr(self._local, "stemmer", None)
            if stemmer is None:
                stemmer = self._local.stemmer = Stemmer.Stemmer(self._algorithm)
            stems: list[str] = stemmer.stemWords(words)
            return stems
        if self._fallback is not None:
            return [self._fallback(word) for word in words]
        return words
