"""Settings: defaults, switches, the .env file, and one-line errors naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_FEEDS, ConfigError, Settings, load_settings


def test_defaults_without_anything() -> None:
    settings = load_settings({}, env_file=None)
    assert settings == Settings()
    assert settings.db_path == "newsbot.db"
    assert settings.telegram_token is None
    assert not settings.allow_private_urls
    assert any("dailynk.com/english" in url for url in settings.feeds)
    assert settings.feeds == DEFAULT_FEEDS


def test_feeds_set_but_empty_means_none() -> None:
    assert load_settings({"NEWSBOT_FEEDS": ""}, env_file=None).feeds == ()
    assert load_settings({"NEWSBOT_FEEDS": " , "}, env_file=None).feeds == ()


def test_feeds_are_comma_separated() -> None:
    settings = load_settings({"NEWSBOT_FEEDS": "http://a/feed, https://b/rss"}, env_file=None)
    assert settings.feeds == ("http://a/feed", "https://b/rss")


@pytest.mark.parametrize("raw", ["1", "true", "YES", " on "])
def test_switch_on(raw: str) -> None:
    assert load_settings({"NEWSBOT_ALLOW_PRIVATE_URLS": raw}, env_file=None).allow_private_urls


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_switch_off_or_default(raw: str) -> None:
    settings = load_settings({"NEWSBOT_ALLOW_PRIVATE_URLS": raw}, env_file=None)
    assert not settings.allow_private_urls


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("NEWSBOT_ALLOW_PRIVATE_URLS", "maybe", "NEWSBOT_ALLOW_PRIVATE_URLS: expected one of"),
        ("NEWSBOT_POLL_SECONDS", "often", "NEWSBOT_POLL_SECONDS: expected a whole number"),
        ("NEWSBOT_POLL_SECONDS", "1", "NEWSBOT_POLL_SECONDS: must be between"),
        ("NEWSBOT_ADMIN_IDS", "12,bob", "NEWSBOT_ADMIN_IDS: 'bob' is not a numeric"),
        ("NEWSBOT_FEEDS", "ftp://x/feed", "NEWSBOT_FEEDS: 'ftp://x/feed' is not an http(s) URL"),
        ("TELEGRAM_API_BASE_URL", "localhost:8081", "TELEGRAM_API_BASE_URL: "),
    ],
)
def test_bad_value_names_the_variable(variable: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({variable: value}, env_file=None)
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


def test_admin_ids_and_base_url() -> None:
    settings = load_settings(
        {"NEWSBOT_ADMIN_IDS": "1, 22,", "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/"},
        env_file=None,
    )
    assert settings.admin_ids == frozenset({1, 22})
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081/bot"


def test_env_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("NEWSBOT_DB=from-file.db\nNEWSBOT_POLL_SECONDS=60\n")
    settings = load_settings({"NEWSBOT_POLL_SECONDS": "120"}, env_file=env)
    assert (settings.db_path, settings.poll_seconds) == ("from-file.db", 120)
