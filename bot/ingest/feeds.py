"""Turn a downloaded feed (RSS 0.9x/1.0/2.0, Atom, JSON Feed) into plain-text FeedItems."""

from __future__ import annotations

import calendar
import html
import io
import json
import re
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree
from lxml import html as lxml_html

from bot.errors import NewsbotError
from bot.ingest.urls import is_http_url
from bot.keypoints.language import normalize_language_code
from bot.models import FeedItem, ParsedFeed
from bot.when import parse_date

TEASER_CHARS = 400  # a body shorter than this is a teaser
TEASER_SENTENCES = 3  # ... and so is one with fewer sentences
_TITLE_CHARS = 80
_READ_MORE_CHARS = 120  # a "Continue reading ..." link line is short

# Elements that start and end a paragraph; and elements whose content is never text.
_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "caption", "dd", "details", "div"),
        *("dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hr"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "li", "main", "nav", "ol", "p", "pre"),
        *("section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"),
    }
)
_SKIPPED_TAGS = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head"}
)
_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"</?[a-z][a-z0-9]*(?:\s[^>]*)?/?>", re.I)
_BLANK_LINES = re.compile(r"\n\s*\n\s*")
_SENTENCE_END = re.compile(r"[.!?…。！？](?:[\"'”’)\]]*)(?=\s|$)")
_ELLIPSIS_END = re.compile(r"(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)\W*$")
_READ_MORE = re.compile(
    r"^(?:continue reading|read more|read the (?:full|rest)|keep reading|more\s*»)", re.I
)
_MEDIA_KINDS = ("audio", "video")  # MIME type prefixes, and Media RSS medium values


class FeedParseError(NewsbotError):
    """The document is not a feed at all; the message says so in plain words."""


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: one paragraph per block (p, li, h1-h6...), blank-line
    separated; <br> breaks a line and two <br> in a row start a paragraph."""
    if not markup.strip():
        return ""
    try:
        # huge_tree: nesting up to 2048 deep and text nodes over 10 MB still parse.
        parser = lxml_html.HTMLParser(huge_tree=True)
        root = lxml_html.fragment_fromstring(markup, create_parent="div", parser=parser)
    except (etree.ParserError, ValueError):
        return _strip_tags(markup)
    pieces: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _SKIPPED_TAGS or not tag:
                walker.skip_subtree()
                continue
            if tag in _BLOCK_TAGS:
                pieces.append("\n\n")
            elif tag == "br":
                pieces.append("\n")
            if element.text:
                pieces.append(_SPACES.sub(" ", element.text))
        else:
            if tag in _BLOCK_TAGS:
                pieces.append("\n\n")
            if element.tail and element is not root:
                pieces.append(_SPACES.sub(" ", element.tail))
    # libxml2 drops what lies deeper than it will nest: never return nothing for something.
    return _tidy("".join(pieces)) or _strip_tags(markup)


def _strip_tags(markup: str) -> str:
    return plain_text(html.unescape(_TAG.sub(" ", markup)))


def plain_text(text: str) -> str:
    """`text` with spaces collapsed within lines and paragraphs split by one blank line."""
    return _tidy(text.replace("\r\n", "\n").replace("\r", "\n"))


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def language_code(raw: object) -> str | None:
    """The ISO 639-1 code of a feed's or page's language tag ("en-US", "eng" -> "en"), or None."""
    return normalize_language_code(raw) if isinstance(raw, str) else None


def iso_utc(when: datetime, now: datetime | None = None) -> str:
    """`when` as ISO 8601 in UTC (naive means UTC), never later than `now`."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return min(when.astimezone(UTC), now).isoformat(timespec="seconds")


def is_teaser(text: str) -> bool:
    """Whether a feed body is only a summary of the article (short, or cut off)."""
    if len(text) < TEASER_CHARS or len(_SENTENCE_END.findall(text)) < TEASER_SENTENCES:
        return True
    for paragraph in text.split("\n\n")[-2:]:
        if _ELLIPSIS_END.search(paragraph):
            return True
        if len(paragraph) < _READ_MORE_CHARS and _READ_MORE.match(paragraph):
            return True
    return False


