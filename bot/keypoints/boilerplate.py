"""Tell the body sentences of an article from boilerplate, fragments and the repeated title."""

from __future__ import annotations

import re

_I = re.IGNORECASE
# Boilerplate wherever it occurs in a sentence, whatever the sentence's length.
_ANYWHERE = re.compile(
    r"""
    \bappeared\s+first\s+on\b
    | [\w.+-]+@[\w-]+\.[\w.-]+            # an e-mail address
    | https?://|\bwww\.
    | \bclick\s+here\b | \btap\s+here\b
    | \bfollow\s+us\b
    | \bsign\s+up\b[^.!?]*\bnewsletter | \bsubscribe\s+(to\s+our|now|today|here)\b
    | \bnewsletter\b[^.!?]*\bsign\s+up\b
    | \ball\s+rights\s+reserved\b | © | \bcopyright\s+(\(c\)\s*)?\d{4}\b
    | \bplease\s+visit\b | \bvisit\s+our\b
    | \bour\s+(faq|newsletter)\b
    | \b(photo|image|picture)\s+(credit|courtesy)\b | \bgetty\s+images\b | \bshutterstock\b
    """,
    _I | re.VERBOSE,
)
# Boilerplate when it opens a sentence, whatever the sentence's length.
_OPENING = re.compile(
    r"""
    ^(translated|edited|additional\s+reporting)\s+by\b
    | ^please\s+(send|contact|e-?mail|write|visit|share|subscribe|follow|support|like|click|tap)\b
    | ^(photo|image|picture|photograph|illustration|graphic|video|source)s?\s*(credit)?\s*[:：|]
    | ^(related|see\s+also|read\s+more|more|advertisement|sponsored|editor'?s\s+note)\s*[:：]
    """,
    _I | re.VERBOSE,
)
# Boilerplate when it makes up a short sentence or line (a label, not a statement).
_LABEL = re.compile(
    r"""
    ^(read|watch|listen)(\s+(this|it|the\s+story|more))?\s+(in|on)\s+\w+
    | ^(read|see)\s+(more|also)\b
    | ^(related(\s+(articles?|stories|news|content|coverage|links?))?|advertisement|sponsored(\s+content)?)
    | ^(most\s+(popular|read|viewed|shared|recent)|trending|top\s+stories|latest\s+news|recommended)
    | ^(you\s+(may|might)\s+also\s+like|more\s+(from|stories|on\s+this))
    | ^(share|tweet|email|print)(\s+(this|on|via)\b.*)?$
    | ^(subscribe|sign\s+up|log\s+in|register|follow|donate|support\s+us)\b
    | ^(written|reported|compiled|produced|reporting|writing|words|photos?|story)\s+by\b
    | ^by\s+(?-i:[A-Z])[^.!?]*$          # a byline: "By Jane Doe", not "By far the best."
    | ^[-+]?\d+(\.\d+)?\s*°?\s*[CF]\b        # a weather line: "14 C"
    """,
    _I | re.VERBOSE,
)
_LABEL_MAX_WORDS = 8
# Sentences after which, past the middle of an article, only footers follow.
_END_MARKER = re.compile(
    r"""
    ^(translated|edited|additional\s+reporting|reporting)\s+by\b
    | \bappeared\s+first\s+on\b
    | ^(most\s+(popular|read|viewed|shared)|read\s+in\s+\w+$|related\s+(articles|stories)\b)
    | \ball\s+rights\s+reserved\b | ©
    """,
    _I | re.VERBOSE,
)
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
_SENTENCE_END = re.compile(r"[.!?…。！？]+[\"'”’」』》〉)\]]*$")
_WORD = re.compile(r"\w+")
_MIN_WORDS = 5
_MIN_NEUTRAL_CHARS = 12
_TITLE_OVERLAP = 0.8


def is_boilerplate(sentence: str) -> bool:
    """True for feed footers, bylines, datelines, credits, share/subscribe lines and the like."""
    if _ANYWHERE.search(sentence) or _OPENING.search(sentence):
        return True
    if len(sentence.split()) <= _LABEL_MAX_WORDS and _LABEL.search(sentence):
        return True
    return is_dateline(sentence)


def is_end_marker(sentence: str) -> bool:
    """True for a sentence that, near the end of an article, starts its footer (credits, ...)."""
    return bool(_END_MARKER.search(sentence))


def is_dateline(sentence: str) -> bool:
    """True for a date or time and nothing else ("February 06, 2024 at 11:30AM")."""
    tokens = _DATE_TOKEN.findall(sentence.lower())
    return (
        0 < len(tokens) <= 14
        and any(token.isdigit() for token in tokens)
        and not all(token.isdigit() for token in tokens)
        and all(token.isdigit() or token in _DATE_WORDS for token in tokens)
    )


def is_fragment(sentence: str, neutral: bool) -> bool:
    """True for a heading, label or scrap rather than a statement.

    That is: no sentence punctuation at its end, too short, or all in capitals. `neutral` is for
    languages whose words are not separated by spaces, measured in characters instead.
    """
    if not _SENTENCE_END.search(sentence):
        return True
    if neutral:
        return len(sentence) < _MIN_NEUTRAL_CHARS
    if len(sentence.split()) < _MIN_WORDS:
        return True
    letters = [char for char in sentence if char.isalpha()]
    return len(letters) > 1 and all(char.isupper() for char in letters)


def repeats_title(sentence: str, title: str) -> bool:
    """True when `sentence` is the title again, give or take a few words."""
    title_words = {word.lower() for word in _WORD.findall(title)}
    if not title_words:
        return False
    words = {word.lower() for word in _WORD.findall(sentence)}
    shared = len(title_words & words)
    return shared >= _TITLE_OVERLAP * len(title_words) and shared >= _TITLE_OVERLAP * len(words)


def body_sentences(
    paragraphs: list[list[str]], title: str, neutral: bool = False
) -> list[tuple[int, str]]:
    """The (paragraph index, sentence) pairs of the article body, in order.

    Dropped: a paragraph holding any boilerplate sentence, everything after a footer marker in
    the second half of the article, repeats of the title, and fragments (unless nothing but
    fragments is left).
    """
    total = sum(len(paragraph) for paragraph in paragraphs)
    seen = 0
    kept: list[tuple[int, str]] = []
    for index, paragraph in enumerate(paragraphs):
        if any(is_end_marker(sentence) for sentence in paragraph) and seen * 2 >= total:
            break
        seen += len(paragraph)
        if any(is_boilerplate(sentence) for sentence in paragraph):
            continue
        kept.extend((index, s) for s in paragraph if not repeats_title(s, title))
    statements = [(index, s) for index, s in kept if not is_fragment(s, neutral)]
    return statements or kept
