"""/digest: settings with friendly errors, due once a day at local time, one message within
Telegram's limits, never twice (also across a restart), retried when Telegram fails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.storage.digests import DigestSetting
from bot.telegram.app import DIGEST_JOB
from bot.telegram.emulator import BotAPIEmulator
from bot.telegram.render import MAX_MESSAGE, utf16_len
from tests.support.newsroom import rss_feed
from tests.support.stories import ELECTION, QUAKE_BBC, QUAKE_GUARDIAN
from tests.support.telegram import ALICE, BotHarness
from tests.test_bot_stories import _item


async def test_digest_settings_and_friendly_errors(harness: BotHarness) -> None:
    assert (await harness.send("/digest")).texts[0].startswith("Usage: /digest 07:30")
    set_ = await harness.send("/digest 07:30 Europe/Berlin")
    assert set_.texts == [
        "Daily digest at 07:30 (Europe/Berlin): the day's top stories. Stop it: /digest off"
    ]
    again = await harness.send("/digest 6.05")  # the zone is remembered
    assert again.texts[0].startswith("Daily digest at 06:05 (Europe/Berlin)")
    shown = await harness.send("/digest")
    assert shown.texts == ["Your daily digest comes at 06:05 (Europe/Berlin). Stop it: /digest off"]
    bad_time = await harness.send("/digest 25:00")
    assert bad_time.texts == ["25:00 is not a time of day: give hours and minutes, e.g. 07:30."]
    bad_zone = await harness.send("/digest 07:30 Mars/Olympus")
    assert bad_zone.texts == [
        "I don't know the time zone Mars/Olympus: use a name like Europe/Berlin or UTC."
    ]
    assert (await harness.send("/digest off")).texts == ["Daily digest stopped."]
    assert (await harness.send("/digest off")).texts == ["No daily digest was on."]


def test_a_digest_is_due_once_its_local_time_has_come() -> None:
    setting = DigestSetting(1, "07:30", "Europe/Berlin", True, "2026-03-01T00:00:00+00:00")
    berlin = ZoneInfo("Europe/Berlin")
    assert setting.due_day(datetime(2026, 3, 2, 7, 29, tzinfo=berlin)) is None
    assert setting.due_day(datetime(2026, 3, 2, 7, 30, tzinfo=berlin)) == "2026-03-02"
    # 06:45 UTC is 07:45 in Berlin (winter time).
    assert setting.due_day(datetime(2026, 3, 2, 6, 45, tzinfo=UTC)) == "2026-03-02"
    late = DigestSetting(1, "07:30", "Europe/Berlin", True, "2026-03-02T08:00:00+01:00")
    assert late.due_day(datetime(2026, 3, 2, 9, 0, tzinfo=berlin)) is None  # set after 07:30
    assert late.due_day(datetime(2026, 3, 3, 7, 31, tzinfo=berlin)) == "2026-03-03"


async def _due_now(harness: BotHarness, chat: int = ALICE) -> None:
    """A digest for `chat` whose time today has just passed (set yesterday)."""
    now = datetime.now(UTC) - timedelta(minutes=1)
    await harness.newsroom.set_digest(chat, now.strftime("%H:%M"), "UTC")
    yesterday = (now - timedelta(days=1)).isoformat(timespec="seconds")
    await harness.newsroom.run.db(
        harness.newsroom.storage.db.execute, "UPDATE digests SET since = ?", [yesterday]
    )


async def _news(harness: BotHarness) -> None:
    items = [
        _item("bbc.example", "chile", QUAKE_BBC, 5),
        _item("bbc.example", "portugal", ELECTION, 1),
    ]
    await harness.follow(rss_feed(items, title="BBC World"), "/bbc.xml")
    guardian = [_item("guardian.example", "chile", QUAKE_GUARDIAN, 3)]
    await harness.follow(rss_feed(guardian, title="The Guardian"), "/guardian.xml")


async def _run_job(harness: BotHarness) -> None:
    jobs = harness.application.job_queue
    assert jobs is not None
    (job,) = jobs.get_jobs_by_name(DIGEST_JOB)
    await job.run(harness.application)


async def test_the_digest_is_sent_once_a_day_even_across_a_restart(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    await _news(harness)
    await _due_now(harness)
    await _run_job(harness)
    (digest,) = api.sent_messages(ALICE)
    text = digest["text"]
    assert text.startswith("☀️ Your daily digest")
    assert text.index("Chile") < text.index("Portugal")  # two outlets before one
    assert "also: The Guardian" in text
    await _run_job(harness)
    await harness.restart()
    await _run_job(harness)
    assert len(api.sent_messages(ALICE)) == 1


async def test_the_digest_keeps_to_the_chats_topics(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    await _news(harness)
    await harness.newsroom.subscribe(ALICE, "portugal")
    await _due_now(harness)
    await _run_job(harness)
    (digest,) = api.sent_messages(ALICE)
    assert "on your topics" in digest["text"]
    assert "Portugal" in digest["text"] and "Valparaiso" not in digest["text"]


async def test_a_failed_digest_is_retried_and_not_lost(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    await _news(harness)
    await _due_now(harness)
    api.fail("sendMessage", error_code=500, description="Internal Server Error")
    await _run_job(harness)
    assert api.sent_messages(ALICE) == []
    await _run_job(harness)
    assert len(api.sent_messages(ALICE)) == 1


def test_a_long_digest_is_one_message_with_the_rest_counted() -> None:
    from bot.models import Article, Story
    from bot.telegram.render import render_daily_digest

    stories = [
        Story(n, [Article(id=n, title="Long title " * 20, url=None, text="x", points=["p" * 300])])
        for n in range(1, 40)
    ]
    text = render_daily_digest("2026-03-02", stories, on_topics=False)
    assert utf16_len(text) <= MAX_MESSAGE
    assert "more: /top" in text
