"""Map words to term ids (one id per stem), with PyStemmer and a cache shared across calls."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from itertools import compress, count
from operator import not_
from typing import cast

import Stemmer

from bot.keypoints.lexicon import fallback_stemmer, pystemmer_algorithm

_CACHE_LIMIT = 200_000


class CachedStemmer:
    """Stems words for one language with PyStemmer (or sumy's fallback); thread-safe.

    `terms` maps words as written to term ids, through caches shared by all threads; calling
    the object stems one word, as sumy's summarizers expect of a stemmer.
    """

    def __init__(self, language: str) -> None:
        self.language = language
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
        """The term id of each word, in order: words with the same lower-cased stem share one."""
        cache = self._cache
        found: list[int | None] = list(map(cache.get, words))
        if not all(found):  # some words are new (ids are never 0)
            missing = list(set(compress(words, map(not_, found))))
            ids = self._ids
            fresh = {
                word: ids.get(stem) or ids.setdefault(stem, next(self._next_id))
                for word, stem in zip(
                    missing, self._stem([w.lower() for w in missing]), strict=True
                )
            }
            cache.update(fresh)
            if len(cache) > _CACHE_LIMIT:
                self._cache, self._ids = {}, {}
            fresh_or: Callable[[str, int | None], int | None] = fresh.get
            found = list(map(fresh_or, words, found))  # the new id, else the one found
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
