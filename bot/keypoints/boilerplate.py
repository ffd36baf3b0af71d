"""Tell the body sentences of an article from boilerplate, fragments and the repeated title."""

from __future__ import annotations

import re

# Each pattern runs on the lower-cased sentence. Phrases are matched as whole words.
_PHRASES = (
    "appeared first on",
    "click here",
    "tap here",
    "follow us",
    "all rights reserved",
    "please visit",
    "visit our",
    "our faq",
    "our newsletter",
    "subscribe to our",
    "subscribe now",
    "subscribe today",
    "photo credit",
    "image credit",
    "photo courtesy",
    "getty images",
    "shutterstock",
)
_NON_WORD = re.compile(r"\W+")
# Boilerplate wherever it occurs: an e-mail address, a link, a copyright notice.
_MARKS = re.compile(r"@[\w-]+\.\w|https?://|www\.|[©ⓒ]|copyright\s(?:\(c\)\s*)?\d{4}|무단\s?전재")
# Boilerplate when it opens a sentence of any length.
_OPENING = re.compile(
    r"""
    (?:translated|edited|additional\sreporting)\sby\b
    | please\s(?:send|contact|e-?mail|write|visit|share|subscribe|follow|support|like|click|tap)\b
    | (?:photo|image|picture|photograph|illustration|graphic|video|source)s?\s*(?:credit)?\s*[:：|]
    | (?:related|see\salso|read\smore|more|advertisement|sponsored|editor'?s\snote)\s*[:：]
    """,
    re.VERBOSE,
)
# Boilerplate when it opens a short sentence or line (a label, not a statement).
_LABEL = re.compile(
    r"""
    (?:read|watch|listen)(?:\s(?:this|it|the\sstory|more))?\s(?:in|on)\s\w+
    | (?:read|see)\s(?:more|also)\b
    | (?:related(?:\s(?:articles?|stories|news|content|coverage|links?))?|advertisement|sponsored)
    | (?:most\s(?:popular|read|viewed|shared|recent)|trending|top\sstories|latest\snews|recommended)
    | (?:you\s(?:may|might)\salso\slike|more\s(?:from|stories|on\sthis))
    | (?:share|tweet|email|print)(?:\s(?:this|on|via)\b.*)?$
    | (?:subscribe|sign\sup|log\sin|register|follow|donate|support\sus)\b
    | (?:written|reported|compiled|produced|reporting|writing|words|photos?|story)\sby\b
    | [-+]?\d+(?:\.\d+)?\s*°?\s*[cf]\b        # a weather line: "14 C"
    """,
    re.VERBOSE,
)
_LABEL_MAX_WORDS = 8
# A byline, on the sentence as written: "By Jane Doe", not "By far the best."
_BYLINE = re.compile(r"[Bb]y\s+[A-Z][^.!?]*$")
# Sentences after which, past the middle of an article, only footers follow.
_END_MARKER = re.compile(
    r"""
    (?:translated|edited|additional\sreporting|reporting)\sby\b
    | most\s(?:popular|read|viewed|shared)\b
    | read\sin\s\w+$
    | related\s(?:articles|stories)\b
    """,
    re.VERBOSE,
)
_END_PHRASES = ("appeared first on", "all rights reserved", "©", "ⓒ")
_DATE_WORDS = frozenset(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri
    sat sun am pm a m p at on of the updated published posted modified last gmt utc kst jst est edt
    cst cdt pst pdt bst cet cest st nd rd th
    년 월 일 시 분 오전 오후 입력 수정 기사입력 최종수정 年 月 日 时 時 分
    """.split()
)
_DATE_TOKEN = re.compile(r"\d+|[^\W\d_]+")
_DATELINE_MAX_CHARS = 100
_CLOSERS = "\"'”’」』》〉)]"
_ENDINGS = ".!?…。！？"
_WORD = re.compile(r"\w+")
_MIN_WORDS = 5
_MIN_NEUTRAL_CHARS = 12
_TITLE_OVERLAP = 0.8


def is_boilerplate(sentence: str) -> bool:
    """True for feed footers, bylines, datelines, credits, share/subscribe lines and the like."""
    lowered = sentence.lower()
    if _MARKS.search(lowered) or _OPENING.match(lowered) or _has_phrase(lowered, _PHRASES):
        return True
    if len(sentence.split()) <= _LABEL_MAX_WORDS and (
        _LABEL.match(lowered) or _BYLINE.match(sentence)
    ):
        return True
    return is_dateline(sentence)


def is_end_marker(sentence: str) -> bool:
    """True for a sentence that, near the end of an article, starts its footer (credits, ...)."""
    lowered = sentence.lower()
    return bool(_END_MARKER.match(lowered)) or any(phrase in lowered for phrase in _END_PHRASES)


def is_dateline(sentence: str) -> bool:
    """True for a date or time and nothing else ("February 06, 2024 at 11:30AM")."""
    if len(sentence) > _DATELINE_MAX_CHARS:
        return False
    tokens = _DATE_TOKEN.findall(sentence.lower())
    return (
        any(token.isdigit() for token in tokens)
        and not all(token.isdigit() for token in tokens)
        and all(token.isdigit() or token in _DATE_WORDS for token in tokens)
    )


def is_fragment(sentence: str, neutral: bool) -> bool:
    """True for a heading, label or scrap rather than a statement.

    That is: no sentence punctuation at its end, too short, or all in capitals. `neutral` is for
    languages whose words are not separated by spaces, measured in characters instead.
    """
    if sentence.rstrip(_CLOSERS)[-1:] not in _ENDINGS:
        return True
    if neutral:
        return len(sentence) < _MIN_NEUTRAL_CHARS
    return len(sentence.split()) < _MIN_WORDS or sentence.isupper()


def title_words(title: str) -> frozenset[str]:
    """The lower-cased words of a title, for `repeats_title`."""
    return frozenset(word.lower() for word in _WORD.findall(title))


def repeats_title(sentence: str, title: frozenset[str]) -> bool:
    """True when `sentence` is the title (given as `title_words`) again, give or take a word."""
    if not title:
        return False
    words = {word.lower() for word in _WORD.findall(sentence)}
    shared = len(title & words)
    return shared >= _TITLE_OVERLAP * len(title) and shared >= _TITLE_OVERLAP * len(words)


def body_sentences(
    paragraphs: list[list[str]], title: str, neutral: bool = False
) -> list[tuple[int, str]]:
    """The (paragraph index, sentence) pairs of the article body, in order.

    Dropped: a paragraph holding any boilerplate sentence, everything after a footer marker in
    the second half of the article, repeats of the title, and fragments (unless nothing but
    fragments is left).
    """
    total = sum(len(paragraph) for paragraph in paragraphs)
    headline = title_words(title)
    seen = 0
    kept: list[tuple[int, str]] = []
    for index, paragraph in enumerate(paragraphs):
        if seen * 2 >= total and any(is_end_marker(sentence) for sentence in paragraph):
            break
        seen += len(paragraph)
        if any(is_boilerplate(sentence) for sentence in paragraph):
            continue
        kept.extend((index, s) for s in paragraph if not repeats_title(s, headline))
    statements = [(index, s) for index, s in kept if not is_fragment(s, neutral)]
    return statements or kept


def _has_phrase(lowered: str, phrases: tuple[str, ...]) -> bool:
    padded = f" {_NON_WORD.sub(' ', lowered)} "
    return any(f" {phrase} " in padded for phrase in phrases)
