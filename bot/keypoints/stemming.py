"""Word stemming with a shared cache: PyStemmer where it knows the language, else a fallback."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

import Stemmer

from bot.keypoints.lexicon import fallback_stemmer, pystemmer_algorithm

_CACHE_LIMIT = 200_000


class CachedStemmer:
    """Stems lower-case words for one language; thread-safe, results cached across calls.

    Also a plain `word -> stem` callable, so it can be handed to sumy's summarizers.
    """

    def __init__(self, language: str) -> None:
        self.language = language
        self._algorithm = pystemmer_algorithm(language)
        self._fallback: Callable[[str], str] | None = (
            None if self._algorithm else fallback_stemmer(language)
        )
        self._cache: dict[str, str] = {}
        self._local = threading.local()  # PyStemmer objects must not be shared between threads

    def __call__(self, word: str) -> str:
        return self.stem_all((word,))[word]

    def stem_all(self, words: Iterable[str]) -> dict[str, str]:
        """A `word -> stem` mapping for every word in `words`."""
        cache = self._cache
        found: dict[str, str] = {}
        missing: list[str] = []
        for word in set(words):
            stem = cache.get(word)
            if stem is None:
                missing.append(word)
            else:
                found[word] = stem
        if missing:
            fresh = dict(zip(missing, self._stem_uncached(missing), strict=True))
            found.update(fresh)
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            cache.update(fresh)
        return found

    def _stem_uncached(self, words: list[str]) -> list[str]:
        if self._algorithm is not None:
            stemmer = getattr(self._local, "stemmer", None)
            if stemmer is None:
                stemmer = self._local.stemmer = Stemmer.Stemmer(self._algorithm)
            stems: list[str] = stemmer.stemWords(words)
            return stems
        if self._fallback is not None:
            return [self._fallback(word) for word in words]
        return words
