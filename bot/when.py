"""Publication times: read from feeds and pages in any language, shown relative to now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache

import dateparser

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Tried in turn when a feed names no language: the languages newsbot's users read most.
# (dateparser given no list at all loads every locale it knows: about 30 s on the first date.)
_LANGUAGES = ("en", "pt", "es", "de", "fr", "it", "ru", "ko", "ja", "zh")
_SETTINGS = {
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TO_TIMEZONE": "UTC",
    "TIMEZONE": "UTC",  # a date without a zone is UTC, as feeds mean it
    "PREFER_DATES_FROM": "past",
    "STRICT_PARSING": True,  # day, month and year all given: "Set 2018" alone is not a date
}


@lru_cache(maxsize=4096)
def parse_date(text: str, language: str | None = None) -> datetime | None:
    """A date written the way people write them, in `language` (ISO 639-1) or, without one,
    in one of the common news languages: "Seg, 24 Set 2018 10:15:00 -0300", "3 декабря 2026,
    18:40", "2026년 12월 3일". None when it reads as no date."""
    text = " ".join(text.split())
    if not text or len(text) > 80:
        return None
    languages = [language] if language else list(_LANGUAGES)
    try:
        return dateparser.parse(text, languages=languages, settings=_SETTINGS)
    except (ValueError, OverflowError, LookupError):  # an unknown language code among them
        return None if language is None else parse_date(text)


def _midnight(moment: datetime) -> bool:
    """A date given without its time of day is stored at 00:00:00."""
    return (moment.hour, moment.minute, moment.second) == (0, 0, 0)


def published_label(iso: str | None, now: datetime | None = None) -> str:
    """When an article was published, as a reader wants it (times in UTC): "just now",
    "25 min ago", "2 h ago", "yesterday 18:40", "Mon 09:15", "3 Dec 18:40", "3 Dec 2024";
    a date without a time of day as "today", "yesterday" or "3 Dec 2026". Empty when missing
    or unreadable."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.strip())
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    timed = not _midnight(moment)
    age = now - moment
    if timed and timedelta(0) <= age < timedelta(minutes=1):
        return "just now"
    if timed and timedelta(0) <= age < timedelta(hours=1):
        return f"{age.seconds // 60} min ago"
    if timed and timedelta(0) <= age < timedelta(hours=12):
        return f"{age.seconds // 3600} h ago"
    days = (now.date() - moment.date()).days
    clock = f" {moment:%H:%M}" if timed else ""
    if days == 0:
        return f"today{clock}"
    if days == 1:
        return f"yesterday{clock}"
    if 1 < days < 7 and timed:
        return f"{_WEEKDAYS[moment.weekday()]}{clock}"
    day = f"{moment.day} {_MONTHS[moment.month - 1]}"
    if moment.year == now.year and timed:
        return f"{day}{clock}"
    return f"{day} {moment.year}"
