"""URL helpers: one canonical form per article address, and spotting links in chat text."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say where a click came from; never part of what a page is.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "twclid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "cmpid",
        "cmp",
        "ocid",
        "ncid",
        "icid",
        "s_cid",
        "smid",
        "sr_share",
        "mkt_tok",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "spm",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "__twitter_impression",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "hsa_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Links to these are a file to play or download, never an article page to read.
_NOT_PAGE_SUFFIXES = (
    *(".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".wav", ".flac", ".m4b"),
    *(".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi", ".m3u8", ".mpd"),
    *(".pdf", ".epub", ".zip", ".gz", ".tar", ".7z", ".rar", ".exe", ".dmg", ".apk", ".torrent"),
    *(".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif"),
    *(".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".csv", ".json"),
)


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The form of `url` used to recognise the same page behind different links.

    Lower-case scheme and host, no default port, no fragment, no tracking parameters, the
    remaining query sorted, an empty path as "/" and no trailing slash on any other path.
    The path keeps its case. A string that is not an http(s) URL comes back stripped, unchanged.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if scheme not in _DEFAULT_PORTS or not host:
        return url
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(name)
    ]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query, safe="/:@!$'()*,"), ""))


def published_link(url: str) -> str:
    """`url` as the feed published it, without tracking parameters (utm_*, fbclid...).

    Unlike canonical_url, everything else stays as written: path, trailing slash, the
    order of the other parameters, the fragment. This is the link people are shown.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query or parts.scheme.lower() not in _DEFAULT_PORTS:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(name, value) for name, value in pairs if not _is_tracking(name)]
    if len(kept) == len(pairs):
        return url
    return urlunsplit(parts._replace(query=urlencode(kept, safe="/:@!$'()*,")))


def looks_like_page(url: str) -> bool:
    """Whether `url` may be a web page: not a link to audio, video, an image or a document."""
    try:
        path = urlsplit(url).path.lower()
    except ValueError:
        return False
    return not path.endswith(_NOT_PAGE_SUFFIXES)


def url_problem(text: str) -> str | None:
    """Why `text` is not one absolute http(s) URL with a host, in words; None when it is."""
    text = text.strip()
    if not text:
        return "That link is empty."
    if any(ch.isspace() for ch in text):
        return "That link has a space in it; a link cannot contain spaces."
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        return f"That link is malformed ({exc})."
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        named = f", not {scheme}://" if scheme and "://" in text else ""
        return f"Only http:// and https:// links can be fetched{named}."
    if not parts.hostname:
        return f"That link has no site name after {scheme}://."
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "That link's port (the number after the colon) is not valid."
    return None


def is_http_url(text: str) -> bool:
    """Whether `text` is one absolute http(s) URL with a host, and nothing else."""
    return url_problem(text) is None
