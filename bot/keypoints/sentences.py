"""Split article text into sentences, with no downloads: nupunkt, or language-neutral rules."""

from __future__ import annotations

import re
from functools import lru_cache

import nupunkt

from bot.keypoints.language import detect_language
from bot.keypoints.lexicon import NEUTRAL_LANGUAGES

_CLOSERS = r"[\"'”’»」』》〉)\]]*"  # closing quotes and brackets that stay with a sentence
# A run of sentence-ending marks plus any closers after it.
_ENDING = re.compile(rf"[.!?…。！？]+{_CLOSERS}")
_ALWAYS_ENDS = frozenset("!?。！？")
# A possible sentence end inside a line: Punkt only splits after one of these.
_INNER_ENDING = re.compile(rf"[.!?…]{_CLOSERS}\s")
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7AF
# In German a date ("am 31. Januar") is a number with a full stop before a capitalised word:
# Punkt takes it for a sentence end. Such a split is undone.
_DAY_ENDING = re.compile(r"(?:^|\s)\d{1,2}\.$")
_MONTH_START = re.compile(
    r"(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November"
    r"|Dezember)\b"
)


@lru_cache(maxsize=1)
def _punkt() -> nupunkt.PunktSentenceTokenizer:
    return nupunkt.load("default")


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """The sentences of `text`, in order; every line is split on its own (a line is a paragraph)."""
    return [sentence for paragraph in split_paragraphs(text, language) for sentence in paragraph]


def split_paragraphs(text: str, language: str | None = None) -> list[list[str]]:
    """The sentences of every non-blank line of `text`, line by line."""
    code = language or detect_language(text)
    paragraphs: list[list[str]] = []
    for line in text.splitlines():
        if code in NEUTRAL_LANGUAGES:
            split = split_neutral(line.strip())
        else:
            split = _split_punkt(line.strip(), german=code == "de")
        sentences = [sentence for sentence in split if sentence]
        if sentences:
            paragraphs.append(sentences)
    return paragraphs


def _split_punkt(line: str, german: bool) -> list[str]:
    if not _INNER_ENDING.search(line):
        return [line]  # no sentence end before the line's own: nothing for Punkt to split
    sentences: list[str] = []
    for sentence in _punkt().tokenize(line):
        sentence = sentence.strip()
        if (
            german
            and sentences
            and _DAY_ENDING.search(sentences[-1])
            and _MONTH_START.match(sentence)
        ):
            sentences[-1] = f"{sentences[-1]} {sentence}"
        else:
            sentences.append(sentence)
    return sentences


def split_neutral(line: str) -> list[str]:
    """Split one line on sentence punctuation alone (. ! ? 。 and Korean endings such as "다.").

    A full stop ends a sentence before a space or the end of the line, or right after a Hangul
    syllable ("했다.그러나"); so "3.5" and "e.g" stay whole.
    """
    sentences: list[str] = []
    start = 0
    for match in _ENDING.finditer(line):
        end = match.end()
        following = line[end : end + 1]
        before = line[match.start() - 1] if match.start() else ""
        if (
            not following
            or following.isspace()
            or not _ALWAYS_ENDS.isdisjoint(match.group())
            or (_HANGUL_FIRST <= ord(before or "\0") <= _HANGUL_LAST and not following.isdigit())
        ):
            sentences.append(line[start:end].strip())
            start = end
    sentences.append(line[start:].strip())
    return [sentence for sentence in sentences if sentence]
