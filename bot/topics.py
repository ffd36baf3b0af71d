"""Topic queries: parse what users subscribe to or search for, and match articles against it.

Syntax (shared by /subscribe, /latest <topic> and /search): words that must all occur,
``"exact phrases"`` and ``-excluded`` words. Matching is case-insensitive and stems English
(Snowball) so ``sanction`` matches ``sanctions``; words in other scripts (Korean, …) are
compared token by token, unstemmed, after NFKC normalisation and case folding.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import pairwise
from typing import NamedTuple

import Stemmer

MAX_TOPIC_CHARS = 200
MAX_TERMS = 10

# A word: letters and digits, like FTS5 unicode61 (which splits "kim_jong" at the underscore
# too), keeping the symbols that make a different word: "#hashtag", "AT&T", "c++", "c#".
_WORD_RE = re.compile(r"(?<![^\W_])#[^\W_]+|[^\W_]+(?:&[^\W_]+)*(?:\+\+?|#)?(?![^\W_])")
_PLAIN_WORD_RE = re.compile(r"[^\W_]+")
# One query term: an optionally negated "phrase" (an unclosed quote runs to the end) or word.
_TERM_RE = re.compile(r'(?P<neg>-+)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})
_LATIN_END = "\u0250"  # code points below this are Latin (plus digits and punctuation)
_STEMMER = Stemmer.Stemmer("english")
_BREAK = ""  # a token no word stems to
# English function words: a topic made only of these says nothing about what to follow.
STOP_WORDS = frozenset(
    (
        *("a", "an", "the", "and", "or", "but", "nor", "so", "yet", "if", "then", "than"),
        *("of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "onto", "upon"),
        *("about", "above", "below", "over", "under", "after", "before", "between", "through"),
        *("during", "against", "among", "off", "out", "up", "down", "as", "per", "via"),
        *("is", "am", "are", "was", "were", "be", "been", "being", "do", "does", "did"),
        *("have", "has", "had", "will", "would", "shall", "should", "can", "could", "may"),
        *("might", "must", "not", "no", "i", "me", "my", "we", "us", "our", "you", "your"),
        *("he", "him", "his", "she", "her", "it", "its", "they", "them", "their", "this"),
        *("that", "these", "those", "there", "here", "who", "whom", "whose", "which", "what"),
        *("when", "where", "why", "how", "all", "any", "some", "each", "every", "both"),
        *("very", "too", "also", "just", "only", "own", "same", "such", "other", "more"),
        *("most", "again", "once", "s", "t", "don", "ll", "re", "ve", "d", "m"),
    )
)
# Stems of words in nearly every English article: a poor anchor for TopicIndex.
_COMMON = frozenset(
    _STEMMER.stemWords(
        [*STOP_WORDS, "said", "says", "new", "year", "two", "one", "also", "after", "more"]
    )
)


class TopicError(ValueError):
    """A topic or search query the user has to fix; the message is shown to them as is."""


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Snowball English stem of a word, case-folded; words in other scripts and words with
    symbols ("c++", "#tag") are only folded."""
    folded = word.casefold()
    if max(folded) < _LATIN_END and folded.isalnum():
        return str(_STEMMER.stemWord(folded))
    return folded


def _words(text: str) -> list[str]:
    """The words of ``text`` (see ``_WORD_RE``), NFKC-normalised and lowercased."""
    text = unicodedata.normalize("NFKC", text).lower()
    if "#" in text or "&" in text or "+" in text:
        return _WORD_RE.findall(text)
    return _PLAIN_WORD_RE.findall(text)  # the same words, found twice as fast


def tokenize(text: str) -> list[str]:
    """Match tokens of ``text``: its words, case-folded and stemmed (see :func:`stem`)."""
    return list(map(stem, _words(text)))


