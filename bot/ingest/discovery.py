"""Find the feeds a web page names (<link rel="alternate" type="application/rss+xml" ...>), as a
feed reader does when it is given a site's address instead of its feed's."""

from __future__ import annotations

from urllib.parse import urljoin

from trafilatura.utils import load_html

from bot.ingest.pages import MAX_EXTRACT_BYTES
from bot.ingest.urls import is_http_url

# application/json is left out: on WordPress sites it names the REST API, not a feed.
_FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/x-rss+xml",
        "application/x-atom+xml",
    }
)
_SECONDARY = ("comment",)  # a site's comments feed comes after its articles feed


def feed_links(html: bytes, page_url: str) -> list[str]:
    """The absolute http(s) addresses of the feeds `html` names, articles feeds before comments
    feeds, otherwise in page order, each once. Empty for a page that names none."""
    tree = load_html(html[:MAX_EXTRACT_BYTES])
    if tree is None:
        return []
    found: dict[str, bool] = {}  # address -> whether it is a comments feed, in page order
    for link in tree.iterfind(".//link[@href]"):
        rel = str(link.get("rel") or "").lower().split()
        kind = str(link.get("type") or "").split(";", 1)[0].strip().lower()
        if "alternate" not in rel or kind not in _FEED_TYPES:
            continue
        url = urljoin(page_url, str(link.get("href")).strip())
        label = f"{link.get('title') or ''} {url}".lower()
        if is_http_url(url) and url not in found:
            found[url] = any(word in label for word in _SECONDARY)
    return sorted(found, key=found.__getitem__)  # stable: page order within each kind
