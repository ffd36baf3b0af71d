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
