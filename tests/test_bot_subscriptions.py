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
    assert text.startswith("Subscribed to Bitcoin: I'll post new articles on it here.")
    assert "Latest on Bitcoin" in text and "Bitcoin price jumps" in text
    assert "North Korea" not in text
    again = await harness.send("/subscribe bitcoins")
    assert again.texts[0].startswith("This chat is already subscribed to Bitcoin.")
    subs = await harness.newsroom.subscriptions(ALICE)
    assert [s.topic for s in subs] == ["Bitcoin"]


async def test_topics_are_kept_and_shown_as_typed(harness: BotHarness) -> None:
    for topic in ("AT&T", '"premier league" mourinho', "c++", "#MeToo"):
        assert (
            (await harness.send(f"/subscribe {topic}"))
            .texts[0]
            .startswith(f"Subscribed to {topic}: I'll post new articles on it here.")
        )
    again = await harness.send('/subscribe Mourinho "Premier League"')
    assert again.texts[0].startswith(
        'This chat is already subscribed to "premier league" mourinho.'
    )
    listing = await harness.send("/subscriptions")
    assert listing.text.splitlines()[1:5] == [
        "1. AT&T",
        '2. "premier league" mourinho',
        "3. c++",
        "4. #MeToo",
    ]
    removed = await harness.send('/unsubscribe mourinho "premier league"')
    assert removed.texts == ['Unsubscribed from "premier league" mourinho.']


async def test_a_topic_of_only_common_words_is_refused(harness: BotHarness) -> None:
    outcome = await harness.send("/subscribe the")
    assert outcome.texts == [
        "“the” is in nearly every article: add a word that says what it is about, e.g. the economy."
    ]
    assert await harness.newsroom.subscriptions(ALICE) == []
    assert (
        (await harness.send("/subscribe the economy"))
        .texts[0]
        .startswith("Subscribed to the economy")
    )


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
        "Usage: /unsubscribe <topic, numbers or all> (numbers as in /subscriptions)"
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
    assert (await harness.send("/unsubscribe all", user=BOB)).texts == [
        "This chat has no subscriptions."
    ]


async def test_unsubscribe_several_numbers_at_once(harness: BotHarness) -> None:
    for topic in ("bitcoin", "harbour", "volcano", "election"):
        await harness.newsroom.subscribe(BOB, topic)
    wrong = await harness.send("/unsubscribe 1 7", user=BOB)
    assert wrong.texts == ["There is no subscription number 7; see /subscriptions."]
    assert len(await harness.newsroom.subscriptions(BOB)) == 4  # nothing removed
    both = await harness.send("/unsubscribe 1, 3 1", user=BOB)
    assert both.texts == ["Unsubscribed from bitcoin, volcano."]
    assert [s.topic for s in await harness.newsroom.subscriptions(BOB)] == [
        "harbour",
        "election",
    ]


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
