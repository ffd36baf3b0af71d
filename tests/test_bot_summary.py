"""/summary by id or link, as a reply to a message with a link, and links pasted in private."""

from __future__ import annotations

from tests.support import feeds as fixtures
from tests.support.telegram import GROUP, BotHarness, news_feed

PAGE_TITLE = "Harbour bridge to close for four weekends"


def serve_page(harness: BotHarness) -> str:
    return harness.feeds.add("/2024/harbour-bridge", fixtures.load("article.html"))


async def test_summary_needs_a_link_or_a_number(harness: BotHarness) -> None:
    bare = await harness.send("/summary")
    assert bare.texts == [
        "Usage: /summary <link or article number>, or reply /summary to a message with a link"
    ]
    junk = await harness.send("/summary tomorrow", user=2002)
    assert junk.texts == [
        "That is neither a link nor an article number: "
        "give one like https://example.com/story or 42."
    ]
    missing = await harness.send("/summary 999", user=2003)
    assert missing.texts == ["There is no article #999."]


async def test_summary_of_a_stored_article_by_number(harness: BotHarness) -> None:
    await harness.follow(news_feed())
    outcome = await harness.send("/summary 2")
    (text,) = outcome.texts
    assert text.startswith("North Korea fires ballistic missile into the sea\nTest Wire")
    assert text.count("• ") == 3 and "#2" in text
    preview = outcome.of("sendMessage")[0].params["link_preview_options"]
    assert preview["is_disabled"] is False  # one article: its preview is worth showing


async def test_summary_of_a_link_fetches_the_page_while_typing(harness: BotHarness) -> None:
    url = serve_page(harness)
    outcome = await harness.send(f"/summary {url}")
    (typing, *_) = outcome.of("sendChatAction")
    assert typing.params["action"] == "typing" and typing.ok
    (text,) = outcome.texts
    assert text.startswith(PAGE_TITLE)
    assert "• The harbour bridge will close for four weekends from April" in text
    assert text.count("• ") == 3
    assert harness.feeds.hits["/2024/harbour-bridge"] == 1


async def test_a_link_pasted_in_private_is_summarized_but_not_in_groups(
    harness: BotHarness,
) -> None:
    url = serve_page(harness)
    pasted = await harness.send(f"have a look at {url} please")
    assert pasted.texts[0].startswith(PAGE_TITLE)
    in_group = await harness.send(f"look: {url}", chat=GROUP, chat_type="group")
    assert in_group.messages == []


async def test_summary_as_a_reply_to_a_message_with_a_link(harness: BotHarness) -> None:
    url = serve_page(harness)
    shared = harness.emulator.push_message(f"wow {url}", chat_id=GROUP, chat_type="group")[
        "message"
    ]
    outcome = await harness.send("/summary", chat=GROUP, chat_type="group", reply_to=shared)
    assert outcome.texts[0].startswith(PAGE_TITLE)
    plain = harness.emulator.push_message("no links", chat_id=GROUP, chat_type="group")["message"]
    refused = await harness.send("/summary", chat=GROUP, chat_type="group", reply_to=plain)
    assert refused.texts == ["That message has no link in it."]


async def test_summary_of_a_feed_link_says_it_is_a_feed(harness: BotHarness) -> None:
    url = harness.serve_feed(news_feed())
    outcome = await harness.send(f"/summary {url}")
    assert outcome.texts == ["That link is a feed, not an article: follow it as a feed."]


async def test_summary_of_a_broken_link_says_what_is_wrong_with_it(harness: BotHarness) -> None:
    answers = {
        "http://": "That link has no site name after http://.",
        "ftp://example.com/x": "Only http:// and https:// links can be fetched, not ftp://.",
        "http://example.com:99999/": "That link's port (the number after the colon) is not valid.",
    }
    for user, (link, answer) in enumerate(answers.items(), start=2002):
        assert (await harness.send(f"/summary {link}", user=user)).texts == [answer]


async def test_summary_of_several_articles_answers_each(harness: BotHarness) -> None:
    await harness.follow(news_feed())
    outcome = await harness.send("/summary 1 #2 999 1")
    assert len(outcome.texts) == 3
    assert outcome.texts[0].startswith("Bitcoin price jumps")
    assert outcome.texts[1].startswith("North Korea fires")
    assert outcome.texts[2] == "999: There is no article #999."
    many = await harness.send("/summary 1 2 3 4 5 6 7", user=2002)
    assert len(many.texts) == 6
    assert many.texts[-1] == "I summarize at most 5 at once; left out: 6 7"


async def test_summary_of_a_page_that_is_gone(harness: BotHarness) -> None:
    outcome = await harness.send(f"/summary {harness.feeds.url('/missing')}")
    (text,) = outcome.texts
    assert text.startswith("I could not read that page:")
