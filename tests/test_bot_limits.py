"""Per-user rate limits on the expensive requests, and the limiter behind them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.telegram.access import UserRateLimit
from tests.support import feeds as fixtures
from tests.support.telegram import (
    BOB,
    BotHarness,
    bot_settings,
    news_feed,
)
from tests.test_bot_news import COUNCIL
from tests.test_bot_summary import PAGE_TITLE


@pytest.fixture
def bot_config(tmp_path: Path) -> Settings:
    return bot_settings(tmp_path, user_rate_per_minute=2)


async def test_only_fetching_new_pages_counts_toward_the_limit(harness: BotHarness) -> None:
    await harness.follow(news_feed(COUNCIL))
    for _ in range(4):  # reading what is stored is never limited
        assert (await harness.send("/search council")).text.startswith("Results 1–5 for council")
        assert (await harness.send("/summary 1")).text.startswith("Bitcoin price jumps")
        assert (await harness.send("/latest 1")).text.startswith("Latest news")
    results = await harness.send("/search council")
    more = await harness.press(results.messages[-1], "More")
    assert more.text.startswith("Results 6–8")
    (answer,) = (await harness.inline("council")).of("answerInlineQuery")
    assert len(answer.params["results"]) == 8

    pages = [harness.feeds.add(f"/page-{n}", fixtures.load("article.html")) for n in range(3)]
    assert (await harness.send(f"/summary {pages[0]}")).text.startswith(PAGE_TITLE)
    assert (await harness.send(f"/summary {pages[1]}")).text.startswith(PAGE_TITLE)
    slow_down = await harness.send(f"/summary {pages[2]}")
    (text,) = slow_down.texts
    assert text.startswith("You're going fast — try again in ") and text.endswith(" s.")
    assert 1 <= int(text.split()[-2]) <= 60
    assert "/page-2" not in harness.feeds.hits  # refused before fetching
    stored = await harness.send(f"/summary {pages[0]}")  # already stored: no fetch, no limit
    assert stored.text.startswith(PAGE_TITLE)
    other_user = await harness.send(f"/summary {pages[2]}", user=BOB)
    assert other_user.text.startswith(PAGE_TITLE)


def test_rate_limit_is_a_sliding_window() -> None:
    now = [1000.0]
    limit = UserRateLimit(2, clock=lambda: now[0])
    assert limit.wait_time(7) == 0
    now[0] += 10
    assert limit.wait_time(7) == 0
    now[0] += 10
    assert limit.wait_time(7) == pytest.approx(40)  # refused requests are not counted
    assert limit.wait_time(8) == 0  # other users have their own budget
    now[0] += 40
    assert limit.wait_time(7) == 0  # the first request left the window
    assert limit.wait_time(7) == pytest.approx(10)
