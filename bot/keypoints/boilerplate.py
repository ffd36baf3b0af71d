"""Tell the body sentences of an article from boilerplate, fragments and the repeated title."""

from __future__ import annotations

import re
from itertools import chain

# Every pattern below runs on the lower-cased sentence.
# Junk in a sentence that drops the sentence alone, as (a literal it must contain, the pattern
# that confirms it): the cheap literal test spares almost every sentence the expression.
_IN_SENTENCE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (literal, re.compile(pattern))
    for literal, pattern in (
        ("@", r"@[\w-]+\.\w"),  # an e-mail address
        ("http", r"https?://"),
        ("www.", r"\bwww\."),
        ("scroll", r"\bscroll\s(?:down|up)\b"),  # a caption: "Scroll down for video"
        ("continue reading", r"\bcontinue\sreading\b"),
        ("full", r"\bread\s(?:the\s)?full\s(?:article|story)\b"),
        ("submitted by", r"\bsubmitted\sby\b"),  # Reddit
        ("[", r"\[(?:link|comments|\d+\scomments?)\]"),
        (">>", ">>"),
        ("|", r"\|.*\|"),  # a table row
        ("\t", "\t"),
    )
)
# Boilerplate wherever it occurs, which drops its paragraph.
_ANYWHERE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (literal, re.compile(pattern))
    for literal, pattern in (
        ("©", "©"),
        ("ⓒ", "ⓒ"),
        ("copyright", r"copyright\s(?:\(c\)\s*)?\d{4}"),
        ("무단", r"무단\s?전재"),  # "no unauthorised reproduction"
        ("appeared first", r"\bappeared\sfirst\son\b"),
        ("here", r"\b(?:click|tap)\shere\b"),
        ("follow us", r"\bfollow\sus\b"),
        ("rights reserved", r"\ball\srights\sreserved\b"),
        ("visit", r"\bplease\svisit\b|\bvisit\sour\b"),
        ("faq", r"\bour\sfaq\b"),
        ("newsletter", r"\bour\snewsletter\b"),
        ("subscribe", r"\bsubscribe\s(?:to\sour|now|today)\b"),
        ("credit", r"\b(?:photo|image)\scredit\b"),
        ("courtesy", r"\bphoto\scourtesy\b"),
        ("getty", r"\bgetty\simages\b"),
        ("shutterstock", r"\bshutterstock\b"),
    )
)
# Boilerplate when it opens a sentence of any length...
_OPENING = r"""
    (?:translated|edited|additional\sreporting)\sby\b
    | please\s(?:send|contact|e-?mail|write|visit|share|subscribe|follow|support|like|click|tap)\b
    | (?:photo|image|picture|photograph|illustration|graphic|video|source)s?\s*(?:credit)?\s*[:：|]
    | (?:related|see\salso|read\smore|more|advertisement|sponsored|editor'?s\snote)\s*[:：]
    | (?:sign\sup|pictured|caption)\b
    """
# ... and when it opens a short sentence or line (a label, not a statement).
_LABEL = r"""
    (?:read|watch|listen)(?:\s(?:this|it|the\sstory|more))?\s(?:in|on)\s\w+
    | (?:read|see)\s(?:more|also)\b
    | (?:related(?:\s(?:articles?|stories|news|content|coverage|links?))?|advertisement|sponsored)
    | (?:most\s(?:popular|read|viewed|shared|recent)|trending|top\sstories|latest\snews|recommended)
    | \S*(?:주요\s?뉴스|많이\s?본|관련\s?기사|인기\s?기사)
    | (?:you\s(?:may|might)\salso\slike|more\s(?:from|stories|on\sthis))
    | (?:share|tweet|email|print)(?:\s(?:this|on|via)\b.*)?$
    | (?:subscribe|sign\sup|log\sin|register|follow|donate|support\sus)\b
    | (?:written|reported|compiled|produced|reporting|writing|words|photos?|story)\sby\b
    | [-+]?\d+(?:\.\d+)?\s*°?\s*[cf]\b        # a weather line: "14 C"
    """
