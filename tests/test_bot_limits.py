"""Per-user rate limits on the expensive requests, and the limiter behind them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.telegram.access import UserRateLimit
from tests.support.telegram import (
    ALICE,
    BOB,
    BotHarness,
    bot_settings,
    news_feed,
)


@pytest.fixture
def bot_config(tmp_path: Path) -> Settings:
    return bot_settings(tmp_path, user_rate_per_minute=2)


async def test_search_summary_and_inline_share_a_per_user_budget(harness: BotHarness) -> None:
    await harness.follow(news_feed())
    assert (await harness.send("/search bitcoin")).text.startswith("Results 1–1 for bitcoin")
    assert (await harness.send("/summary 1")).text.startswith("Bitcoin price jumps")
    slow_down = await harness.send("/search bitcoin")
    (text,) = slow_down.texts
    assert text.startswith("You're going fast — try again in ") and text.endswith(" s.")
    assert 1 <= int(text.split()[-2]) <= 60
    inline = await harness.inline("bitcoin")
    (answer,) = inline.of("answerInlineQuery")
    assert answer.params["results"] == []
    assert answer.params["button"]["text"].startswith("You're going fast")
    other_user = await harness.send("/search bitcoin", user=BOB)
    assert other_user.text.startswith("Results 1–1 for bitcoin")
    cheap = await harness.send("/latest 1", user=ALICE, chat=3001)
    assert cheap.text.startswith("Latest news")  # /latest is not rate limited


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
