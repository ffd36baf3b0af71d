"""Inline mode: `@bot <words>` offers rendered articles; an empty query offers the latest."""

from __future__ import annotations

from tests.support.telegram import BotHarness, news_feed


async def test_inline_query_offers_matching_articles(harness: BotHarness) -> None:
    await harness.follow(news_feed())
    outcome = await harness.inline("ballistic missile")
    (answer,) = outcome.of("answerInlineQuery")
    assert answer.ok
    (result,) = answer.params["results"]
    assert result["type"] == "article" and result["id"] == "2"
    assert result["title"] == "North Korea fires ballistic missile into the sea"
    assert result["description"].startswith("North Korea fired a ballistic missile")
    content = result["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert content["message_text"].startswith('<b><a href="https://news.example.com/missile">')
    assert content["message_text"].count("• ") == 3


async def test_empty_inline_query_offers_the_latest(harness: BotHarness) -> None:
    await harness.follow(news_feed())
    outcome = await harness.inline("")
    (answer,) = outcome.of("answerInlineQuery")
    assert [r["id"] for r in answer.params["results"]] == ["3", "2", "1"]


async def test_inline_query_that_cannot_be_searched_says_why(harness: BotHarness) -> None:
    outcome = await harness.inline("-sport")
    (answer,) = outcome.of("answerInlineQuery")
    assert answer.ok and answer.params["results"] == []
    assert answer.params["button"]["text"].startswith("Add at least one word to look for")