_START = re.compile(rf"(?P<opening>{_OPENING})|(?P<label>{_LABEL})", re.VERBOSE)
_LABEL_MAX_WORDS = 8
# A byline, on the sentence as written: "By Jane Doe", "Por Ana Lima", not "By far the best."
_BYLINE = re.compile(r"(?:[Bb]y|Por|Von|Par|Door|Di|Автор:?)\s+[A-ZÀ-ÞА-Я][^.!?]*$")
# Runs of link text glue words: "Ilhan OmarIlhan OmarHillicon Valley".
_GLUED = re.compile(r"[a-z]{2}[A-Z][a-z]")
_QUESTION_ENDS = "?？"
_SCRAP_CHARS = 40  # longer sentences always hold two words
_LETTERS = re.compile(r"[^\W\d_]{2,}")
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
    word
    for group in (
        "january february march april may june july august september october november december",
        "jan feb mar apr jun jul aug sep sept oct nov dec",
        "monday tuesday wednesday thursday friday saturday sunday",
        "mon tue tues wed thu thur thurs fri sat sun",
        "am pm a m p at on of the st nd rd th updated published posted modified last",
        "gmt utc kst jst est edt cst cdt pst pdt bst cet cest",
        "년 월 일 시 분 오전 오후 입력 수정 기사입력 최종수정 年 月 日 时 時 分",
    )
    for word in group.split(" ")
)
_DATE_TOKEN = re.compile(r"\d+|[^\W\d_]+")
_DATELINE_MAX_CHARS = 60
_CLOSERS = "\"'”’」』》〉)]"
_ENDINGS = ".!?…。！？"
_WORD = re.compile(r"\w+")
_MIN_WORDS = 5
_MIN_NEUTRAL_CHARS = 12
_TITLE_OVERLAP = 0.8


def is_boilerplate(sentence: str) -> bool:
    """True for feed footers, bylines, datelines, credits, share/subscribe lines and the like."""
    lowered = sentence.lower()
    return (
        _contains_boilerplate(lowered, _IN_SENTENCE)
        or _contains_boilerplate(lowered)
        or _opens_as_boilerplate(sentence, lowered)
    )


def is_junk(sentence: str, neutral: bool = False) -> bool:
    """True for what is never a key point: boilerplate, a fragment, a question, a scrap such as
    "$5." or a phone number, or a run of link text."""
    return (
        is_boilerplate(sentence)
        or is_fragment(sentence, neutral)
        or _is_never_a_point(sentence, neutral)
    )


def _is_never_a_point(sentence: str, neutral: bool, glued_words: bool = True) -> bool:
    """A question, a scrap of fewer than two words ("$5.") or, when `glued_words` (the article
    has words glued together somewhere), a run of link text."""
    if sentence.rstrip(_CLOSERS)[-1:] in _QUESTION_ENDS:
        return True
    if not neutral and len(sentence) <= _SCRAP_CHARS and len(_LETTERS.findall(sentence)) < 2:
        return True
    glued = _GLUED.search(sentence) if glued_words else None
    return glued is not None and _GLUED.search(sentence, glued.end()) is not None


def _contains_boilerplate(
    lowered: str, candidates: tuple[tuple[str, re.Pattern[str]], ...] = _ANYWHERE
) -> bool:
    return any(literal in lowered and pattern.search(lowered) for literal, pattern in candidates)


def _opens_as_boilerplate(sentence: str, lowered: str) -> bool:
    start = _START.match(lowered)
    if start is not None and start.lastgroup == "opening":
        return True
    if (start is not None or _BYLINE.match(sentence)) and len(sentence.split()) <= _LABEL_MAX_WORDS:
        return True
    return is_dateline(sentence)


def _ends_article(lowered: str) -> bool:
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
    return sentence.count(" ") + 1 < _MIN_WORDS or sentence.isupper()


