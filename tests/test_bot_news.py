"""/latest, /search with its "More" button, and /sources, through the real client and emulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.telegram.emulator import BotAPIEmulator, inline_buttons
from tests.support.telegram import (
    ADMIN,
    BOT_USERNAME,
    GROUP,
    BotHarness,
    news_feed,
)

COUNCIL = [
    (
        f"council-{n}",
        f"Council meeting {n} argues over the budget",
        [
            f"The council met for the {n}th time this year to argue over the budget.",
            "Members could not agree on how much to spend on roads and schools.",
            "A final vote is expected next month.",
        ],
    )
    for n in range(1, 8)
]


async def test_latest_on_an_empty_database_says_how_to_get_news(harness: BotHarness) -> None:
    outcome = await harness.send("/latest")
    assert outcome.texts == ["I follow no feeds yet; an admin can add one with /addfeed <url>."]
    await harness.newsroom.add_feed_unchecked(harness.feeds.url("/gone.xml"))  # answers 404
    unread = await harness.send("/latest", user=2002)
    assert unread.texts == [
        "No articles yet: my feeds have not been read yet. Try again in a minute."
    ]
    await harness.newsroom.ingest()
    failing = await harness.send("/latest", user=2003)
    assert failing.texts == [
        "No articles yet: none of my 1 feeds could be read so far; see /sources."
    ]


async def test_latest_is_a_compact_list_with_a_key_points_button_each(
    harness: BotHarness,
) -> None:
    await harness.follow(news_feed())
    outcome = await harness.send("/latest")
    (message,) = outcome.messages
    text = message["text"]
    assert text.startswith("Latest news\nTap a number for that article's key points.")
    assert text.index("Harbour bridge") < text.index("North Korea") < text.index("Bitcoin")
    # headline, source and date, then one line: the first key point, not the bullets
    bitcoin = "3. Bitcoin price jumps after regulators approve first spot ETF"
    assert f"{bitcoin}\nTest Wire · 6 Feb 2024 · #1\nThe price of bitcoin rose" in text
    assert "• " not in text
    assert "The harbour bridge will close for four weekends from April" in text
    links = [e["url"] for e in message["entities"] if e["type"] == "text_link"]
    assert "https://news.example.com/bridge" in links
    sent = outcome.of("sendMessage")[0].params
    assert sent["parse_mode"] == "HTML"
    assert sent["link_preview_options"] == {"is_disabled": True}
    assert [b["text"] for b in inline_buttons(message)] == ["1", "2", "3"]

    points = await harness.press(message, "2")
    assert points.answer["callback_query_id"] and not points.errors
    (full,) = points.texts
    assert full.startswith("North Korea fires ballistic missile into the sea\nTest Wire")
    assert full.count("• ") == 3
    assert inline_buttons(
        harness.emulator.chats.message(message["chat"]["id"], message["message_id"])
    ) == inline_buttons(message)  # the list keeps its buttons: press another one later


async def test_a_key_points_button_for_a_deleted_article_explains(harness: BotHarness) -> None:
    await harness.follow(news_feed())
    (message,) = (await harness.send("/latest 1")).messages
    gone = await harness.press_data(message, "points:999")
    assert gone.answer["text"] == "That article is no longer stored."
    assert gone.messages == []


async def test_latest_twenty_fits_with_each_message_carrying_its_own_buttons(
    harness: BotHarness,
) -> None:
    many = [
        (
            f"story-{n}",
            f"Story number {n} with a rather long headline about the city council budget",
            [
                f"Story {n} begins with a long first sentence about the city council budget "
                "and the roads, schools and parks it pays for, which goes on for a while.",
                "A second sentence follows here.",
                "A third sentence ends the story.",
            ],
        )
        for n in range(1, 25)
    ]
    await harness.follow(news_feed(many))
    outcome = await harness.send("/latest 25")
    assert outcome.texts[0].startswith(
        "Latest news\nThe 20 newest: I list at most 20 at once. Tap a number"
    )
    numbers = [b["text"] for m in outcome.messages for b in inline_buttons(m)]
    assert numbers == [str(n) for n in range(1, 21)]
    assert len(outcome.messages) <= 2
    for message in outcome.messages:  # each message's buttons are the numbers it lists
        for button in inline_buttons(message):
            assert f"\n{button['text']}. " in "\n" + message["text"]


async def test_latest_takes_a_count_and_a_topic(harness: BotHarness) -> None:
    await harness.follow(news_feed())
    two = await harness.send("/latest 2")
    assert "2. " in two.text and "3. " not in two.text
    topic = await harness.send("/latest 10 bitcoin", user=2002)
    assert topic.text.startswith("Latest on bitcoin")
    assert "Bitcoin price jumps" in topic.text and "Harbour" not in topic.text
    word_topic = await harness.send('/latest "north korea"', user=2003)
    assert "North Korea fires" in word_topic.text and "Bitcoin" not in word_topic.text
    nothing = await harness.send("/latest volcano", user=2004)
    assert nothing.texts == ["Nothing on volcano yet."]
    zero = await harness.send("/latest 0", user=2005)
    assert zero.texts == ["Usage: /latest [N] [topic], with N from 1 to 20"]


async def test_latest_in_a_group_addressed_to_the_bot(harness: BotHarness) -> None:
    await harness.follow(news_feed())
    outcome = await harness.send(f"/latest@{BOT_USERNAME} 1", chat=GROUP, chat_type="group")
    assert outcome.text.startswith("Latest news") and "Harbour bridge" in outcome.text


async def test_search_needs_words(harness: BotHarness) -> None:
    outcome = await harness.send("/search")
    assert outcome.texts == ['Usage: /search <words>, e.g. /search "north korea" -sport']
    only_excluded = await harness.send("/search -sport", user=2002)
    assert only_excluded.texts == ["Add at least one word to look for, not only -excluded words."]


async def test_search_phrases_and_exclusions(harness: BotHarness) -> None:
    await harness.follow(news_feed())
    phrase = await harness.send('/search "ballistic missile"')
    assert phrase.text.startswith('Results 1–1 for "ballistic missile"')
    assert "North Korea fires" in phrase.text
    assert inline_buttons(phrase.messages[-1]) == []  # one page only: no More button
    excluded = await harness.send('/search "north korea" -japan', user=2002)
    assert excluded.texts == ['Nothing found for "north korea" -japan.']


async def test_more_button_pages_through_results(api: BotAPIEmulator, harness: BotHarness) -> None:
    await harness.follow(news_feed(COUNCIL))
    query = "council " + "budget " * 12  # a long query still fits in the button's 64 bytes
    first = await harness.send(f"/search {query}")
    assert first.text.startswith("Results 1–5 for council budget")
    (more,) = inline_buttons(first.messages[-1])
    assert more["text"] == "More" and more["callback_data"].startswith("more:search:5:")
    assert len(more["callback_data"].encode()) <= 64

    second = await harness.press(first.messages[-1], "More")
    assert second.answer["callback_query_id"]
    assert second.text.startswith("Results 6–7 for council budget")
    assert "6. " in second.text and "7. " in second.text and "1. " not in second.text
    assert inline_buttons(second.messages[-1]) == []  # the last page
    pressed = api.sent_messages(first.messages[-1]["chat"]["id"])[0]
    assert inline_buttons(pressed) == []  # the used button is gone
    assert not second.errors


async def test_an_expired_more_button_explains_itself(harness: BotHarness) -> None:
    await harness.follow(news_feed(COUNCIL))
    first = await harness.send("/search council")
    stale = await harness.press_data(first.messages[-1], "more:search:5:0123456789ab")
    assert stale.answer["text"] == "That search is too old: run /search again."
    assert stale.answer["show_alert"] is True
    assert stale.messages == []


async def test_sources_and_stats_say_how_long_a_feed_has_been_failing(
    harness: BotHarness,
) -> None:
    url = harness.feeds.url("/gone.xml")  # answers 404
    await harness.newsroom.add_feed_unchecked(url)
    for _ in range(3):
        await harness.newsroom.ingest()
    three_days_ago = (datetime.now(UTC) - timedelta(days=3, hours=1)).isoformat(timespec="seconds")
    await harness.newsroom.run.db(
        harness.newsroom.storage.db.execute, "UPDATE feeds SET added_at = ?", [three_days_ago]
    )
    sources = (await harness.send("/sources")).text
    assert "⚠️ failing for 3 days (3 tries), next try in 4 min" in sources  # 60 s, doubled twice
    assert "the page was not found (HTTP 404)" in sources
    stats = (await harness.send("/stats", user=ADMIN)).text
    assert "Feeds: 0 healthy, 1 failing" in stats
    assert "⚠️ failing for 3 days (3 tries)" in stats


async def test_sources_show_each_feed_and_its_health(harness: BotHarness) -> None:
    empty = await harness.send("/sources")
    assert empty.texts == ["I follow no feeds yet; an admin can add one with /addfeed <url>."]
    good = await harness.follow(news_feed())
    broken = harness.feeds.url("/gone.xml")  # answers 404
    await harness.newsroom.add_feed_unchecked(broken)
    await harness.newsroom.ingest()
    outcome = await harness.send("/sources", user=2002)
    text = outcome.text
    assert text.startswith("Sources (2)")
    assert "#1 Test Wire · 3 articles · ✅ ok" in text and good in text
    assert "#2 " in text and "⚠️ failing for 1 min (1 try), next try in 1 min" in text
    assert text.count(broken) == 1  # an untitled feed is named by its URL, once
    assert text.count(good) == 1
