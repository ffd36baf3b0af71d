"""Split article text into sentences, with no downloads.

English: nupunkt (Punkt trained on a large English corpus), with its abbreviation list cleared
of ordinary words that its legal training text made into abbreviations ("story.", "bank.").
Other spaced languages: sentencex (Wikimedia's rule-based splitter, abbreviation lists for
~240 languages). Korean, Japanese, Chinese, Thai: language-neutral rules. Then one set of
repairs for all: a piece that starts in lower case, follows a title ("Lt.", "Dra.", "M.") or,
in German, is a month after a day ("12. | September") joins the sentence before it; a quote
that closes later on the same line is kept whole; sentences glued without a space
("story.And") are parted.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import nupunkt
import sentencex

from bot.keypoints.language import detect_language
from bot.keypoints.lexicon import NEUTRAL_LANGUAGES, title_abbreviations

_CLOSERS = r"[\"'”’»」』》〉)\]]*"  # closing quotes and brackets that stay with a sentence
# A run of sentence-ending marks plus any closers after it.
_ENDING = re.compile(rf"[.!?…。！？]+{_CLOSERS}")
_ALWAYS_ENDS = frozenset("!?。！？")
# A possible sentence end inside a line: a splitter only splits after one of these.
_INNER_ENDING = re.compile(rf"[.!?…]{_CLOSERS}(?:\s|(?=[A-Z]))")
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7AF
# In German a date ("am 31. Januar") is a number with a full stop before a capitalised word.
_DAY_ENDING = re.compile(r"(?:^|\s)\d{1,2}\.$")
_MONTH_START = re.compile(
    r"(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November"
    r"|Dezember)\b"
)
# Two sentences glued without a space: "…the story.And then …" (not "U.S.A" or "3.5").
_GLUED = re.compile(r"(?<=[^\W\d_A-Z]{2}[.!?])(?=[A-ZÀ-ÞА-Я][^\W\d_A-Z])")
_LAST_WORD = re.compile(r"(?:^|\s)[(\"'“‘«„]*([^\s]+\.)$")
# Closing quotes and stops that a splitter left at the start of the next piece.
_STRAY_CLOSER = re.compile(r"[\"”’»)]+[.!?…,;:]*(?:\s+|$)|[.!?…]+(?:\s+|$)")
_OPENING_QUOTES = "“«‹"
_CLOSING_QUOTES = "”»›"
_QUOTE_MARKS = frozenset(_OPENING_QUOTES + _CLOSING_QUOTES + '„"')
# Japanese and Chinese quotes and brackets: a sentence end inside them is not one.
_CJK_OPEN, _CJK_CLOSE = "「『（(“", "」』）)”"
_HIRAGANA_FIRST, _HIRAGANA_LAST = 0x3040, 0x309F
# Ordinary words that nupunkt's model lists as abbreviations, kept: the usual ones in news.
_KEPT_ABBREVIATIONS = (
    "capt sept prof corp dept govt assn assoc approx messrs mlle inst univ blvd calif ariz mass "
    "conn penn minn wisc tenn okla colo nebr mich fla ala kan ore wash"
)
_LONG_ABBREVIATIONS = frozenset(_KEPT_ABBREVIATIONS.split())
_NUPUNKT_MODEL = Path(nupunkt.__file__).parent / "models" / "default_model.json.gz"


@lru_cache(maxsize=1)
def _punkt() -> nupunkt.PunktSentenceTokenizer:
    # An instance of its own: nupunkt.load() hands one shared instance to every caller.
    tokenizer = nupunkt.PunktSentenceTokenizer.load(_NUPUNKT_MODEL)
    # Its abbreviations come from legal text: keep dotted ones ("u.s", "e.g"), up to three
    # letters ("sen", "jan", "h") and the usual longer ones; "story" and "bank" end sentences.
    # (remove_abbreviation() clears the decision cache on every call: once is enough here.)
    tokenizer._params.abbrev_types.intersection_update(
        word
        for word in tokenizer.abbreviations
        if "." in word or word in _LONG_ABBREVIATIONS or (len(word) <= 3 and word.isalpha())
    )
    tokenizer.clear_decision_cache()
    tokenizer.add_abbreviations(sorted(title_abbreviations("en")))
    return tokenizer


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """The sentences of `text`, in order; every line is split on its own (a line is a paragraph)."""
    return [sentence for paragraph in split_paragraphs(text, language) for sentence in paragraph]


def split_paragraphs(text: str, language: str | None = None) -> list[list[str]]:
    """The sentences of every non-blank line of `text`, line by line."""
    code = language or detect_language(text)
    paragraphs: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if code in NEUTRAL_LANGUAGES:
            split = split_neutral(line)
        elif not _INNER_ENDING.search(line):
            split = [line]  # no sentence end before the line's own: nothing to split
        else:
            split = _repaired(_pieces(line, code), code)
        sentences = [sentence for sentence in split if sentence]
        if sentences:
            paragraphs.append(sentences)
    return paragraphs


def _pieces(line: str, code: str) -> list[str]:
    pieces = _punkt().tokenize(line) if code == "en" else sentencex.segment(code, line)
    return [part for piece in pieces for part in _GLUED.split(piece.strip()) if part]


def _repaired(pieces: list[str], code: str) -> list[str]:
    """Join the pieces that do not start a sentence to the one before (see the module doc)."""
    titles = title_abbreviations(code)
    german = code == "de"
    depths = _quote_depths(pieces, german)
    sentences: list[str] = []
    for index, piece in enumerate(pieces):
        stray = _STRAY_CLOSER.match(piece)
        if sentences and stray:  # '". In this case ...': the quote and stop end the last one
            sentences[-1] += stray.group().rstrip()
            piece = piece[stray.end() :]
            if not piece:
                continue
        if sentences and _continues(sentences[-1], piece, titles, german, depths, index):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences


def _continues(
    before: str, piece: str, titles: frozenset[str], german: bool, depths: list[int], index: int
) -> bool:
    if piece[:1].islower():
        return True
    last = _LAST_WORD.search(before)
    if last is not None and last.group(1).lower() in titles:
        return True
    if german and _DAY_ENDING.search(before) and _MONTH_START.match(piece):
        return True
    # Inside a quote that closes later on this line.
    return depths[index] > 0 and 0 in depths[index + 1 :]


def _quote_depths(pieces: list[str], german: bool) -> list[int]:
    """How many quotes are open before each piece, and (last) at the end of the line."""
    if _QUOTE_MARKS.isdisjoint("".join(pieces)):
        return [0] * (len(pieces) + 1)
    depths = [0]
    depth = 0
    straight = 0
    for piece in pieces:
        opens = sum(piece.count(mark) for mark in _OPENING_QUOTES + ("„" if german else ""))
        closes = sum(piece.count(mark) for mark in _CLOSING_QUOTES)
        curly = piece.count("“")
        if german:
            closes += curly
            opens -= curly
        depth = max(0, depth + opens - closes)
        straight += piece.count('"')
        depths.append(depth + straight % 2)
    return depths


def split_neutral(line: str) -> list[str]:
    """Split one line on sentence punctuation alone (. ! ? 。 and Korean endings such as "다.").

    A full stop ends a sentence before a space or the end of the line, or right after a Hangul
    syllable ("했다.그러나"); so "3.5" and "e.g" stay whole. Nothing inside 「…」, 『…』 or
    brackets ends a sentence, nor does a closing quote before a particle (「…。」と言った).
    """
    sentences: list[str] = []
    start = 0
    for match in _ENDING.finditer(line):
        end = match.end()
        following = line[end : end + 1]
        before = line[match.start() - 1] if match.start() else ""
        if _cjk_depth(line[start:end]) > 0:
            continue
        if following and match.group()[-1] in _CJK_CLOSE and _is_hiragana(following):
            continue
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


def _cjk_depth(text: str) -> int:
    return sum(map(text.count, _CJK_OPEN)) - sum(map(text.count, _CJK_CLOSE))


def _is_hiragana(char: str) -> bool:
    return _HIRAGANA_FIRST <= ord(char) <= _HIRAGANA_LAST