class Headline:
    """An article's title, to tell when a sentence repeats it."""

    def __init__(self, title: str) -> None:
        self.words = _word_set(title)
        # A repeat of the title is about as long as the title.
        self._lengths = range(len(title) // 2, 2 * len(title) + 10)

    def repeated_by(self, sentence: str) -> bool:
        """True when `sentence` is the title again, give or take a word or two."""
        if not self.words or len(sentence) not in self._lengths:
            return False
        words = _word_set(sentence)
        shared = len(self.words & words)
        return shared >= _TITLE_OVERLAP * len(self.words) and shared >= _TITLE_OVERLAP * len(words)


def body_sentences(
    paragraphs: list[list[str]], title: str, neutral: bool = False
) -> list[tuple[int, str]]:
    """The (paragraph index, sentence) pairs of the article body, in order.

    Dropped: a paragraph holding a footer or credit or opening with boilerplate, everything
    after a footer marker in the second half of the article; a sentence with an e-mail address,
    a link, a caption, promo or table row, a question, a scrap or a repeat of the title; and
    fragments (unless nothing but fragments is left).
    """
    total = sum(map(len, paragraphs))
    headline = Headline(title)
    lowered_paragraphs = [[sentence.lower() for sentence in paragraph] for paragraph in paragraphs]
    article = "\n".join(chain.from_iterable(lowered_paragraphs))
    present = tuple(item for item in _ANYWHERE if item[0] in article)  # mostly none at all
    in_sentence = tuple(item for item in _IN_SENTENCE if item[0] in article)
    glued_words = any(_GLUED.search(line) for line in chain.from_iterable(paragraphs))
    seen = 0
    statements: list[tuple[int, str]] = []
    fragments: list[tuple[int, str]] = []
    for index, (paragraph, lowered) in enumerate(zip(paragraphs, lowered_paragraphs, strict=True)):
        if seen * 2 >= total and any(map(_ends_article, lowered)):
            break
        seen += len(paragraph)
        if (present and _contains_boilerplate(" ".join(lowered), present)) or any(
            map(_opens_as_boilerplate, paragraph, lowered)
        ):
            continue
        for sentence, lowered_sentence in zip(paragraph, lowered, strict=True):
            if (
                headline.repeated_by(sentence)
                or (in_sentence and _contains_boilerplate(lowered_sentence, in_sentence))
                or _is_never_a_point(sentence, neutral, glued_words)
            ):
                continue
            kind = fragments if is_fragment(sentence, neutral) else statements
            kind.append((index, sentence))
    return statements or fragments


def _word_set(text: str) -> set[str]:
    return {word.lower() for word in _WORD.findall(text)}


# Feed footers: appended by publishing software to every item, never part of the story.
_FEED_FOOTER = re.compile(
    r"""
    [ \t]*\bThe\spost\s[^\n]{1,400}?\sappeared\sfirst\son\s[^\n]*   # WordPress
    | (?:^|(?<=[.!?…\]]))[ \t]*(?:Continue\sreading|Read\s(?:the\s)?full\s(?:article|story)
        |Read\smore)(?:[ \t]+(?:on|at)[ \t]+[^\n.]{1,40})?           # a link to the rest
        [ \t]*(?:\.\.\.|…|»|>>|→|›|\.)?[ \t]*$
    | [ \t]*\bsubmitted\sby\s+/?u/\S+(?:[ \t]+to[ \t]+/?r/\S+)?     # Reddit
    | [ \t]*\[link\][ \t]*\[(?:\d+[ \t]+)?comments?\]
    """,
    re.VERBOSE | re.IGNORECASE | re.MULTILINE,
)
_BLANK_RUNS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def strip_feed_footers(text: str) -> str:
    """`text` without feed footers ("The post … appeared first on …", "Continue reading…",
    "Read full article >>", Reddit's "submitted by …" and "[link] [N comments]"), for storing."""
    if not _FEED_FOOTER.search(text):
        return text
    return _BLANK_RUNS.sub("\n\n", _FEED_FOOTER.sub("", text)).strip()
