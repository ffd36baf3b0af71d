"""Tell an article from a page that holds none: a home page or section front, a subscription
or cookie notice, an error page, a page with almost no text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# Paragraphs that are a notice, not the story: a paywall, a licence line, a cookie or
# JavaScript request. Only short paragraphs count (a long one that says it is an article).
_NOTICE = re.compile(
    r"for your personal,? non-?commercial use|subscribe (?:now |today )?to (?:continue|read|keep)"
    r"|already (?:a subscriber|have an account)|subscribers? only|to continue reading"
    r"|(?:sign|log) ?in to (?:continue|read)|create a free account|(?:we|this site) uses? cookies"
    r"|use of cookies|accept (?:all )?cookies|cookie (?:policy|settings|preferences)"
    r"|enable javascript|javascript is (?:disabled|required)|turn off your ad ?blocker"
    r"|Abo(?:nnement)? abschließen|assine (?:já|agora)|suscr[íi]bete|подпишитесь",
    re.I,
)
_NOTICE_CHARS = 400
# An error page says so in its title or headline.
_ERROR = re.compile(
    r"^\W*(?:error\b|\d{3}\b)|\b(?:404|page not found|not found|nothing to see here|move along"
    r"|page (?:does not|doesn't|no longer) exists?|no longer available|access denied"
    r"|seite nicht gefunden|página no encontrada|página não encontrada|страница не найдена"
    r"|page introuvable|pagina non trovata)\b|페이지를 찾을 수 없|ページが見つかりません"
    r"|页面不存在|找不到页面|页面未找到",
    re.I,
)
_ERROR_TEXT_CHARS = 2000  # an error page has little else to say
# Letters of scripts written without spaces say more each: they count this many times.
_DENSE = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_DENSE_WEIGHT = 3
MIN_ARTICLE_CHARS = 280  # about two sentences of news
# A listing (a home page, a section front) is mostly headlines that link to the articles.
_LISTING_MIN_LINES = 6
_LISTING_LINK_SHARE = 0.5
_ARTICLE_TYPES = re.compile(r"article|posting|report|story", re.I)


@dataclass(frozen=True, slots=True)
class PageSignals:
    """What a page says about itself, beside its text."""

    url: str
    title: str
    headline: str  # its first <h1>
    og_type: str  # og:type, lowercase ("" when missing)
    schema_types: tuple[str, ...]  # its JSON-LD @type values
    link_texts: frozenset[str]  # the text of each of its links, spaces collapsed


def _weight(text: str) -> int:
    return len(text) + (_DENSE_WEIGHT - 1) * len(_DENSE.findall(text))


def without_notices(text: str) -> str:
    """`text` without the paragraphs that are a paywall, licence, cookie or script notice."""
    kept = [
        paragraph
        for paragraph in text.split("\n\n")
        if not (len(paragraph) <= _NOTICE_CHARS and _NOTICE.search(paragraph))
    ]
    return "\n\n".join(kept)


def _says_article(page: PageSignals) -> bool:
    return page.og_type == "article" or any(_ARTICLE_TYPES.search(t) for t in page.schema_types)


def _is_listing(text: str, links: frozenset[str]) -> bool:
    lines = text.split("\n\n")
    linked = [line for line in lines if line in links]
    return len(linked) >= _LISTING_MIN_LINES and sum(
        map(_weight, linked)
    ) >= _LISTING_LINK_SHARE * _weight(text)


def refusal(page: PageSignals, text: str) -> str | None:
    """Why the page with this text (notices already removed) is no article, or None."""
    if _weight(text) < _ERROR_TEXT_CHARS and (
        _ERROR.search(page.title) or _ERROR.search(page.headline)
    ):
        return "it is an error page"
    if _weight(text) < MIN_ARTICLE_CHARS:
        return "it holds too little text to be an article"
    if _says_article(page):
        return None
    address = urlsplit(page.url)
    if not address.path.strip("/") and not address.query and page.og_type in {"", "website"}:
        return "it is a site's home page"
    if _is_listing(text, page.link_texts):
        return "it is a list of links, like a home page or a section front"
    return None