def _plain_stems(tokens: Collection[str]) -> set[str]:
    """The plain words a "#bitcoin" or a "Disney+" also stands for ("c++" stands for itself)."""
    joined = "".join(tokens)
    if "#" not in joined and "+" not in joined:  # nearly always: a check in C, not per token
        return set()
    return {
        stem(token.strip("#+"))
        for token in tokens
        if token[:1] == "#" or (token[-1:] == "+" and token[-2:] != "++")
    }


class Document:
    """The tokens of one article prepared for matching many topics against it."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self.tokens = tuple(tokens)
        present = frozenset(self.tokens)
        # "#bitcoin" and "Disney+" also count as "bitcoin" and "disney" (but not in phrases).
        plain = _plain_stems(present)
        self.token_set = present | plain if plain else present

    def satisfies(
        self,
        needed: frozenset[str],
        excluded: Collection[str],
        phrases: tuple[tuple[str, ...], ...],
    ) -> bool:
        """Whether all ``needed`` tokens, no ``excluded`` one and every phrase occur."""
        present = self.token_set
        return (
            needed <= present
            and (not excluded or present.isdisjoint(excluded))
            and (not phrases or all(map(self.has_phrase, phrases)))
        )

    @cached_property
    def pairs(self) -> frozenset[tuple[str, str]]:
        """Every two consecutive tokens; built once, when a phrase is first checked."""
        return frozenset(pairwise(self.tokens))

    def has_phrase(self, phrase: tuple[str, ...]) -> bool:
        """Whether ``phrase`` occurs as consecutive tokens."""
        if not self.pairs.issuperset(pairwise(phrase)):
            return False
        if len(phrase) == 2:
            return True
        tokens, first, size = self.tokens, phrase[0], len(phrase)
        start = 0
        try:
            while True:
                start = tokens.index(first, start)  # a scan in C, cheaper than a position map
                if tokens[start : start + size] == phrase:
                    return True
                start += 1
        except ValueError:  # no further occurrence of the first word
            return False


@dataclass(frozen=True)
class Topic:
    """A parsed topic. Equality ignores the display text and the order of terms:
    ``Sanctions "north korea"`` equals ``"North Korea" sanction``."""

    required: tuple[str, ...]  # stems that must all occur, sorted
    phrases: tuple[tuple[str, ...], ...]  # stem sequences that must occur consecutively, sorted
    excluded: tuple[str, ...]  # stems that must not occur, sorted
    text: str = field(compare=False)  # as the user typed it (spaces collapsed)

    @cached_property
    def needed(self) -> frozenset[str]:
        """Every stem a matching article contains: required words and phrase words."""
        return frozenset((*self.required, *(word for phrase in self.phrases for word in phrase)))

    def matches(self, tokens: Sequence[str]) -> bool:
        """Whether an article with these tokens (see :func:`article_tokens`) is on this topic."""
        return self.matches_document(Document(tokens))

    def matches_document(self, document: Document) -> bool:
        """Like :meth:`matches`, reusing a document prepared once for many topics."""
        return document.satisfies(self.needed, self.excluded, self.phrases)


@dataclass(frozen=True)
class _Terms:
    """A query split into its terms, words lowercased but not stemmed."""

    required: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]
    excluded: tuple[str, ...]

    def words(self) -> list[str]:
        """The words looked for: required words and the words of phrases."""
        return [*self.required, *(word for phrase in self.phrases for word in phrase)]


def _stems(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(stem(word) for word in words)


def _parse_terms(text: str) -> _Terms:
    """Split a query into required words, phrases and excluded words, or explain the problem."""
    text = text.translate(_QUOTES).strip()
    if len(text) > MAX_TOPIC_CHARS:
        raise TopicError(f"That is too long: use at most {MAX_TOPIC_CHARS} characters.")
    # Keyed by stems, so "bitcoin bitcoins" is one term, shown as first written.
    required: dict[str, str] = {}
    phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
    excluded: dict[str, str] = {}
    for term in _TERM_RE.finditer(text):
        words = _words(term.group("phrase") or term.group("word") or "")
        if not words:
            continue
        if term.group("neg"):
            if len(words) > 1:
                raise TopicError(f"Only single words can be excluded, e.g. -{words[0]}.")
            excluded.setdefault(stem(words[0]), words[0])
        elif len(words) == 1:
            required.setdefault(stem(words[0]), words[0])
        else:
            phrases.setdefault(_stems(words), tuple(words))
    terms = _Terms(
        required=tuple(required.values()),
        phrases=tuple(phrases.values()),
        excluded=tuple(excluded.values()),
    )
    if not terms.required and not terms.phrases:
        if terms.excluded:
            raise TopicError("Add at least one word to look for, not only -excluded words.")
        raise TopicError('Give at least one word, e.g. bitcoin or "north korea".')
    if len(terms.required) + len(terms.phrases) + len(terms.excluded) > MAX_TERMS:
        raise TopicError(f"That is too many terms: use at most {MAX_TERMS}.")
    return terms


def parse_topic(text: str) -> Topic:
    """Parse a topic such as ``sanctions "Kim Jong Un" -sport``; raise TopicError if unusable."""
    terms = _parse_terms(text)
    if all(word in STOP_WORDS for word in terms.words()):
        shown = " ".join(text.split())
        raise TopicError(
            f"“{shown}” is in nearly every article: "
            "add a word that says what it is about, e.g. the economy."
        )
    required = tuple(sorted(_stems(terms.required)))
    phrases = tuple(sorted(_stems(phrase) for phrase in terms.phrases))
    excluded = tuple(sorted(_stems(terms.excluded)))
    wanted = {*required, *(word for phrase in phrases for word in phrase)}
    clash = next((word for word in terms.excluded if stem(word) in wanted), None)
    if clash is not None:
        raise TopicError(f"“{clash}” is both wanted and excluded, so nothing could match.")
    display = " ".join(text.split())
    return Topic(required=required, phrases=phrases, excluded=excluded, text=display)


def article_tokens(title: str, text: str) -> list[str]:
    """Match tokens of an article: its title's, a break no phrase can span, then its body's.

    FTS5 phrases do not span columns either, so this keeps :func:`search_to_fts` of a topic
    a superset.
    """
    return [*tokenize(title), _BREAK, *tokenize(text)]


def match_text(topic: Topic, title: str, text: str) -> bool:
    """Whether an article (its title and body) is on ``topic``."""
    return topic.matches(article_tokens(title, text))


def _fts_string(words: Iterable[str]) -> str:
    """An FTS5 string literal: double-quoted, inner quotes doubled, so never an operator."""
    return '"' + " ".join(words).replace('"', '""') + '"'


def _fts_expression(terms: _Terms, *, superset: bool = False) -> str:
    """The FTS5 expression of a query; with ``superset``, never narrower than the topic.

    FTS5 drops the symbols of "c++" or "#tag", so it can look for them (as "c", "tag") but
    not exclude them: excluding "c" would drop articles about C that a "-c++" topic keeps.
    """
    wanted = [_fts_string([word]) for word in terms.required]
    wanted.extend(_fts_string(phrase) for phrase in terms.phrases)
    expression = " AND ".join(wanted)
    excluded = [w for w in terms.excluded if not superset or w.isalnum()]
    if len(wanted) > 1 and excluded:
        expression = f"({expression})"
    return "".join([expression, *(f" NOT {_fts_string([word])}" for word in excluded)])


def to_fts_query(topic: Topic) -> str:
    """An FTS5 MATCH expression selecting a superset of the articles on ``topic``.

    It uses the unstemmed words (the store's porter tokenizer stems them its own way), so it
    is a pre-filter: run :meth:`Topic.matches` on what it returns. Porter and Snowball agree
    on nearly all words; where they do not (``fairly``/``fair``) the pre-filter can miss.
    """
    return _fts_expression(_parse_terms(topic.text), superset=True)


def search_to_fts(query: str) -> str:
    """An FTS5 MATCH expression for a /search query; any input gives a valid expression."""
    return _fts_expression(_parse_terms(query))


class _Check(NamedTuple):
    """What is left to check of a topic once its anchor is known to occur.

    Kept compact and separate from the Topic: matching then touches far less memory.
    """

    rest: frozenset[str]  # needed stems other than the anchor
    excluded: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]
    subscribers: set[int]


class _Bucket:
    """The subscriptions filed under one anchor stem."""

    __slots__ = ("certain", "checked")

    def __init__(self) -> None:
        self.certain: set[int] = set()  # topics that are just the anchor: nothing to check
        self.checked: dict[Topic, _Check] = {}  # other topics, each checked once

    def __bool__(self) -> bool:
        return bool(self.certain or self.checked)


def document_frequencies(documents: Iterable[Sequence[str]]) -> dict[str, int]:
    """In how many of these token lists each token occurs: rarity for :class:`TopicIndex`."""
    counts: Counter[str] = Counter()
    for tokens in documents:
        counts.update(set(tokens))
    return dict(counts)


class TopicIndex:
    """Many subscriptions' topics, matched against an article in one pass.

    Each topic is filed under its anchor, one stem every matching article contains, so an
    article is only checked against topics whose anchor it contains. The anchor is the
    rarest needed stem according to ``frequencies`` (see :func:`document_frequencies`;
    unseen stems count as rarest), else the longest that is not a very common word. A topic
    that is only its anchor (the common one-word subscription) needs no check at all, and
    subscriptions to the same topic are checked once.
    """

    def __init__(self, frequencies: Mapping[str, int] | None = None) -> None:
        self._frequencies: Mapping[str, int] = frequencies or {}
        self._topics: dict[int, tuple[Topic, str]] = {}  # sub id -> topic, anchor
        self._buckets: dict[str, _Bucket] = {}

    def __len__(self) -> int:
        return len(self._topics)

    def anchor(self, topic: Topic) -> str:
        """The stem ``topic`` is filed under: its rarest needed stem (see the class doc)."""
        frequency = self._frequencies.get
        return min(
            topic.needed,
            key=lambda word: (frequency(word, 0), word in _COMMON, -len(word), word),
        )

    def add(self, sub_id: int, topic: Topic) -> None:
        """Index subscription ``sub_id``, replacing its previous topic if any."""
        if sub_id in self._topics:
            self.remove(sub_id)
        anchor = self.anchor(topic)
        self._topics[sub_id] = (topic, anchor)
        bucket = self._buckets.setdefault(anchor, _Bucket())
        if _is_anchor_only(topic):
            bucket.certain.add(sub_id)
        else:
            check = bucket.checked.get(topic)
            if check is None:
                rest = topic.needed - {anchor}
                check = _Check(rest, frozenset(topic.excluded), topic.phrases, set())
                bucket.checked[topic] = check
            check.subscribers.add(sub_id)

    def remove(self, sub_id: int) -> None:
        """Forget subscription ``sub_id``; KeyError if it is not indexed."""
        topic, anchor = self._topics.pop(sub_id)
        bucket = self._buckets[anchor]
        if _is_anchor_only(topic):
            bucket.certain.remove(sub_id)
        else:
            subscribers = bucket.checked[topic].subscribers
            subscribers.remove(sub_id)
            if not subscribers:
                del bucket.checked[topic]
        if not bucket:
            del self._buckets[anchor]

    def match(self, tokens: Sequence[str]) -> set[int]:
        """The ids of the subscriptions whose topic matches these tokens.

        ``tokens`` come from :func:`article_tokens` (or :func:`tokenize`).
        """
        document = Document(tokens)
        found: set[int] = set()
        buckets = self._buckets
        for token in document.token_set:
            bucket = buckets.get(token)
            if bucket is None:
                continue
            found |= bucket.certain
            for rest, excluded, phrases, subscribers in bucket.checked.values():
                if document.satisfies(rest, excluded, phrases):
                    found |= subscribers
        return found


def _is_anchor_only(topic: Topic) -> bool:
    """Whether containing the anchor is all it takes to match ``topic``."""
    return len(topic.required) == 1 and not topic.phrases and not topic.excluded
