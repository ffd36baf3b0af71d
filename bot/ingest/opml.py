"""Read and write OPML subscription lists (the feed-reader export format)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import format_datetime

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from bot.errors import NewsbotError
from bot.ingest.urls import is_http_url


class OpmlError(NewsbotError, ValueError):
    """The file is not OPML we can read (or it tries XML entity tricks)."""


def _attribute(element: ET.Element, name: str) -> str | None:
    """An attribute by case-insensitive name (exports spell xmlUrl as xmlurl, XMLURL...)."""
    for key, value in element.attrib.items():
        if key.lower() == name.lower():
            return value.strip() or None
    return None


def parse_opml(data: bytes) -> list[tuple[str, str | None]]:
    """Every feed in an OPML document, nested outlines included: (xmlUrl, title), each URL once.

    The title is the outline's title (or text) attribute; None when missing or just the URL.

    Raises OpmlError (a ValueError) for broken XML, a non-OPML document, or entity declarations.
    """
    try:
        root = fromstring(data)
    except ET.ParseError as exc:
        raise OpmlError(f"broken XML ({exc})") from None
    except DefusedXmlException:
        raise OpmlError("it declares XML entities or external references") from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"the document is <{root.tag}>, not <opml>")
    feeds: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for outline in root.iter("outline"):
        url = _attribute(outline, "xmlUrl")
        if not url or not is_http_url(url) or url in seen:
            continue
        seen.add(url)
        title = _attribute(outline, "title") or _attribute(outline, "text")
        feeds.append((url, title if title != url else None))
    return feeds


def build_opml(feeds: list[tuple[str, str | None]]) -> str:
    """An OPML 2.0 document listing `feeds` as (xmlUrl, title) pairs."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "newsbot subscriptions"
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = ET.SubElement(root, "body")
    for url, title in feeds:
        name = title or url
        ET.SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=url)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
