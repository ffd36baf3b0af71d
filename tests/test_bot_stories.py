"""Stories through the real client and the emulator: /latest and /search one entry per story
with "also:" links, /top by outlets, one alert per story per chat, inline stories, and
`newsbot latest --json`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from bot.telegram.emulator import BotAPIEmulator
from tests.support.newsroom import rss_feed, rss_item
from tests.support.stories import ELECTION, QUAKE_BBC, QUAKE_GUARDIAN, QUAKE_JAPAN, QUAKE_NPR
from tests.support.telegram import ALICE, BotHarness

OUTLETS = {  # feed path -> (feed title, site)
    "/bbc.xml": ("BBC World", "bbc.example"),
    "/guardian.xml": ("The Guardian", "guardian.example"),
    "/npr.xml": ("NPR World", "npr.example"),
}


def _when(hours_ago: float) -> str:
    return format_datetime(datetime.now(UTC) - timedelta(hours=hours_ago))


def _item(site: str, slug: str, article: tuple[str, str], hours_ago: float) -> str:
    title, text = article
    paragraphs = [p for p in text.split(". ") if p]
    return rss_item(
        title,
        [p if p.endswith(".") else p + "." for p in paragraphs],
        link=f"https://{site}/{slug}",
        guid=f"{site}/{slug}",
        date=_when(hours_ago),
    )


async def _follow(harness: BotHarness, path: str, items: list[str]) -> None:
    title, _ = OUTLETS[path]
    await harness.follow(rss_feed(items, title=title), path)


async def _three_outlets(harness: BotHarness) -> None:
    """The Chile quake from three outlets; BBC also has the Japan quake and an election."""
    await _follow(
        harness,
        "/bbc.xml",
        [
            _item("bbc.example", "chile", QUAKE_BBC, 5),
            _item("bbc.example", "japan", QUAKE_JAPAN, 4),
            _item("bbc.example", "portugal", ELECTION, 1),
        ],
    )
    await _follow(harness, "/guardian.xml", [_item("guardian.example", "chile", QUAKE_GUARDIAN, 3)])
    await _follow(harness, "/npr.xml", [_item("npr.example", "chile", QUAKE_NPR, 2)])


async def test_latest_lists_each_story_once_with_its_other_outlets(harness: BotHarness) -> None:
    await _three_outlets(harness)
    outcome = await harness.send("/latest")
    (message,) = outcome.messages
    text = message["text"]
    assert text.count("Valparaiso") >= 1
    assert "1. Portugal" in text  # newest story first
    assert "2. " in text and "3. " in text and "4. " not in text  # 5 articles, 3 stories
    assert text.index("Portugal") < text.index("Chile") < text.index("Japan")
    assert "also: " in text
    links = [e["url"] for e in message["entities"] if e["type"] == "text_link"]
    chile = [link for link in links if link.endswith("/chile")]
    assert len(chile) == 3  # the best article's title and the two "also" outlets


async def test_top_ranks_by_outlets_then_freshness(harness: BotHarness) -> None:
    await _three_outlets(harness)
    outcome = await harness.send("/top 2")
    text = outcome.text
    assert text.startswith("Top stories, last 24 h")
    assert text.index("1. ") < text.index("Chile") < text.index("2. ") < text.index("Portugal")
    on_topic = await harness.send("/top japan", user=2002)
    assert "Japan" in on_topic.text and "Valparaiso" not in on_topic.text
    none = await harness.send("/top volcano", user=2003)
    assert none.texts == ["No story on volcano in the last 24 hours."]


async def test_top_leaves_out_stories_older_than_a_day(harness: BotHarness) -> None:
    await _follow(harness, "/bbc.xml", [_item("bbc.example", "old", ELECTION, 30)])
    outcome = await harness.send("/top")
    assert outcome.texts == ["No news in the last 24 hours."]
    assert "Portugal" in (await harness.send("/latest", user=2002)).text


async def test_search_returns_one_result_per_story(harness: BotHarness) -> None:
    await _three_outlets(harness)
    outcome = await harness.send("/search earthquake")
    text = outcome.text
    assert text.startswith("Results 1–2 for earthquake")
    assert text.count("Chile") >= 1 and "Japan" in text and "3. " not in text


async def test_inline_mode_offers_stories(harness: BotHarness) -> None:
    await _three_outlets(harness)
    outcome = await harness.inline("valparaiso")
    (answer,) = outcome.of("answerInlineQuery")
    results = answer.params["results"]
    assert len(results) == 1
    assert results[0]["title"].endswith("(3 outlets)")
    assert "also: " in results[0]["input_message_content"]["message_text"]


async def test_a_story_alerts_a_chat_once(api: BotAPIEmulator, harness: BotHarness) -> None:
    await _follow(harness, "/bbc.xml", [_item("bbc.example", "portugal", ELECTION, 9)])
    for outlet in ("/guardian.xml", "/npr.xml"):  # followed before: a first poll is not news
        await _follow(harness, outlet, [])
    subscribed = await harness.send("/subscribe earthquake")
    assert subscribed.texts[0].startswith("Subscribed to earthquake")
    await _follow(harness, "/guardian.xml", [_item("guardian.example", "chile", QUAKE_GUARDIAN, 3)])
    _, first = await harness.deliver()
    (alert,) = first.messages
    assert "Chile earthquake" in alert["text"]
    # Two more outlets report the same quake, and one reports another quake.
    await _follow(harness, "/npr.xml", [_item("npr.example", "chile", QUAKE_NPR, 2)])
    await _follow(
        harness,
        "/bbc.xml",
        [
            _item("bbc.example", "portugal", ELECTION, 9),
            _item("bbc.example", "chile", QUAKE_BBC, 1),
            _item("bbc.example", "japan", QUAKE_JAPAN, 1),
        ],
    )
    _, second = await harness.deliver()
    texts = [m["text"] for m in second.messages]
    assert len(texts) == 1 and "Japan" in texts[0] and "Valparaiso" not in texts[0]
    assert all(m["chat"]["id"] == ALICE for m in second.messages)
