"""Pull an article's main text and metadata out of a web page; tell pages from feeds."""

from __future__ import annotations

import codecs
import contextlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

import trafilatura
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document
from trafilatura.utils import load_html

from bot.errors import NewsbotError
from bot.ingest.articlecheck import PageSignals, refusal, without_notices
from bot.ingest.feeds import iso_utc, language_code
from bot.ingest.titles import clean_title, site_name
from bot.ingest.urls import is_http_url
from bot.keypoints.language import detect_language

# trafilatura warns of every page it finds no text in ("discarding data"); newsbot says so itself.
logging.getLogger("trafilatura").setLevel(logging.ERROR)

_FEED_TYPES = ("rss", "atom", "rdf", "feed+json")
_FEED_ROOT = re.compile(rb"^<(?:[\w.-]+:)?(?:rss|feed|rdf)\b", re.I)
_XML_PROLOGUE = re.compile(rb"^(?:<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>|\s+)*", re.S | re.I)
_SNIFF_BYTES = 4096
# trafilatura takes about 2 s per MB of HTML: a page is read no further than this, so one
# hostile link cannot hold a worker for long (an article starts well before 1.5 MB).
MAX_EXTRACT_BYTES = 1_500_000
# Longer than any news article: what is stored, indexed and summarized of one is cut here.
MAX_TEXT_CHARS = 200_000
# trafilatura's fast mode (its own extractor alone) finds most articles; when it returns less
# than this many characters, its full cascade (readability and jusText compared, baseline
# rescue) runs too and the longer text wins. Chosen on the first half of the shared Readability
# pages (bench.extraction --split dev); 500 left a page short, 1000-2500 scored the same.
FULL_CASCADE_BELOW_CHARS = 1000
# What a reader never sees is not the article: the cascade's fallbacks would otherwise take it.
_MAYBE_HIDDEN = "//body//*[@hidden or @style]"
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Characters of a script other than Latin (Greek to Devanagari and Thai, kana, Han, Hangul).
_OTHER_SCRIPT = re.compile("[\u0370-\u1dff\u1f00-\u1fff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_SCHEMA_TYPE = re.compile(r'"@type"\s*:\s*\[?\s*"([^"]{1,40})"')
# Languages by the script they are written in: a page whose text is in another script than its
# declared language (a Korean article under <html lang="en">) is in the text's language.
_SCRIPTS = {
    **dict.fromkeys(("ru", "uk", "bg", "sr", "mk", "be", "kk", "ky", "tg", "mn"), "Cyrillic"),
    **dict.fromkeys(("ar", "fa", "ur", "ps"), "Arabic"),
    **dict.fromkeys(("he", "yi"), "Hebrew"),
    **dict.fromkeys(("hi", "mr", "ne"), "Devanagari"),
    "ko": "Hangul",
    "ja": "Japanese",
    "zh": "Han",
    "el": "Greek",
    "th": "Thai",
}


class ExtractError(NewsbotError):
    """The document holds no readable article; the message says so in plain words."""


class NotAnArticle(ExtractError):
    """The page reads, but it is no article (a home page, a notice, an error page); the
    message says what it is."""


@dataclass(slots=True)
class ExtractedPage:
    """The readable part of a web page."""

    url: str | None  # the page's own canonical link, if it declares one
    title: str
    text: str  # plain text, paragraphs separated by a blank line
    author: str | None
    published: str | None  # ISO 8601, UTC
    language: str | None
    site_name: str | None = None  # og:site_name or JSON-LD publisher, when the page names it
    refusal: str | None = None  # why the page is no article ("it is a site's home page")


def _head_start(body: bytes) -> bytes:
    """The first bytes of `body` as ASCII-compatible bytes, BOM and XML prologue skipped."""
    head = body[:_SNIFF_BYTES]
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom) :].decode(encoding, "ignore").encode("utf-8")
            break
    head = head.removeprefix(codecs.BOM_UTF8)
    prologue = _XML_PROLOGUE.match(head)
    return head[prologue.end() :] if prologue else head


def looks_like_feed(body: bytes, content_type: str) -> bool:
    """Whether a download is a feed (RSS, Atom, RDF, JSON Feed) rather than a page."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if any(kind in media_type for kind in _FEED_TYPES):
        return True
    start = _head_start(body)
    if start.startswith(b"{"):
        return b"jsonfeed.org/version" in start
    return bool(_FEED_ROOT.match(start))


def _is_binary(html: bytes | str) -> bool:
    if isinstance(html, str):
        return "\x00" in html[:_SNIFF_BYTES]
    head = html[:_SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head


def _canonical(tree: HtmlElement, url: str) -> str | None:
    for xpath in ('.//link[@rel="canonical"]/@href', './/meta[@property="og:url"]/@content'):
        for href in tree.xpath(xpath):
            link = urljoin(url, str(href).strip())
            if is_http_url(link):
                return link
    return None


def _declared_language(tree: HtmlElement) -> str | None:
    for value in tree.xpath(
        '/html/@lang | /html/@xml:lang | .//meta[@http-equiv="content-language"]/@content'
        ' | .//meta[@property="og:locale"]/@content'
    ):
        code = language_code(str(value))
        if code:
            return code
    return None


def _language(declared: str | None, text: str) -> str | None:
    """The page's language: as declared, unless its text is written in another script (left
    to the key points' detection when nothing is declared and the text is in Latin script)."""
    script = _SCRIPTS.get(declared or "", "Latin")
    if script == "Latin" and not _OTHER_SCRIPT.search(text, 0, 4000):
        return declared
    detected = detect_language(text)
    return declared if script == _SCRIPTS.get(detected, "Latin") else detected


def _metadata(tree: HtmlElement, url: str) -> Document:
    """Title, author and date, found the way trafilatura's extract_metadata finds them, without
    the fields newsbot never uses (site name, categories, tags, licence: most of its cost)."""
    found = examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # a one-word "author" is a site or a handle, as trafilatura holds
    with contextlib.suppress(Exception):  # JSON-LD malformed in any way: the meta tags stand
        found = extract_meta_json(tree, found)
    found.title = found.title or extract_title(tree)
    found.author = found.author or extract_author(tree)
    found.url = found.url or extract_url(tree, url)  # a date in the URL counts
    found.date = find_date(
        tree,
        extensive_search=True,  # in the whole page when its metadata does not say
        original_date=True,  # the first publication, not the last update
        outputformat="%Y-%m-%dT%H:%M:%S%z",
        url=found.url,
    )
    found.clean_and_trim()
    return found


def _published(raw: object) -> str | None:
    if not isinstance(raw, str) or not raw:
        return None
    try:
        return iso_utc(datetime.fromisoformat(raw))
    except ValueError:
        return None


def _signals(tree: HtmlElement, url: str, title: str) -> PageSignals:
    og_type = tree.xpath('string(.//meta[@property="og:type"]/@content)')
    scripts = tree.xpath('.//script[@type="application/ld+json"]/text()')
    return PageSignals(
        url=url,
        title=title,
        headline=" ".join(tree.xpath("string(.//h1)").split()),
        og_type=str(og_type).strip().lower(),
        schema_types=tuple(t for script in scripts for t in _SCHEMA_TYPE.findall(str(script))),
        link_texts=frozenset(" ".join(a.text_content().split()) for a in tree.iter("a")),
    )


def require_article(page: ExtractedPage) -> ExtractedPage:
    """`page`, if it is an article; else raises NotAnArticle saying what it is."""
    if page.refusal:
        raise NotAnArticle(page.refusal)
    return page


def body_paragraphs(text: str, title: str) -> str:
    """An extractor's text as newsbot stores it: whitespace collapsed, one paragraph per line
    and a blank line between, without the headline repeated as its first line."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if lines and title and lines[0] == title:
        lines.pop(0)  # the headline repeated as the first line of the body
    return "\n\n".join(lines)


def _drop_hidden(tree: HtmlElement) -> None:
    for element in tree.xpath(_MAYBE_HIDDEN):
        style = element.get("style") or ""
        hidden = element.get("hidden") is not None or _HIDDEN_STYLE.search(style)
        if hidden and element.getparent() is not None:
            element.drop_tree()


def _main_text(tree: HtmlElement, url: str) -> str:
    """The article's text as trafilatura finds it: fast mode, its full cascade when short."""
    text = ""
    for fast in (True, False):
        document = trafilatura.bare_extraction(tree, url=url, include_comments=False, fast=fast)
        found = getattr(document, "text", None) or ""
        if len(found) > len(text):
            text = found
        if len(text) >= FULL_CASCADE_BELOW_CHARS:
            break
    return text


def clip_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """`text` cut to at most `limit` characters, at the end of a paragraph when one fits."""
    if len(text) <= limit:
        return text
    end = text.rfind("\n\n", 0, limit + 1)
    return text[: end if end > 0 else limit].rstrip()


def extract_page(html: bytes | str, url: str) -> ExtractedPage:
    """The main text and metadata of the HTML page fetched from `url`.

    Only the first MAX_EXTRACT_BYTES are read. Raises ExtractError for an empty or binary
    document, or a page with no main text. A page that is no article (a home page, a notice,
    an error page) comes back with its text and a `refusal`: see require_article.
    """
    if not html.strip():
        raise ExtractError("the page is empty")
    if _is_binary(html):
        raise ExtractError("that link is not a web page")
    tree = load_html(html[:MAX_EXTRACT_BYTES])
    if tree is None:
        raise ExtractError("that link is not a readable web page")
    canonical = _canonical(tree, url)
    declared = _declared_language(tree)
    metadata = _metadata(tree, url)
    signals = _signals(tree, url, " ".join((metadata.title or "").split()))
    _drop_hidden(tree)
    site = site_name(metadata.sitename, canonical or url)
    title = clean_title(signals.title, site, canonical or url)
    found = body_paragraphs(_main_text(tree, url), signals.title)
    body = body_paragraphs(without_notices(found), title)
    if not found:
        raise ExtractError("I couldn't find an article on that page")
    return ExtractedPage(
        url=canonical,
        title=title,
        text=body or found,
        author=metadata.author or None,
        published=_published(metadata.date),
        language=_language(declared, body or found),
        site_name=site,
        refusal=refusal(signals, body) if body else "it shows only a subscription or cookie notice",
    )
