"""Fair, fast and careful delivery against the emulator: round-robin across chats, several chats
in flight within Telegram's limits, one shared pause after a 429, and a digest whose sending
could not be recorded is never sent again."""

from __future__ import annotations

import asyncio
from collections import Counter

from bot.telegram.delivery import CONCURRENT_SENDS, MAX_PER_TOPIC
from bot.telegram.emulator import BotAPIEmulator, inline_buttons
from tests.support.outbox import queue_alerts
from tests.support.telegram import ALICE, BOB, GROUP, BotHarness

QUIET = list(range(2001, 2021))  # twenty chats with one alert each
# Alerts spread over ten topics: none folded ("and N more") in these chats' digests.
TOPICS = ("harbour", "ferry", "fishermen", "dock", "pier", "boats", "tides", "nets", "quay", "gull")
# A restricted member that may not send messages (every right PTB needs named).
RESTRICTED = {
    "until_date": 0,
    "is_member": True,
    **dict.fromkeys(
        [
            "can_send_messages",
            "can_change_info",
            "can_invite_users",
            "can_pin_messages",
            "can_send_polls",
            "can_send_other_messages",
            "can_add_web_page_previews",
            "can_manage_topics",
            "can_send_audios",
            "can_send_documents",
            "can_send_photos",
            "can_send_videos",
            "can_send_video_notes",
            "can_send_voice_notes",
            "can_edit_tag",
            "can_react_to_messages",
        ],
        False,
    ),
}
FAIL_SENT = (
    "CREATE TEMP TRIGGER IF NOT EXISTS disk_full BEFORE UPDATE OF status ON outbox "
    "WHEN NEW.status = 'sent' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
)


def telegram_limits(api: BotAPIEmulator) -> None:
    api.flood_limits(per_chat_per_second=1, per_group_per_minute=20, global_per_second=30)


async def queue(
    harness: BotHarness, plan: list[tuple[int, int]], topics: tuple[str, ...] = TOPICS
) -> None:
    await harness.newsroom.run.db(queue_alerts, harness.newsroom.storage, plan, topics)


def recipients(api: BotAPIEmulator) -> list[int]:
    """The chat of every message Telegram accepted, in the order it accepted them."""
    return [c.params["chat_id"] for c in api.calls_to("sendMessage") if c.ok]


