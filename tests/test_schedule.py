"""Poll scheduling rules (bot.ingest.schedule) and host health (bot.ingest.hosts)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.ingest import hosts, schedule
from bot.ingest.hosts import HostHealth

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HTTP_NOW = "Sun, 01 Mar 2026 12:00:00 GMT"


def test_the_operators_interval_is_the_normal_one() -> None:
    assert schedule.next_interval(900, now=NOW) == 900
    assert schedule.next_interval(900, ttl_seconds=60, now=NOW) == 900  # never shortened
    assert schedule.next_interval(900, ttl_seconds=3600, now=NOW) == 3600  # lengthened
    assert schedule.next_interval(900, ttl_seconds=30 * 86400, now=NOW) == 86400  # clamped


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"cache-control": "public, max-age=7200"}, 7200),
        ({"cache-control": 'max-age="5400"'}, 5400),
        ({"cache-control": "max-age=60"}, 900),  # shorter than the interval: ignored
        ({"cache-control": "max-age=9999999"}, 86400),  # clamped to a day
        ({"expires": "Sun, 01 Mar 2026 14:00:00 GMT", "date": HTTP_NOW}, 7200),
        ({"expires": "0"}, 900),  # "already expired": no hint
        ({"retry-after": "3600"}, 3600),
        ({"retry-after": "Sun, 01 Mar 2026 13:30:00 GMT"}, 5400),
        ({"cache-control": "no-cache"}, 900),
        ({}, 900),
    ],
)
def test_server_hints_only_lengthen_the_interval(headers: dict[str, str], expected: float) -> None:
    assert schedule.next_interval(900, headers=headers, now=NOW) == expected


def test_expires_is_measured_against_the_servers_own_clock() -> None:
    # The server's clock is an hour behind ours: Expires is an hour after its Date.
    headers = {"date": "Sun, 01 Mar 2026 11:00:00 GMT", "expires": HTTP_NOW}
    assert schedule.max_age(headers, NOW) == 3600


def test_failures_back_off_exponentially_and_a_retry_after_is_honoured() -> None:
    delays = [schedule.failure_delay(60, n) for n in range(1, 12)]
    assert delays[:4] == [60, 120, 240, 480]
    assert delays[-1] == schedule.MAX_BACKOFF_SECONDS
    assert schedule.failure_delay(60, 1, retry_after_seconds=7200) == 7200  # 429 / 503
    assert schedule.failure_delay(60, 1, retry_after_seconds=10**9) == 86400  # clamped


def test_adaptive_interval_follows_the_publishing_rate_within_bounds() -> None:
    def dates(every: timedelta) -> list[str]:
        return [(NOW - every * n).isoformat() for n in range(10)]

    weekly = schedule.publishing_gap(dates(timedelta(days=7)))
    assert weekly == 7 * 86400
    assert schedule.next_interval(900, gap_seconds=weekly) == schedule.MAX_ADAPTIVE_SECONDS
    daily = schedule.publishing_gap(dates(timedelta(hours=8)))
    assert schedule.next_interval(900, gap_seconds=daily) == 2 * 3600  # a quarter of the gap
    busy = schedule.publishing_gap(dates(timedelta(minutes=5)))
    assert schedule.next_interval(900, gap_seconds=busy) == 900  # never below the interval
    assert schedule.publishing_gap(dates(timedelta(hours=1))[:2]) is None  # too few to tell


def test_a_host_is_closed_after_a_few_connection_failures_and_backs_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(hosts.time, "monotonic", lambda: clock[0])
    health = HostHealth(first_pause=60, max_pause=3600)
    url = "http://dead.example:8080/story/1"
    since = clock[0]
    assert [health.unreachable(url, since) for _ in range(hosts.STOP_AFTER)] == [
        False,
        False,
        True,
    ]
    assert health.closed("http://dead.example:8080/story/2")  # the whole host
    assert not health.closed("http://dead.example/story/2")  # another port is another host
    pauses = []
    for _ in range(4):  # reopened after each pause; one more failure closes it, twice as long
        start = clock[0]
        while health.closed(url):
            clock[0] += 1
        pauses.append(clock[0] - start)
        assert health.unreachable(url, clock[0])
    assert pauses == [60, 120, 240, 480]
    health.answered(url)  # any answer reopens it and forgets the failures
    assert not health.closed(url)
    assert not health.unreachable(url, clock[0] - 1)


def test_a_host_that_answers_other_requests_meanwhile_is_not_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Slow pages time out together, long after they started; the host answered other
    requests in between: it is up, only those pages are slow."""
    clock = [1000.0]
    monkeypatch.setattr(hosts.time, "monotonic", lambda: clock[0])
    health = HostHealth(first_pause=60, max_pause=3600)
    url = "http://busy.example/page"
    started = clock[0]
    clock[0] += 1
    health.answered(url)  # another page came back
    clock[0] += 19
    assert not any(health.unreachable(url, started) for _ in range(5))
    assert not health.closed(url)
