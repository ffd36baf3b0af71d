"""Topic alerts end to end: feed v1, subscribe, feed v2 with a new matching item, ingest,
deliver through the real client to the emulator — exactly once, whatever Telegram answers."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.storage.database import utcnow
from bot.telegram.app import DELIVERY_JOB, POLL_JOB
from bot.telegram.delivery import DELIVERY_SECONDS
from bot.telegram.emulator import BotAPIEmulator, inline_buttons
from tests.support.telegram import (
    ALICE,
    BOB,
    GROUP,
    NEW_STORY,
    SUPERGROUP,
    BotHarness,
    Outcome,
    news_feed,
)

NEW_TITLE = NEW_STORY[1]


async def news_for(harness: BotHarness, chat: int = ALICE, topic: str = "bitcoin") -> None:
    """Feed v1 read, `chat` subscribed to `topic`, then v2 (one new matching item) read."""
    await harness.follow(news_feed())
    await harness.newsroom.subscribe(chat, topic, "private" if chat > 0 else "group")
    harness.serve_feed(news_feed([NEW_STORY]))
    await harness.newsroom.ingest()


def alerts_in(outcome: Outcome, chat: int) -> list[dict[str, object]]:
    return [m for m in outcome.messages if m["chat"]["id"] == chat]  # type: ignore[index]


async def test_a_new_matching_article_is_delivered_exactly_once(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    await harness.follow(news_feed())
    subscribed = await harness.send("/subscribe bitcoin")
    assert subscribed.texts[0].startswith("Subscribed to bitcoin")
    harness.serve_feed(news_feed([NEW_STORY]))
    report = await harness.newsroom.ingest()
    assert report.articles_new == 1

    delivery, outcome = await harness.deliver()
    (alert,) = outcome.messages
    assert alert["chat"]["id"] == ALICE
    assert alert["text"].startswith("🔔 New on bitcoin: 1 article\n\n1. " + NEW_TITLE)
    assert "• Bitcoin mining companies are moving their machines" in alert["text"]
    assert [b["text"] for b in inline_buttons(alert)] == ["Unsubscribe: bitcoin"]
    assert (delivery.sent, delivery.messages) == (1, 1)

    for _ in range(2):  # nothing more: not on the next run, not after another poll
        await harness.newsroom.ingest()
        again, nothing = await harness.deliver()
        assert again.sent == 0 and nothing.messages == []
    assert len(api.sent_messages(ALICE)) == 2  # the /subscribe reply and the one alert
    stats = await harness.newsroom.stats()
    assert (stats.alerts_sent, stats.alerts_pending) == (1, 0)


async def test_unsubscribe_button_under_an_alert(api: BotAPIEmulator, harness: BotHarness) -> None:
    await news_for(harness)
    _, outcome = await harness.deliver()
    (alert,) = outcome.messages
    pressed = await harness.press(alert, "Unsubscribe")
    assert pressed.answer["text"] == "Unsubscribed from bitcoin."
    assert await harness.newsroom.subscriptions(ALICE) == []
    assert inline_buttons(api.sent_messages(ALICE)[0]) == []  # the button went with it


async def test_no_duplicate_after_a_restart_between_queueing_and_sending(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    await news_for(harness)
    assert (await harness.newsroom.stats()).alerts_pending == 1
    await harness.restart()  # stopped before the delivery job ran
    report, outcome = await harness.deliver()
    assert report.sent == 1 and len(outcome.messages) == 1
    await harness.restart()
    report, outcome = await harness.deliver()
    assert report.sent == 0 and outcome.messages == []
    assert len(api.sent_messages(ALICE)) == 1


async def test_a_failed_send_is_retried_once_after_a_restart(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    await news_for(harness)
    api.fail("sendMessage", error_code=502, description="Bad Gateway")
    report, outcome = await harness.deliver()
    assert report.retrying == 1 and outcome.messages == []
    await harness.restart()
    early, _ = await harness.deliver()
    assert early.sent == 0  # backing off: not due yet

    def time_passes() -> None:  # move the retry time into the past instead of waiting
        past = utcnow(-1)
        harness.newsroom.storage.db.execute("UPDATE outbox SET next_attempt_at = ?", [past])

    await harness.newsroom.run.db(time_passes)
    report, outcome = await harness.deliver()
    assert report.sent == 1 and len(outcome.messages) == 1
    again, _ = await harness.deliver()
    assert again.sent == 0
    assert len(api.sent_messages(ALICE)) == 1


async def test_retry_after_is_waited_out_and_the_alert_sent_once(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    await news_for(harness)
    api.fail("sendMessage", error_code=429, description="Too Many Requests", retry_after=1)
    report, outcome = await harness.deliver()
    refused, accepted = outcome.of("sendMessage")
    assert refused.answer["error_code"] == 429 and accepted.ok
    assert accepted.time - refused.time >= 1.0  # the limiter waited as Telegram asked
    assert report.sent == 1
    assert len(api.sent_messages(ALICE)) == 1


async def test_persistent_retry_after_puts_the_alert_back_in_the_outbox(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    await news_for(harness)
    api.fail("sendMessage", times=4, error_code=429, description="Too Many Requests", retry_after=1)
    report, outcome = await harness.deliver()
    assert report.retrying == 1 and outcome.messages == []
    assert len(outcome.of("sendMessage")) == 4  # FloodLimiter tried 1 + 3 times
    await asyncio.sleep(1.1)  # the retry_after Telegram asked for
    report, outcome = await harness.deliver()
    assert report.sent == 1 and len(outcome.messages) == 1


@pytest.mark.parametrize(
    ("code", "description"),
    [
        (403, "Forbidden: bot was blocked by the user"),
        (400, "Bad Request: chat not found"),
    ],
)
async def test_a_chat_that_is_gone_loses_its_subscriptions(
    api: BotAPIEmulator, harness: BotHarness, code: int, description: str
) -> None:
    await news_for(harness)
    await harness.newsroom.subscribe(BOB, "bitcoin")
    api.fail("sendMessage", times=None, error_code=code, description=description, chat_id=ALICE)
    report, _ = await harness.deliver()
    assert report.chats_gone == 1 and report.sent == 0
    assert await harness.newsroom.subscriptions(ALICE) == []
    assert [s.topic for s in await harness.newsroom.subscriptions(BOB)] == ["bitcoin"]
    stats = await harness.newsroom.stats()
    assert (stats.alerts_pending, stats.alerts_failed, stats.chats) == (0, 1, 1)
    again, _ = await harness.deliver()
    assert again.chats_gone == 0 and again.sent == 0


async def test_a_refused_message_fails_for_good(api: BotAPIEmulator, harness: BotHarness) -> None:
    await news_for(harness)
    api.fail("sendMessage", error_code=400, description="Bad Request: can't parse entities")
    report, _ = await harness.deliver()
    assert report.failed == 1
    again, outcome = await harness.deliver()
    assert again.failed == 0 and outcome.of("sendMessage") == []
    assert [s.topic for s in await harness.newsroom.subscriptions(ALICE)] == ["bitcoin"]


async def test_a_group_upgraded_during_delivery_gets_the_alert_as_a_supergroup(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    await news_for(harness, GROUP, "bitcoin")
    api.fail(
        "sendMessage",
        error_code=400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=SUPERGROUP,
        chat_id=GROUP,
    )
    report, outcome = await harness.deliver()
    assert report.sent == 1
    (alert,) = outcome.messages
    assert alert["chat"]["id"] == SUPERGROUP
    assert [s.topic for s in await harness.newsroom.subscriptions(SUPERGROUP)] == ["bitcoin"]
    assert await harness.newsroom.subscriptions(GROUP) == []


async def test_migration_updates_keep_subscriptions_under_the_new_id(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    await harness.newsroom.subscribe(GROUP, "bitcoin", "group", "Crypto club")
    await harness.migrate(GROUP, SUPERGROUP)
    assert await harness.newsroom.subscriptions(GROUP) == []
    listing = await harness.send("/subscriptions", chat=SUPERGROUP, chat_type="supergroup")
    assert "1. bitcoin" in listing.text
    await harness.follow(news_feed())
    harness.serve_feed(news_feed([NEW_STORY]))
    await harness.newsroom.ingest()
    _, outcome = await harness.deliver()
    assert [m["chat"]["id"] for m in outcome.messages] == [SUPERGROUP]
    assert not outcome.errors


async def test_flood_limits_are_respected_for_busy_groups_and_many_chats(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    api.flood_limits(per_chat_per_second=1, per_group_per_minute=20, global_per_second=30)
    chats = [GROUP, SUPERGROUP, ALICE, BOB, 3001, 3002]
    await harness.follow(news_feed())
    # Five committees of five meetings: each digest holds whole committees (no "and N more").
    committees = ["harbour", "library", "museum", "tram", "stadium"]
    for chat in chats:
        for committee in committees:
            await harness.newsroom.subscribe(chat, committee, "group" if chat < 0 else "private")
    minutes = [
        "The council met again to argue over how much the town should spend next year.",
        "Members could not agree on roads, schools or the new swimming pool by the river.",
        "A final vote on the budget is expected at the next meeting in a month's time.",
    ]
    meetings = [
        (f"c{n}", f"Council meeting {n} argues over the {committees[n % 5]} budget", minutes)
        for n in range(1, 26)
    ]
    harness.serve_feed(news_feed(meetings))
    await harness.newsroom.ingest()
    report, outcome = await harness.deliver()
    assert report.sent == 25 * len(chats)
    assert api.flood_violations == []
    for chat in chats:
        received = "\n".join(m["text"] for m in alerts_in(outcome, chat))
        for n in range(1, 26):
            assert received.count(f"Council meeting {n} argues") == 1, (chat, n)
        assert len(alerts_in(outcome, chat)) >= 3  # 25 articles do not fit one message
    latest = await harness.send("/latest 20")  # a long reply in several messages
    assert len(latest.messages) >= 2 and api.flood_violations == []


async def test_the_scheduled_jobs_poll_and_deliver(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    jobs = harness.application.job_queue
    assert jobs is not None
    (poll,) = jobs.get_jobs_by_name(POLL_JOB)
    (deliver,) = jobs.get_jobs_by_name(DELIVERY_JOB)
    assert poll.job.trigger.interval == timedelta(seconds=30)  # type: ignore[attr-defined]
    assert deliver.job.trigger.interval == timedelta(seconds=DELIVERY_SECONDS)  # type: ignore[attr-defined]
    await harness.follow(news_feed())
    await harness.newsroom.subscribe(ALICE, "bitcoin")
    harness.serve_feed(news_feed([NEW_STORY]))
    feed = (await harness.newsroom.feeds())[0]
    await harness.newsroom.run.db(
        harness.newsroom.storage.db.execute, "UPDATE feeds SET next_poll_at = NULL"
    )
    await poll.run(harness.application)
    assert (await harness.newsroom.feeds())[0].articles == feed.articles + 1
    await deliver.run(harness.application)
    (alert,) = api.sent_messages(ALICE)
    assert NEW_TITLE in alert["text"]


async def test_blocking_the_bot_stops_the_chats_alerts(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    await harness.newsroom.subscribe(ALICE, "bitcoin")
    user = {"id": ALICE, "is_bot": False, "first_name": "Alice"}
    await harness.push(
        {
            "my_chat_member": {
                "chat": {"id": ALICE, "type": "private", "first_name": "Alice"},
                "from": user,
                "date": 1_700_000_000,
                "old_chat_member": {"status": "member", "user": api.bot},
                "new_chat_member": {"status": "kicked", "user": api.bot, "until_date": 0},
            }
        }
    )
    assert await harness.newsroom.subscriptions(ALICE) == []
    assert (await harness.newsroom.stats()).chats == 0