def _fallback_title(text: str) -> str:
    first = text.split("\n", 1)[0].strip()
    if len(first) <= _TITLE_CHARS:
        return first
    return first[:_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


def _link(raw: object, base: str) -> str | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    link = urljoin(base, raw.strip())
    return link if is_http_url(link) else None


def _make_item(
    *,
    title: str,
    bodies: list[str],
    link: object,
    guid: object,
    author: object,
    published: datetime | None,
    language: str | None,
    base: str,
    media: bool = False,
) -> FeedItem:
    text = max(bodies, key=len, default="")
    return FeedItem(
        title=title or _fallback_title(text),
        text=text,
        url=_link(link, base),
        guid=(str(guid).strip() or None) if isinstance(guid, str | int) else None,
        author=(" ".join(author.split()) or None) if isinstance(author, str) else None,
        published=iso_utc(published) if published else None,
        language=language,
        is_teaser=is_teaser(text),
        media=media,
    )


def _is_media(kinds: list[object]) -> bool:
    """Whether any enclosure/attachment type (MIME type or Media RSS medium) is audio or video."""
    return any(
        isinstance(kind, str) and kind.strip().lower().startswith(_MEDIA_KINDS) for kind in kinds
    )


def _unique(items: list[FeedItem]) -> list[FeedItem]:
    """Drop empty items, and later items that repeat an earlier guid (or, without one, link)."""
    seen: set[str] = set()
    unique: list[FeedItem] = []
    for item in items:
        if not (item.title or item.text or item.url):
            continue
        key = item.guid or item.url
        if key is not None and key in seen:
            continue
        if key is not None:
            seen.add(key)
        unique.append(item)
    return unique


# --- JSON Feed ---------------------------------------------------------------------------------


def _looks_like_json(body: bytes, content_type: str) -> bool:
    return "json" in content_type.lower() or body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _json_date(value: object, language: str | None) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return parse_date(value, language)


def _json_author(item: dict[str, Any]) -> str | None:
    authors = item.get("authors")
    candidates = authors if isinstance(authors, list) else [item.get("author")]
    for author in candidates:
        if isinstance(author, dict) and isinstance(author.get("name"), str):
            return str(author["name"])
    return None


def _parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise FeedParseError("that address doesn't serve a news feed") from None
    if not isinstance(doc, dict) or "jsonfeed.org" not in str(doc.get("version", "")):
        raise FeedParseError("that address serves JSON, but not a JSON Feed")
    feed_language = language_code(doc.get("language"))
    base = _str(doc.get("feed_url")) or url
    items: list[FeedItem] = []
    raw_items = doc.get("items")
    for entry in raw_items if isinstance(raw_items, list) else []:
        if not isinstance(entry, dict):
            continue
        bodies = [html_to_text(_str(entry.get("content_html")) or "")]
        bodies += [plain_text(_str(entry.get(key)) or "") for key in ("content_text", "summary")]
        items.append(
            _make_item(
                title=plain_text(html.unescape(_str(entry.get("title")) or "")).replace("\n", " "),
                bodies=bodies,
                link=entry.get("url") or entry.get("external_url"),
                guid=entry.get("id"),
                author=_json_author(entry),
                published=_json_date(entry.get("date_published"), feed_language)
                or _json_date(entry.get("date_modified"), feed_language),
                language=language_code(entry.get("language")) or feed_language,
                base=base,
                media=_is_media(
                    [
                        a.get("mime_type")
                        for a in entry.get("attachments") or []
                        if isinstance(a, dict)
                    ]
                ),
            )
        )
    title = plain_text(_str(doc.get("title")) or "").replace("\n", " ")
    return ParsedFeed(
        title=title or urlsplit(url).hostname or url,
        items=_unique(items),
        language=feed_language,
    )


# --- RSS and Atom, via feedparser --------------------------------------------------------------


def _detail_text(detail: Any) -> str:
    """Plain text of a feedparser text construct (title_detail, summary_detail, content[i])."""
    if not detail or not isinstance(detail.get("value"), str):
        return ""
    value: str = detail["value"]
    if "html" in str(detail.get("type", "")):
        return html_to_text(value)
    # feedparser calls "plain" whatever holds markup it would not sanitise (a <script>, say)
    # and leaves double-escaped entities in place: unescape, then strip what is left.
    value = html.unescape(value)
    return html_to_text(value) if _TAG.search(value) else plain_text(value)


def _struct_date(entry: Any, language: str | None) -> datetime | None:
    for key in ("published", "updated", "created"):
        written, parsed = entry.get(key), entry.get(f"{key}_parsed")
        has_struct = isinstance(parsed, time.struct_time)
        # feedparser reads English and W3C dates (and misreads some Korean ones): a date it
        # could not read, or one written with other letters, goes to dateparser first.
        if isinstance(written, str) and (not has_struct or not written.isascii()):
            found = parse_date(written, language)
            if found:
                return found
        if has_struct:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _ttl_seconds(feed: Any) -> int | None:
    """The feed's <ttl> in seconds. sy:updatePeriod is ignored on purpose: WordPress writes
    "hourly" into every feed whatever the site publishes (see bot.ingest.schedule)."""
    ttl = str(feed.get("ttl", "")).strip()
    return int(ttl) * 60 if ttl.isdigit() and int(ttl) > 0 else None


def _entry_media(entry: Any) -> bool:
    kinds: list[object] = [e.get("type") for e in entry.get("enclosures") or []]
    for media in entry.get("media_content") or []:
        kinds += [media.get("medium"), media.get("type")]
    return _is_media(kinds)


def _entry_language(entry: Any) -> str | None:
    for key in ("title_detail", "summary_detail"):
        code = language_code((entry.get(key) or {}).get("language"))
        if code:
            return code
    for content in entry.get("content") or []:
        code = language_code(content.get("language"))
        if code:
            return code
    return language_code(entry.get("language"))


def _parse_xml_feed(body: bytes, url: str, content_type: str) -> ParsedFeed:
    # No content-location: feedparser would resolve guids against it, and a guid must stay as
    # the feed wrote it. Links are resolved in _make_item instead (xml:base still applies).
    headers = {"content-type": content_type} if content_type else {}
    # A BytesIO, never bytes: feedparser would treat a short bytes body as a file name.
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    feed = parsed.get("feed", {})
    entries = parsed.get("entries", [])
    unreadable = not parsed.get("version") or (parsed.get("bozo") and not feed.get("title"))
    if not entries and unreadable:
        raise FeedParseError("that address doesn't serve a news feed")
    feed_language = language_code(feed.get("language"))
    items = [
        _make_item(
            title=_detail_text(entry.get("title_detail")).replace("\n", " "),
            bodies=[_detail_text(c) for c in entry.get("content") or []]
            + [_detail_text(entry.get("summary_detail"))],
            link=entry.get("link"),
            guid=entry.get("id"),
            author=(entry.get("author_detail") or {}).get("name") or entry.get("author"),
            published=_struct_date(entry, _entry_language(entry) or feed_language),
            language=_entry_language(entry) or feed_language,
            base=url,
            media=_entry_media(entry),
        )
        for entry in entries
    ]
    title = _detail_text(feed.get("title_detail")).replace("\n", " ")
    return ParsedFeed(
        title=title or urlsplit(url).hostname or url,
        items=_unique(items),
        language=feed_language,
        ttl_seconds=_ttl_seconds(feed),
    )


def parse_feed(body: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Parse a feed document fetched from `url` (relative links resolve against it).

    Raises FeedParseError when `body` is not a feed (an HTML page, binary data, nothing). A
    malformed feed that can still be read yields the items it has.
    """
    if not body.strip():
        raise FeedParseError("that address returned an empty document, not a news feed")
    if _looks_like_json(body, content_type):
        return _parse_json_feed(body, url)
    return _parse_xml_feed(body, url, content_type)
