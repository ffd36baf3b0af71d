"""Map words to index terms (lower case, stop words dropped, stemmed), cached across calls."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import cast

import Stemmer

from bot.keypoints.lexicon import fallback_stemmer, pystemmer_algorithm

_CACHE_LIMIT = 200_000
STOP = ""  # the term of a stop word


class CachedStemmer:
    """Stems words for one language with PyStemmer (or sumy's fallback); thread-safe.

    `terms` maps words as written to their index terms, with a cache shared by all threads;
    calling the object stems one word, as sumy's summarizers expect of a stemmer.
    """

    def __init__(self, language: str, stop_words: frozenset[str] = frozenset()) -> None:
        self.language = language
        self._stop_words = stop_words
        self._algorithm = pystemmer_algorithm(language)
        self._fallback: Callable[[str], str] | None = (
            None if self._algorithm else fallback_stemmer(language)
        )
        self._cache: dict[str, str] = {}
        self._local = threading.local()  # PyStemmer objects must not be shared between threads

    def __call__(self, word: str) -> str:
        return self._stem([word.lower()])[0]

    def terms(self, words: Sequence[str]) -> list[str]:
        """The term of each word, in order: its lower-cased stem, or STOP for a stop word."""
        cache = self._cache  # entries are only ever added to this dict; a full one is replaced
        found: list[str | None] = list(map(cache.get, words))
        if None in found:
            missing = list({word for word, term in zip(words, found, strict=True) if term is None})
            lowered = [word.lower() for word in missing]
            kept = [word for word in lowered if word not in self._stop_words]
            stems = dict(zip(kept, self._stem(kept), strict=True))
            cache.update(zip(missing, (stems.get(word, STOP) for word in lowered), strict=True))
            if len(cache) > _CACHE_LIMIT:
                self._cache = {}
            found = list(map(cache.get, words))
        return cast(list[str], found)

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
