"""Per-language word resources bundled with installed packages: sumy's stop words, stemmers."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import Stemmer
from sumy.nlp.stemmers import Stemmer as SumyStemmer
from sumy.utils import get_stop_words

# ISO 639-1 code -> the language name sumy and PyStemmer use.
LANGUAGE_NAMES: dict[str, str] = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "et": "estonian",
    "eu": "basque",
    "fa": "persian",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "he": "hebrew",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "ja": "japanese",
    "ko": "korean",
    "lt": "lithuanian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sk": "slovak",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "th": "thai",
    "tr": "turkish",
    "uk": "ukrainian",
    "zh": "chinese",
}
# Languages written without spaces between words, or whose words carry long particle chains:
# they are split and compared with language-neutral rules (punctuation, character bigrams).
NEUTRAL_LANGUAGES = frozenset({"ko", "ja", "zh", "th"})
_PYSTEMMER_ALGORITHMS = frozenset(Stemmer.algorithms())
# sumy's own pure-Python stemmers, for languages PyStemmer lacks (the others need NLTK data).
_SUMY_STEMMERS = frozenset({"slovak", "ukrainian"})


def language_name(code: str) -> str:
    """The English name sumy uses for ISO 639-1 `code` ("en" -> "english"); the code if unknown."""
    return LANGUAGE_NAMES.get(code, code)


@lru_cache(maxsize=64)
def stop_words(code: str) -> frozenset[str]:
    """sumy's bundled stop words for `code`, lower case; empty when sumy has none."""
    try:
        return frozenset(word.lower() for word in get_stop_words(language_name(code)))
    except LookupError:
        return frozenset()


def pystemmer_algorithm(code: str) -> str | None:
    """The PyStemmer algorithm for `code`, or None when PyStemmer has none."""
    name = language_name(code)
    if code in NEUTRAL_LANGUAGES or name not in _PYSTEMMER_ALGORITHMS:
        return None
    return name


def fallback_stemmer(code: str) -> Callable[[str], str] | None:
    """sumy's own stemmer for a language PyStemmer lacks, or None."""
    name = language_name(code)
    if name not in _SUMY_STEMMERS:
        return None
    stemmer: Callable[[str], str] = SumyStemmer(name)
    return stemmer