async def test_a_quiet_chat_is_served_in_the_first_round_not_behind_a_noisy_one(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    telegram_limits(api)
    # The noisy chat's 40 alerts and a busy group's 15 are queued before the quiet ones.
    await queue(harness, [(ALICE, 40), (GROUP, 15), *((chat, 1) for chat in QUIET)])
    report, _ = await harness.deliver()
    # ALICE: four alerts on each of ten topics, two topics (8) a digest; GROUP: 10 and 5.
    assert report.sent == 40 + 15 + len(QUIET) and report.messages == 5 + 2 + len(QUIET)
    assert api.flood_violations == []
    order = [int(chat) for chat in recipients(api)]
    first_round = order[: 2 + len(QUIET)]
    assert len(set(first_round)) == len(first_round)  # one digest per chat per round
    assert set(first_round) == {ALICE, GROUP, *QUIET}
    assert Counter(order) == Counter({ALICE: 5, GROUP: 2, **{chat: 1 for chat in QUIET}})
    again, outcome = await harness.deliver()
    assert again.sent == 0 and outcome.messages == []


async def test_a_429_pauses_every_concurrent_send(api: BotAPIEmulator, harness: BotHarness) -> None:
    chats = list(range(3001, 3031))
    await queue(harness, [(chat, 12) for chat in chats])  # two digests each
    api.fail("sendMessage", error_code=429, description="Too Many Requests", retry_after=2)
    report, outcome = await harness.deliver()
    calls = outcome.of("sendMessage")
    (refused,) = [c for c in calls if not c.ok]
    after = [c.time - refused.time for c in calls if c.time > refused.time]
    # Only requests already on their way when the 429 came (one per other sender) are
    # answered before the 2 s Telegram asked for are over; nothing new leaves meanwhile.
    early = [t for t in after if t < 2.0]
    assert len(early) <= CONCURRENT_SENDS - 1, after
    assert len(after) > len(early) and min(t for t in after if t not in early) >= 2.0
    assert report.sent == 12 * len(chats) and report.messages == 2 * len(chats)
    assert Counter(int(chat) for chat in recipients(api)) == {chat: 2 for chat in chats}


async def test_an_accepted_digest_that_cannot_be_recorded_is_not_sent_again(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    await queue(harness, [(ALICE, 3), (3001, 3)])
    storage = harness.newsroom.storage
    await harness.newsroom.run.db(storage.db.execute, FAIL_SENT)
    report, outcome = await harness.deliver()
    assert report.unrecorded > 0 and len(outcome.messages) >= 1
    sent_before = len(recipients(api))
    for _ in range(3):  # the disk is still full: backing off, nothing sent again
        again, nothing = await harness.deliver()
        assert again.sent == 0 and nothing.of("sendMessage") == []
    assert (await harness.newsroom.stats()).alerts_pending == 6
    await harness.newsroom.run.db(storage.db.execute, "DROP TRIGGER disk_full")
    await asyncio.sleep(1.1)  # the first pause before recording is tried again
    report, _ = await harness.deliver()
    stats = await harness.newsroom.stats()
    assert (stats.alerts_sent, stats.alerts_pending) == (6, 0)
    assert Counter(int(chat) for chat in recipients(api)) == {ALICE: 1, 3001: 1}
    assert sent_before + report.messages == 2


async def test_no_right_to_post_pauses_a_group_tells_its_admins_and_resumes(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    await harness.newsroom.run.db(
        harness.newsroom.storage.subscriptions.ensure_chat, GROUP, "group", "Harbour club"
    )
    await queue(harness, [(GROUP, 2), (ALICE, 1)], ("harbour",))
    api.set_admins(GROUP, [ALICE, BOB], creator=ALICE)
    refusal = "Forbidden: not enough rights to send text messages to the chat"
    api.fail("sendMessage", error_code=403, description=refusal, chat_id=GROUP)
    report, outcome = await harness.deliver()
    assert report.chats_paused == 1 and report.chats_gone == 0
    notices = [m for m in outcome.messages if m["chat"]["id"] in (ALICE, BOB)]
    assert sorted(m["chat"]["id"] for m in notices) == [ALICE, ALICE, BOB]  # ALICE: + her alert
    (notice,) = [m for m in notices if m["chat"]["id"] == BOB]
    assert "“Harbour club”" in notice["text"] and "paused" in notice["text"]
    assert [s.topic for s in await harness.newsroom.subscriptions(GROUP)] == ["harbour"]
    again, nothing = await harness.deliver()  # held: no new try, no second notice
    assert again.sent == 0 and nothing.of("sendMessage") == []
    assert (await harness.newsroom.stats()).alerts_pending == 2

    await harness.push(  # an admin gives the bot its rights back
        {
            "my_chat_member": {
                "chat": {"id": GROUP, "type": "group", "title": "Harbour club"},
                "from": {"id": ALICE, "is_bot": False, "first_name": "Alice"},
                "date": 1_700_000_000,
                "old_chat_member": {"status": "restricted", "user": api.bot, **RESTRICTED},
                "new_chat_member": {"status": "member", "user": api.bot},
            }
        }
    )
    report, outcome = await harness.deliver()
    assert report.sent == 2 and [m["chat"]["id"] for m in outcome.messages] == [GROUP]


async def test_a_burst_on_one_topic_is_one_digest_with_and_n_more_and_a_button(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    await queue(harness, [(ALICE, 17)], ("harbour",))
    report, outcome = await harness.deliver()
    (digest,) = outcome.messages
    assert digest["text"].startswith(f"🔔 New on harbour: {MAX_PER_TOPIC} articles")
    assert digest["text"].endswith("…and 12 more on harbour (the button below shows them)")
    assert report.sent == MAX_PER_TOPIC
    stats = await harness.newsroom.stats()
    assert stats.alerts_pending == 0  # the 12 are counted in the digest, not sent again
    again, nothing = await harness.deliver()
    assert again.sent == 0 and nothing.messages == []

    first = await harness.press(digest, "12 more on harbour")
    (page,) = first.messages
    assert page["text"].startswith("More on harbour") and page["text"].count("Harbour story") == 10
    second = await harness.press(page, "2 more on harbour")
    assert second.messages[-1]["text"].count("Harbour story") == 2
    assert inline_buttons(second.messages[-1]) == []
    shown = "\n".join(m["text"] for m in [digest, page, *second.messages])
    assert all(shown.count(f"Harbour story {n}\n") == 1 for n in range(17))
    done = await harness.press(digest, "12 more on harbour")
    assert done.answer["text"] == "Nothing more: you have seen them all."
