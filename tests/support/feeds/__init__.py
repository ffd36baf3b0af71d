"""Feed and page fixtures: the files in this folder, and generators for the large or odd ones."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent


def load(name: str) -> bytes:
    """The bytes of fixture file `name`."""
    return (FIXTURES / name).read_bytes()


def rss(items: str, *, declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    """An RSS 2.0 document around `items` (already-serialised <item> elements)."""
    return (
        f'{declaration}\n<rss version="2.0"><channel><title>Generated</title>'
        f"<link>https://gen.example.com/</link>{items}</channel></rss>"
    )


def enormous_item_feed(paragraphs: int = 20_000) -> bytes:
    """One item whose content is `paragraphs` paragraphs (about 110 bytes each)."""
    body = "".join(
        f"&lt;p&gt;Paragraph {n} of a very long article, written to make the feed huge.&lt;/p&gt;"
        for n in range(paragraphs)
    )
    item = f"<item><title>Huge</title><guid>huge</guid><description>{body}</description></item>"
    return rss(item).encode("utf-8")


def many_items_feed(count: int) -> bytes:
    """A feed with `count` small items, guids item-0 ... item-N."""
    items = "".join(
        f"<item><title>Item {n}</title><link>https://gen.example.com/{n}</link>"
        f"<guid>item-{n}</guid><description>Body {n}.</description></item>"
        for n in range(count)
    )
    return rss(items).encode("utf-8")


def undeclared_latin1_feed() -> bytes:
    """ISO-8859-1 bytes with no encoding declaration and no charset (XML says: UTF-8)."""
    item = (
        "<item><title>Crème brûlée à la carte</title><guid>c1</guid>"
        "<description>Déjà vu.</description></item>"
    )
    return rss(item, declaration='<?xml version="1.0"?>').encode("latin-1")


def mislabelled_feed() -> bytes:
    """Windows-1252 bytes that declare themselves UTF-8."""
    item = (
        "<item><title>“Smart quotes” – and a dash</title><guid>m1</guid>"
        "<description>Naïve café.</description></item>"
    )
    return rss(item).encode("cp1252")


def huge_page(paragraphs: int = 30_000) -> bytes:
    """An HTML article page of several megabytes."""
    body = "".join(
        f"<p>Sentence number {n} of a page that goes on and on. It has a second sentence.</p>"
        for n in range(paragraphs)
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><title>Huge page</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>Huge page</h1>{body}</article></body></html>"
    ).encode()
