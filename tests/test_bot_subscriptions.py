"""/subscribe, /unsubscribe, /subscriptions and the remove buttons, in private chats and groups."""

from __future__ import annotations

from bot.telegram.emulator import BotAPIEmulator, inline_buttons
from tests.support.telegram import (
    ALICE,
    BOB,
    BOT_USERNAME,
    GROUP,
    SUPERGROUP,
    BotHarness,
    news_feed,
)


async def test_subscribe_confirms_and_shows_the_latest_matches(harness: BotHarness) -> None:
    await harness.follow(news_feed())
    outcome = await harness.send("/subscribe Bitcoin")
    (text,) = outcome.texts
    assert text.startswith("Subscribed to bitcoin: I'll post new articles on it here.")
    assert "Latest on bitcoin" in text and "Bitcoin price jumps" in text
    assert "North Korea" not in text
    again = await harness.send("/subscribe bitcoin")
    assert again.texts[0].startswith("This chat is already subscribed to bitcoin.")
    subs = await harness.newsroom.subscriptions(ALICE)
    assert [s.topic for s in subs] == ["bitcoin"]


async def test_subscribe_without_a_topic_or_with_a_bad_one(harness: BotHarness) -> None:
    bare = await harness.send("/subscribe")
    assert bare.texts == [
        'Usage: /subscribe <topic>, e.g. /subscribe bitcoin or /subscribe "north korea"'
    ]
    clash = await harness.send("/subscribe bitcoin -bitcoin", user=BOB)
    assert clash.texts == ["“bitcoin” is both wanted and excluded, so nothing could match."]


async def test_the_per_chat_cap_comes_from_the_newsroom(harness: BotHarness) -> None:
    for topic in ("one", "two", "three", "four", "five"):
        await harness.newsroom.subscribe(ALICE, topic)
    outcome = await harness.send("/subscribe six")
    assert outcome.texts == [
        "This chat already has 5 subscriptions, the most allowed. "
        "Remove one with /unsubscribe first."
    ]


async def test_subscriptions_list_and_remove_button(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    empty = await harness.send("/subscriptions", user=BOB)
    assert empty.texts == ["No subscriptions here yet. Try /subscribe bitcoin."]
    for topic in ("bitcoin", '"north korea" -sport', "harbour"):
        await harness.newsroom.subscribe(ALICE, topic)
    listing = await harness.send("/subscriptions")
    (message,) = listing.messages
    assert message["text"].splitlines()[:4] == [
        "Subscriptions (3)",
        "1. bitcoin",
        '2. "north korea" -sport',
        "3. harbour",
    ]
    assert [b["text"] for b in inline_buttons(message)] == [
        "✖ 1. bitcoin",
        '✖ 2. "north korea" -sport',
        "✖ 3. harbour",
    ]
    pressed = await harness.press(message, "✖ 2.")
    assert pressed.answer["text"] == 'Unsubscribed from "north korea" -sport.'
    (edited,) = api.sent_messages(ALICE)
    assert edited["text"].splitlines()[:3] == ["Subscriptions (2)", "1. bitcoin", "2. harbour"]
    assert [b["text"] for b in inline_buttons(edited)] == ["✖ 1. bitcoin", "✖ 2. harbour"]
    stale_data = inline_buttons(message)[1]["callback_data"]  # the button just pressed
    again = await harness.press_data(edited, stale_data)
    assert again.answer["text"] == "That subscription was already removed."


async def test_unsubscribe_by_number_topic_or_all(harness: BotHarness) -> None:
    bare = await harness.send("/unsubscribe")
    assert bare.texts == [
        "Usage: /unsubscribe <topic, number or all> (numbers as in /subscriptions)"
    ]
    for topic in ("bitcoin", "harbour", "volcano", "election"):
        await harness.newsroom.subscribe(BOB, topic)
    assert (await harness.send("/unsubscribe 2", user=BOB)).texts == ["Unsubscribed from harbour."]
    assert (await harness.send("/unsubscribe Bitcoin", user=BOB)).texts == [
        "Unsubscribed from bitcoin."
    ]
    assert (await harness.send("/unsubscribe 9", user=BOB)).texts == [
        "There is no subscription number 9; see /subscriptions."
    ]
    assert (await harness.send("/unsubscribe all", user=BOB)).texts == [
        "Unsubscribed from volcano, election."
    ]
    assert await harness.newsroom.subscriptions(BOB) == []


async def test_in_groups_only_admins_change_subscriptions(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    api.set_admins(GROUP, [ALICE])
    refused = await harness.send(
        f"/subscribe@{BOT_USERNAME} bitcoin", user=BOB, chat=GROUP, chat_type="group"
    )
    assert refused.texts == ["Only this group's admins can change its subscriptions."]
    assert refused.of("getChatMember")[0].result["status"] == "member"
    allowed = await harness.send(
        f"/subscribe@{BOT_USERNAME} bitcoin", user=ALICE, chat=GROUP, chat_type="group"
    )
    assert allowed.texts[0].startswith("Subscribed to bitcoin")
    listing = await harness.send("/subscriptions", user=BOB, chat=GROUP, chat_type="group")
    assert "1. bitcoin" in listing.text  # anyone may look
    pressed = await harness.press(listing.messages[0], "✖ 1.", user=BOB)
    assert pressed.answer == {
        "callback_query_id": pressed.answer["callback_query_id"],
        "text": "Only this group's admins can change its subscriptions.",
        "show_alert": True,
    }
    assert [s.topic for s in await harness.newsroom.subscriptions(GROUP)] == ["bitcoin"]
    removed = await harness.send("/unsubscribe 1", user=ALICE, chat=GROUP, chat_type="group")
    assert removed.texts == ["Unsubscribed from bitcoin."]


async def test_supergroup_admins_subscribe_too(api: BotAPIEmulator, harness: BotHarness) -> None:
    api.set_admins(SUPERGROUP, [], creator=BOB)
    outcome = await harness.send(
        f"/subscribe@{BOT_USERNAME} harbour", user=BOB, chat=SUPERGROUP, chat_type="supergroup"
    )
    assert outcome.texts[0].startswith("Subscribed to harbour")
