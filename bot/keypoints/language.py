"""Detect an article's language (ISO 639-1) from a feed hint or from its text, with no downloads."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import repeat

import pycountry

from bot.keypoints.lexicon import stop_words

# Scripts that identify one language on their own: (first code point, last code point, language).
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0xAC00, 0xD7AF, "ko"),  # Hangul syllables
    (0x1100, 0x11FF, "ko"),  # Hangul jamo
    (0x3130, 0x318F, "ko"),  # Hangul compatibility jamo
    (0x3040, 0x30FF, "ja"),  # Hiragana and Katakana
    (0x4E00, 0x9FFF, "zh"),  # CJK unified ideographs (Han)
    (0x0400, 0x04FF, "ru"),  # Cyrillic
    (0x0370, 0x03FF, "el"),  # Greek
    (0x0590, 0x05FF, "he"),  # Hebrew
    (0x0600, 0x06FF, "ar"),  # Arabic
    (0x0E00, 0x0E7F, "th"),  # Thai
    (0x0900, 0x097F, "hi"),  # Devanagari
)
# Any character of those scripts: most texts have none, and need no per-character count.
_OWN_SCRIPT = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b, _ in _SCRIPT_RANGES) + "]")
_UKRAINIAN_LETTERS = frozenset("єіїґЄІЇҐ")
_PERSIAN_LETTERS = frozenset("پچژگ")
# Latin-script languages told apart by how many of their stop words a text uses.
_LATIN_CANDIDATES = ("en", "de", "fr", "es", "it", "pt", "sv", "pl", "cs", "sk")
_WORD = re.compile(r"[^\W\d_]+")
# On ASCII text those words are the runs of letters: every other character becomes a space.
_ASCII_NON_LETTERS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalpha()})
_SAMPLE_CHARS = 4000
# Stop-word hits are counted for all candidates at once, one field of this many bits each in
# one integer (a sample has far fewer than 2 ** 16 words).
_FIELD_BITS = 16


@lru_cache(maxsize=256)
def normalize_language_code(code: str | None) -> str | None:
    """Turn a tag such as "en-US", "ko_KR" or "eng" into an ISO 639-1 code, or None if not valid."""
    if not code:
        return None
    primary = re.split(r"[-_.@\s]", code.strip().lower(), maxsplit=1)[0]
    if len(primary) == 2 and primary.isalpha():
        found = pycountry.languages.get(alpha_2=primary)
    elif len(primary) == 3 and primary.isalpha():
        found = pycountry.languages.get(alpha_3=primary)
    else:
        return None
    alpha_2: str | None = getattr(found, "alpha_2", None) if found is not None else None
    return alpha_2


def detect_language(text: str, hint: str | None = None) -> str:
    """The language of `text` as an ISO 639-1 code; a valid `hint` (feed or page language) wins."""
    hinted = normalize_language_code(hint)
    if hinted is not None:
        return hinted
    sample = text[:_SAMPLE_CHARS]
    by_script = None if sample.isascii() else _language_from_script(sample)
    if by_script is not None:
        return by_script
    return _language_from_stop_words(sample)


def _language_from_script(sample: str) -> str | None:
    if not _OWN_SCRIPT.search(sample):
        return None
    counts: dict[str, int] = {}
    latin = 0
    for char in sample:
        point = ord(char)
        if point < 0x250:
            latin += char.isalpha()
            continue
        for first, last, language in _SCRIPT_RANGES:
            if first <= point <= last:
                counts[language] = counts.get(language, 0) + 1
                break
    if not counts:
        return None
    if counts.get("ja") and counts.get("ja", 0) * 5 >= counts.get("zh", 0):
        counts["ja"] += counts.pop("zh", 0)  # Japanese mixes kana with Han characters
    language, count = max(counts.items(), key=lambda item: item[1])
    if count < latin:
        return None
    if language == "ru" and any(char in _UKRAINIAN_LETTERS for char in sample):
        return "uk"
    if language == "ar" and any(char in _PERSIAN_LETTERS for char in sample):
        return "fa"
    return language


def _language_from_stop_words(sample: str) -> str:
    """The candidate whose stop words occur most often in `sample` (English on a tie or none)."""
    lowered = sample.lower()
    if lowered.isascii():
        words = lowered.translate(_ASCII_NON_LETTERS).split()
    else:
        words = _WORD.findall(lowered)
    hits = sum(map(_stop_word_fields().get, words, repeat(0, len(words))))
    best, best_hits = "en", 0
    mask = (1 << _FIELD_BITS) - 1
    for field, language in enumerate(_LATIN_CANDIDATES):
        language_hits = hits >> (field * _FIELD_BITS) & mask
        if language_hits > best_hits:
            best, best_hits = language, language_hits
    return best


@lru_cache(maxsize=1)
def _stop_word_fields() -> dict[str, int]:
    """Each candidate's stop word -> 1 in the field of every candidate that lists it."""
    fields: dict[str, int] = {}
    for field, language in enumerate(_LATIN_CANDIDATES):
        for word in stop_words(language):
            fields[word] = fields.get(word, 0) | 1 << (field * _FIELD_BITS)
    return fields
