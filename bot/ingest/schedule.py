"""When to poll a feed next: the operator's interval, lengthened (never shortened) by the feed.

Like Miniflux: `NEWSBOT_POLL_SECONDS` is the normal interval. A feed's `<ttl>` and the
server's `Cache-Control: max-age`, `Expires` and `Retry-After` may only lengthen it, and never
beyond MAX_INTERVAL_SECONDS; `sy:updatePeriod` is ignored (WordPress writes "hourly" into every
feed). A feed that publishes rarely is polled less often, never less than every
MAX_ADAPTIVE_SECONDS. Failures back off exponentially up to MAX_BACKOFF_SECONDS.
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from itertools import pairwise

MAX_INTERVAL_SECONDS = 24 * 3600  # the longest a feed's own hints may stretch its interval
MAX_BACKOFF_SECONDS = 6 * 3600  # the longest wait after failures (Retry-After may ask more)
MAX_ADAPTIVE_SECONDS = 4 * 3600  # a quiet feed is still polled at least this often
ADAPTIVE_SAMPLE = 10  # newest item dates looked at to estimate how often a feed publishes
ADAPTIVE_SHARE = 0.25  # poll about four times per publishing gap


def _http_date(value: str) -> datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _seconds_until(value: str, now: datetime) -> float | None:
    when = _http_date(value)
    return (when - now).total_seconds() if when else None


def max_age(headers: Mapping[str, str], now: datetime) -> float | None:
    """How long the server says its answer stays fresh (`Cache-Control: max-age`, else
    `Expires` measured against the answer's `Date`), or None."""
    for directive in headers.get("cache-control", "").split(","):
        name, _, value = directive.strip().partition("=")
        if name.strip().lower() == "max-age" and value.strip().strip('"').isdigit():
            return float(value.strip().strip('"'))
    expires = headers.get("expires")
    if not expires:
        return None
    sent = _http_date(headers.get("date", "")) or now
    when = _http_date(expires)
    return (when - sent).total_seconds() if when else None


def retry_after(headers: Mapping[str, str], now: datetime) -> float | None:
    """The wait a `Retry-After` header asks for (seconds or an HTTP date), or None."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    return _seconds_until(value, now)


def publishing_gap(published: list[str]) -> float | None:
    """The median gap in seconds between a feed's newest items (ISO dates), or None when
    there are too few dated items to tell."""
    dates = sorted((datetime.fromisoformat(p) for p in published if p), reverse=True)[
        :ADAPTIVE_SAMPLE
    ]
    if len(dates) < 3:
        return None
    gaps = sorted((a - b).total_seconds() for a, b in pairwise(dates))
    return gaps[len(gaps) // 2]


def next_interval(
    poll_seconds: float,
    *,
    ttl_seconds: float | None = None,
    headers: Mapping[str, str] | None = None,
    gap_seconds: float | None = None,
    now: datetime | None = None,
) -> float:
    """Seconds until a feed that was just polled successfully is polled again.

    At least `poll_seconds`; a longer `ttl_seconds`, server freshness (max-age/Expires,
    Retry-After) or a quarter of the publishing gap lengthen it, each clamped.
    """
    now = now or datetime.now(UTC)
    hints = [ttl_seconds or 0.0]
    if headers is not None:
        hints += [max_age(headers, now) or 0.0, retry_after(headers, now) or 0.0]
    interval = max(poll_seconds, min(max(hints), MAX_INTERVAL_SECONDS))
    if gap_seconds is not None:
        adaptive = min(gap_seconds * ADAPTIVE_SHARE, MAX_ADAPTIVE_SECONDS)
        interval = max(interval, adaptive)
    return interval


def failure_delay(
    poll_seconds: float, failures: int, retry_after_seconds: float | None = None
) -> float:
    """Seconds to wait after the `failures`-th failure in a row: the interval doubled per
    failure up to MAX_BACKOFF_SECONDS, or longer when the server asked (429/503 Retry-After),
    never beyond MAX_INTERVAL_SECONDS."""
    backoff = min(poll_seconds * 2 ** min(max(failures - 1, 0), 20), MAX_BACKOFF_SECONDS)
    asked = min(retry_after_seconds or 0.0, MAX_INTERVAL_SECONDS)
    return max(poll_seconds, backoff, asked)


def at(seconds: float, now: datetime | None = None) -> str:
    """The ISO 8601 UTC time `seconds` after `now` (stored in next_poll_at)."""
    when = (now or datetime.now(UTC)) + timedelta(seconds=seconds)
    return when.isoformat(timespec="seconds")
