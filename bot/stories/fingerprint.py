"""An article's fingerprint for story grouping: weighted stems of its title, lead and key points,
and the names and numbers it mentions."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from bot.keypoints.language import detect_language
from bot.keypoints.lexicon import NEUTRAL_LANGUAGES, stop_words
from bot.keypoints.stemming import CachedStemmer
from bot.keypoints.tokenizer import NoDownloadTokenizer

# The lead: this many words of the text's start (where every outlet puts the event itself).
LEAD_WORDS = 80
# How much a word counts by where it stands; names and numbers count extra.
TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 1.0
POINT_WEIGHT = 1.0
ENTITY_BOOST = 2.0
_NUMBER = re.compile(r"\b\d[\d,.]*\d\b|\b\d{2,}\b")
_ANY_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A capitalised word (any script with case) that does not start a sentence.
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”«»]\s*|\n)\s*$")
_CASED_WORD = re.compile(r"[^\W\d_][^\W_]*(?:-[^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What grouping compares: term weights (before idf), the entity terms, the language."""

    language: str
    weights: dict[str, float]  # term -> sublinear weighted count
    entities: frozenset[str]  # stemmed names and numbers
    title_numbers: frozenset[str] = frozenset()  # "7.1", "2024": two events' titles differ

    @property
    def empty(self) -> bool:
        return not self.weights


@lru_cache(maxsize=64)
def _stemmer(language: str) -> CachedStemmer:
    return CachedStemmer(language)


@lru_cache(maxsize=64)
def _tokenizer(language: str) -> NoDownloadTokenizer:
    return NoDownloadTokenizer(language)


def _lead(text: str) -> str:
    """The first LEAD_WORDS words of `text`."""
    words = text.split(maxsplit=LEAD_WORDS)
    return " ".join(words[:LEAD_WORDS])


def _names(text: str, language: str, title_case: bool) -> list[str]:
    """Capitalised words that do not open a sentence (all of them in a Title Case headline
    are skipped), and numbers: what tells one event from another of the same kind."""
    if language in NEUTRAL_LANGUAGES:
        return _NUMBER.findall(text)
    stops = stop_words(language)
    found = []
    if not title_case:
        for match in _CASED_WORD.finditer(text):
            word = match.group()
            if not word[0].isupper() or word.lower() in stops:
                continue
            if _SENTENCE_START.search(text, max(0, match.start() - 3), match.start()):
                continue
            found.append(word)
    return found + _NUMBER.findall(text)


def _is_title_case(title: str) -> bool:
    words = [w for w in title.split() if w[:1].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) > 0.6 * len(words)


def fingerprint(
    title: str, text: str, points: list[str] | None = None, language: str | None = None
) -> Fingerprint:
    """The fingerprint of one article (its language detected when not given)."""
    lead = _lead(text)
    code = language or detect_language(f"{title}\n{lead}")
    tokenizer, stemmer, stops = _tokenizer(code), _stemmer(code), stop_words(code)
    counts: defaultdict[str, float] = defaultdict(float)
    neutral = code in NEUTRAL_LANGUAGES
    for part, weight in ((title, TITLE_WEIGHT), (lead, LEAD_WEIGHT)):
        _count(counts, part, weight, tokenizer, stemmer, stops, neutral)
    for point in points or ():
        _count(counts, point, POINT_WEIGHT, tokenizer, stemmer, stops, neutral)
    names = _names(title, code, _is_title_case(title)) + _names(lead, code, False)
    entities = frozenset(_terms(names, stemmer, neutral=neutral))
    for term in entities & counts.keys():
        counts[term] *= ENTITY_BOOST
    weights = {t: 1.0 + math.log(c) if c > 1 else c for t, c in counts.items()}
    return Fingerprint(code, weights, entities, frozenset(_ANY_NUMBER.findall(title)))


def _terms(words: list[str], stemmer: CachedStemmer, *, neutral: bool) -> list[str]:
    """Stems as strings (numbers kept as written)."""
    if neutral:
        return [w.lower() for w in words]
    return [stemmer(w) if not w[0].isdigit() else w for w in words]


def _count(
    counts: defaultdict[str, float],
    part: str,
    weight: float,
    tokenizer: NoDownloadTokenizer,
    stemmer: CachedStemmer,
    stops: frozenset[str],
    neutral: bool,
) -> None:
    words = [w for w in tokenizer.to_words(part) if len(w) > 1 and w.lower() not in stops]
    for term in _terms(words, stemmer, neutral=neutral):
        counts[term] += weight
    for number in _NUMBER.findall(part):
        counts[number] += weight
