"""Settings from the environment (and a `.env` file in the working directory)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from dotenv import dotenv_values

N = TypeVar("N", int, float)

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"

# A small curated set of real news feeds, used when NEWSBOT_FEEDS is unset.
DEFAULT_FEEDS: tuple[str, ...] = (
    "https://www.dailynk.com/english/feed/",
    "https://feeds.bbci.co.uk/news/world/rss.xml",
    "https://feeds.npr.org/1004/rss.xml",
    "https://www.theguardian.com/world/rss",
    "https://www.aljazeera.com/xml/rss/all.xml",
)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class ConfigError(Exception):
    """A setting has a value newsbot cannot use; the message is one line naming it."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting newsbot reads, with its default."""

    telegram_token: str | None = field(default=None, repr=False)  # never in logs
    telegram_api_base_url: str = DEFAULT_API_BASE_URL
    db_path: str = "newsbot.db"
    feeds: tuple[str, ...] = DEFAULT_FEEDS
    poll_seconds: int = 900
    adaptive_polling: bool = False  # poll feeds that publish rarely less often (bounded)
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    allow_private_urls: bool = False
    key_points: int = 3
    max_subscriptions: int = 20
    fetch_timeout: float = 20.0
    max_download_bytes: int = 5_000_000
    fetch_concurrency: int = 8
    fetch_host_delay: float = 0.5
    user_rate_per_minute: int = 10
    workers: int | None = None  # worker processes for ingest; None: one per core
    log_level: str | None = None  # None: INFO for `newsbot run`, WARNING for other commands
    retention_days: int = 90  # articles older than this are forgotten; 0 keeps them all


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}: expected one of 1/true/yes/on or 0/false/no/off, got {raw!r}")


def _number(kind: Callable[[str], N], low: N, high: N) -> Callable[[str, str], N]:
    """A parser for a number of `kind` (int or float) between `low` and `high`."""
    expected = "a whole number" if kind is int else "a number"

    def parse(name: str, raw: str) -> N:
        try:
            value = kind(raw.strip())
        except ValueError:
            raise ConfigError(f"{name}: expected {expected}, got {raw!r}") from None
        if not low <= value <= high:
            raise ConfigError(f"{name}: must be between {low} and {high}, got {value}")
        return value

    return parse


def _ids(name: str, raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            ids.add(int(part))
        except ValueError:
            raise ConfigError(f"{name}: {part!r} is not a numeric Telegram user id") from None
    return frozenset(ids)


def _urls(name: str, raw: str) -> tuple[str, ...]:
    urls = tuple(part.strip() for part in raw.split(",") if part.strip())
    for url in urls:
        if not url.lower().startswith(("http://", "https://")):
            raise ConfigError(f"{name}: {url!r} is not an http(s) URL")
    return urls


def _base_url(name: str, raw: str) -> str:
    url = raw.strip().rstrip("/")
    if not url.lower().startswith(("http://", "https://")):
        raise ConfigError(f"{name}: {raw!r} is not an http(s) URL")
    # PTB appends the token straight after the base URL: ".../bot" + "<token>".
    return url if url.endswith("/bot") else url + "/bot"


def _log_level(name: str, raw: str) -> str:
    level = raw.strip().upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigError(f"{name}: expected DEBUG, INFO, WARNING or ERROR, got {raw!r}")
    return level


def _text(name: str, raw: str) -> str:
    return raw.strip()


# variable -> (Settings field, parser). NEWSBOT_FEEDS is special: set but empty means "none".
_PARSERS: dict[str, tuple[str, Callable[[str, str], object]]] = {
    "TELEGRAM_BOT_TOKEN": ("telegram_token", _text),
    "TELEGRAM_API_BASE_URL": ("telegram_api_base_url", _base_url),
    "NEWSBOT_DB": ("db_path", _text),
    "NEWSBOT_FEEDS": ("feeds", _urls),
    "NEWSBOT_POLL_SECONDS": ("poll_seconds", _number(int, 10, 7 * 24 * 3600)),
    "NEWSBOT_ADAPTIVE_POLLING": ("adaptive_polling", _flag),
    "NEWSBOT_ADMIN_IDS": ("admin_ids", _ids),
    "NEWSBOT_ALLOW_PRIVATE_URLS": ("allow_private_urls", _flag),
    "NEWSBOT_KEY_POINTS": ("key_points", _number(int, 1, 10)),
    "NEWSBOT_MAX_SUBSCRIPTIONS": ("max_subscriptions", _number(int, 1, 1000)),
    "NEWSBOT_FETCH_TIMEOUT": ("fetch_timeout", _number(float, 1.0, 300.0)),
    "NEWSBOT_MAX_DOWNLOAD_BYTES": ("max_download_bytes", _number(int, 10_000, 100_000_000)),
    "NEWSBOT_FETCH_CONCURRENCY": ("fetch_concurrency", _number(int, 1, 64)),
    "NEWSBOT_FETCH_HOST_DELAY": ("fetch_host_delay", _number(float, 0.0, 60.0)),
    "NEWSBOT_USER_RATE_PER_MINUTE": ("user_rate_per_minute", _number(int, 1, 1000)),
    "NEWSBOT_WORKERS": ("workers", _number(int, 0, 32)),
    "NEWSBOT_LOG_LEVEL": ("log_level", _log_level),
    "NEWSBOT_RETENTION_DAYS": ("retention_days", _number(int, 0, 36500)),
}


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
) -> Settings:
    """Read settings from `environ` (default: os.environ) over the values in `env_file`.

    Raises ConfigError with one line naming the variable when a value is bad.
    """
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    kwargs: dict[str, object] = {}
    for variable, (attr, parse) in _PARSERS.items():
        raw = values.get(variable)
        if raw is None:
            continue
        if not raw.strip() and variable != "NEWSBOT_FEEDS":
            continue  # empty means the default
        kwargs[attr] = parse(variable, raw)
    if kwargs.get("telegram_token") == "":
        kwargs.pop("telegram_token")
    return Settings(**kwargs)  # type: ignore[arg-type]
