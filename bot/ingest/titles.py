"""A page's site name and its title without the site's name stuck on ("… - SpaceNews.com")."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_SITE_NAME_CHARS = 80
# " - ", " | ", " – ", " — ", " · ", " :: ", " » ", " / " between a title and the site's name.
_SEPARATOR = re.compile(r"\s+(?:[-–—|·»/]|::)\s+")
_NON_WORD = re.compile(r"\W+")
_MIN_KEY = 3  # a name this short only matches exactly


def site_name(raw: str | None, url: str | None) -> str | None:
    """The site's name as its metadata gives it (og:site_name, JSON-LD publisher), cleaned:
    "@Yahoo" -> "Yahoo", "http://www.tmz.com" -> "tmz.com"; None when missing or unusable."""
    name = " ".join((raw or "").split()).lstrip("@")
    if re.match(r"https?://", name, re.I):
        name = re.sub(r"^www\d?\.", "", urlsplit(name).hostname or "")
    if not name or len(name) > _SITE_NAME_CHARS or name.lower() in {"home", "homepage"}:
        return None
    return name


def _key(text: str) -> str:
    return _NON_WORD.sub("", text.casefold())


def _names(site: str | None, url: str | None) -> list[str]:
    host = re.sub(r"^(www\d?|m|amp|mobile)\.", "", (urlsplit(url).hostname or "") if url else "")
    names = [_key(site or ""), _key(host), _key(host.rsplit(".", 1)[0]) if "." in host else ""]
    return [name for name in names if name]


def _is_name(part: str, names: list[str], *, exactly: bool = False) -> bool:
    key = _key(part)
    if not key:
        return False
    for name in names:
        if key == name:
            return True
        short, long = sorted((key, name), key=len)
        if not exactly and len(short) > _MIN_KEY and long.startswith(short):
            return True
    return False


def clean_title(title: str, site: str | None, url: str | None) -> str:
    """`title` without the site's name at its end ("Launch delayed - SpaceNews.com" ->
    "Launch delayed", also a name that begins or extends the site's) or, named exactly, at its
    start; unchanged when no part of it is the site's name."""
    names = _names(site, url)
    separators = list(_SEPARATOR.finditer(title))
    if not names or not separators:
        return title
    last, first = separators[-1], separators[0]
    if title[: last.start()].strip() and _is_name(title[last.end() :], names):
        return title[: last.start()].strip()
    if title[first.end() :].strip() and _is_name(title[: first.start()], names, exactly=True):
        return title[first.end() :].strip()
    return title
