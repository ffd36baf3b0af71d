"""Hosts that stop answering: not asked again for a while, longer each time (in memory).

A few connection failures in a row (refused, reset, timed out) close a host for the rest of a
pass and then some: the first time for one poll interval, then twice as long each time it
fails again, up to a cap. Any answer from the host (even an HTTP error) reopens it. A failure
counts only if the host answered nothing while that request waited: a host that serves other
pages meanwhile is up, only that page is slow or broken.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

STOP_AFTER = 3  # connection failures in a row that close a host
_MAX_HOSTS = 10_000  # hosts remembered; beyond, those not closed are forgotten


@dataclass(slots=True)
class _Host:
    failures: int = 0  # connection failures in a row
    closings: int = 0  # times closed since it last answered
    closed_until: float = 0.0  # time.monotonic()
    answered_at: float = float("-inf")  # time.monotonic() of its last answer


def host_of(url: str) -> str:
    """The host:port part of `url`, lower-cased (what a connection goes to)."""
    return urlsplit(url).netloc.lower()


class HostHealth:
    """Which hosts to leave alone for now. Used from the event loop only."""

    def __init__(self, first_pause: float, max_pause: float) -> None:
        self.first_pause = first_pause
        self.max_pause = max_pause
        self._hosts: dict[str, _Host] = {}

    def closed(self, url: str) -> bool:
        """Whether `url`'s host is not to be asked now."""
        host = self._hosts.get(host_of(url))
        return host is not None and host.closed_until > time.monotonic()

    def answered(self, url: str) -> None:
        """The host answered (any HTTP status): it is healthy again."""
        host = self._host(url)
        host.failures = host.closings = 0
        host.closed_until, host.answered_at = 0.0, time.monotonic()

    def unreachable(self, url: str, since: float) -> bool:
        """A request to the host, started at `since` (time.monotonic()), could not connect or
        got no answer; return whether the host is now closed."""
        host = self._host(url)
        if host.answered_at >= since:  # it answered another request meanwhile: it is up
            return host.closed_until > time.monotonic()
        host.failures += 1
        if host.failures < STOP_AFTER or host.closed_until > time.monotonic():
            return host.closed_until > time.monotonic()
        pause = min(self.first_pause * 2**host.closings, self.max_pause)
        host.closings += 1
        host.failures = STOP_AFTER - 1  # once reopened, one more failure closes it again
        host.closed_until = time.monotonic() + pause
        return True

    def _host(self, url: str) -> _Host:
        key = host_of(url)
        if key not in self._hosts and len(self._hosts) >= _MAX_HOSTS:
            now = time.monotonic()
            self._hosts = {k: h for k, h in self._hosts.items() if h.closed_until > now}
        return self._hosts.setdefault(key, _Host())
