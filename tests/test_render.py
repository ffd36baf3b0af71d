"""Tests for bot.telegram.render: Telegram HTML that is always well-formed and short enough."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models import Article
from bot.telegram.render import (
    MAX_MESSAGE,
    escape,
    render_article,
    render_articles,
    render_digest,
    render_headline,
    render_headlines,
    split_messages,
    truncate_html,
    utf16_len,
)

ALLOWED_TAGS = {"b", "i", "a", "code", "pre"}
ENTITY_RE = re.compile(r"&(?:amp|lt|gt|quot|#[0-9]+|#x[0-9a-fA-F]+);")
START_A_RE = re.compile(r'<a href="[^"<>]*">')


class TelegramHtmlValidator(HTMLParser):
    """Collects the text of a message and fails on anything Telegram's HTML mode rejects."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED_TAGS, tag
        raw = self.get_starttag_text() or ""
        if tag == "a":
            assert START_A_RE.fullmatch(raw), raw
            assert [name for name, _ in attrs] == ["href"]
        else:
            assert raw == f"<{tag}>", raw
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise AssertionError(f"self-closing tag {tag}")

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        assert "<" not in data and ">" not in data, data
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        assert name in {"amp", "lt", "gt", "quot"}, name
        self.text.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.text.append(html.unescape(f"&#{name};"))

    def handle_comment(self, data: str) -> None:
        raise AssertionError("comment")

    def handle_decl(self, decl: str) -> None:
        raise AssertionError("declaration")

    def handle_pi(self, data: str) -> None:
        raise AssertionError("processing instruction")

    def unknown_decl(self, data: str) -> None:
        raise AssertionError("unknown declaration")


def visible_text(message: str) -> str:
    """Validate ``message`` as Telegram HTML and return its text as the user sees it."""
    for amp in re.finditer("&", message):
        assert ENTITY_RE.match(message, amp.start()), message[amp.start() : amp.start() + 12]
    validator = TelegramHtmlValidator()
    validator.feed(message)
    validator.close()
    assert validator.stack == []
    assert validator.rawdata == ""  # nothing left unparsed, e.g. a dangling "<"
    return "".join(validator.text)


def article(**changes: object) -> Article:
    fields: dict[str, object] = {
        "id": 42,
        "title": "Ad sales boost Time Warner profit",
        "url": "https://news.example/business/1?a=1&b=2",
        "text": "Body",
        "points": ["Profits jumped 76%.", "AOL lost subscribers."],
        "source": "BBC News",
        "published": "2024-03-05T11:30:00+00:00",
    }
    fields.update(changes)
    return Article(**fields)  # type: ignore[arg-type]


def test_article_has_linked_bold_title_meta_and_points() -> None:
    rendered = render_article(article())
    assert rendered == (
        '<b><a href="https://news.example/business/1?a=1&amp;b=2">'
        "Ad sales boost Time Warner profit</a></b>\n"
        "<i>BBC News · 5 Mar 2024 · #42</i>\n"
        "• Profits jumped 76%.\n"
        "• AOL lost subscribers."
    )


def test_missing_url_source_and_date_are_left_out() -> None:
    rendered = render_article(article(url=None, source=None, published=None), with_points=False)
    assert rendered == "<b>Ad sales boost Time Warner profit</b>\n<i>#42</i>"


def test_only_absolute_http_urls_are_linked() -> None:
    for url in ("javascript:alert(1)", "/relative/path", "https://", "https://a.b/" + "x" * 2000):
        assert "<a " not in render_article(article(url=url)), url


def test_unparseable_date_is_omitted_and_index_numbers_the_title() -> None:
    rendered = render_article(article(published="last Tuesday"), index=3, with_points=False)
    assert rendered.startswith("3. <b>")
    assert "<i>BBC News · #42</i>" in rendered


def test_text_and_href_are_escaped() -> None:
    rendered = render_article(
        article(title='Kim & <Co> "talks"', url='https://x.example/?q="a"&r=<b>', points=["<i>&"])
    )
    assert '<a href="https://x.example/?q=&quot;a&quot;&amp;r=&lt;b&gt;">' in rendered
    assert 'Kim &amp; &lt;Co&gt; "talks"</a></b>' in rendered
    assert "• &lt;i&gt;&amp;" in rendered
    visible_text(rendered)


def test_whitespace_in_title_and_points_is_collapsed() -> None:
    rendered = render_article(article(title="Two\nlines", points=["a\n\n  b"], url=None))
    assert rendered.startswith("<b>Two lines</b>\n")
    assert rendered.endswith("• a b")


def test_huge_article_is_cut_to_one_message_keeping_title_and_id() -> None:
    huge = article(title="T" * 5000, points=["😀" * 3000, "<&>" * 2000])
    rendered = render_article(huge)
    assert utf16_len(rendered) <= MAX_MESSAGE
    text = visible_text(rendered)
    assert text.startswith("T" * 200)
    assert "#42" in text
    assert text.endswith("…")


def test_truncate_html_closes_open_tags_and_never_splits_an_entity() -> None:
    markup = "<b>a &amp; <i>bcdef</i></b>"
    for limit in range(1, len(markup)):
        cut = truncate_html(markup, limit)
        assert utf16_len(cut) <= limit
        assert cut.endswith("…") or cut.endswith("</b>")
        visible_text(cut)
    assert truncate_html(markup, 15) == "<b>a &amp;…</b>"
    assert truncate_html(markup, 14) == "<b>a…</b>"  # never "&am…", trailing space dropped
    assert truncate_html(markup, len(markup)) == markup


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert utf16_len("a😀é") == 4


def test_split_messages_packs_blocks_and_splits_only_between_them() -> None:
    blocks = ["a" * 40, "b" * 40, "c" * 40]
    assert split_messages(blocks, limit=100) == ["a" * 40 + "\n\n" + "b" * 40, "c" * 40]
    assert split_messages(blocks, limit=40) == blocks
    assert split_messages([]) == []


def test_split_messages_cuts_a_block_longer_than_the_limit() -> None:
    messages = split_messages(["<b>" + "x" * 50 + "</b>", "short"], limit=20)
    assert messages == ["<b>" + "x" * 12 + "…</b>", "short"]


def test_render_articles_numbers_them_under_an_escaped_header() -> None:
    messages = render_articles([article(id=1), article(id=2)], header="Latest <news>")
    assert len(messages) == 1
    assert messages[0].startswith("<b>Latest &lt;news&gt;</b>\n\n1. <b>")
    assert "\n\n2. <b>" in messages[0]


def test_many_articles_spread_over_several_messages() -> None:
    long_points = ["word " * 150] * 3
    messages = render_articles([article(id=n, points=long_points) for n in range(20)])
    assert len(messages) > 1
    assert all(utf16_len(message) <= MAX_MESSAGE for message in messages)
    combined = "".join(visible_text(message) for message in messages)
    assert all(f"#{n}" in combined for n in range(20))


def test_digest_header_counts_articles() -> None:
    assert render_digest("north korea", [article()])[0].startswith(
        "<b>🔔 New on north korea: 1 article</b>"
    )
    assert render_digest("a & b", [article(), article()])[0].startswith(
        "<b>🔔 New on a &amp; b: 2 articles</b>"
    )


def test_escape_leaves_quotes_alone_in_text() -> None:
    assert escape("<a> & \"b\" 'c'") == "&lt;a&gt; &amp; \"b\" 'c'"


nasty_text = st.text(
    alphabet=st.one_of(st.sampled_from("<>&\"';#/\n "), st.characters(codec="utf-8")),
    max_size=300,
)
long_text = st.one_of(nasty_text, st.builds(lambda t, n: t * n, nasty_text, st.integers(1, 40)))
# Long runs of what costs most: entities, astral characters, would-be tags.
filler = st.builds(
    lambda chunk, count: chunk * count,
    st.sampled_from(["a", "&", "😀", "<b>", '"', " x"]),
    st.integers(0, 5000),
)
urls = st.one_of(st.none(), nasty_text, st.builds("https://example.org/{}".format, long_text))


@settings(max_examples=150, deadline=None)
@given(
    title=long_text,
    url=urls,
    points=st.lists(st.one_of(long_text, filler), max_size=6),
    source=st.one_of(st.none(), nasty_text),
    published=st.one_of(st.none(), nasty_text, st.datetimes().map(lambda d: d.isoformat())),
    index=st.one_of(st.none(), st.integers(0, 10_000)),
)
def test_any_article_renders_to_valid_html_within_the_limit(
    title: str,
    url: str | None,
    points: list[str],
    source: str | None,
    published: str | None,
    index: int | None,
) -> None:
    item = article(title=title, url=url, points=points, source=source, published=published)
    rendered = render_article(item, index=index)
    assert utf16_len(rendered) <= MAX_MESSAGE
    text = visible_text(rendered)
    title_start = " ".join(title.split())[:50]
    assert title_start in text


@settings(max_examples=60, deadline=None)
@given(
    titles=st.lists(st.one_of(long_text, filler), min_size=1, max_size=12),
    points=st.lists(st.one_of(long_text, filler), max_size=4),
    header=st.one_of(st.none(), long_text),
)
def test_any_article_list_splits_into_valid_messages(
    titles: list[str], points: list[str], header: str | None
) -> None:
    items = [article(id=n, title=title, points=points) for n, title in enumerate(titles)]
    messages = render_articles(items, header=header)
    assert messages
    for message in messages:
        assert utf16_len(message) <= MAX_MESSAGE
        visible_text(message)
    text = "".join(visible_text(message) for message in messages)
    for title in titles:
        assert " ".join(title.split())[:50] in text


def test_headline_is_title_meta_and_one_line() -> None:
    long_point = "word " * 100
    rendered = render_headline(article(points=[long_point, "Second."]), 3)
    lines = rendered.split("\n")
    assert lines[0].startswith('3. <b><a href="https://news.example/business/1?a=1&amp;b=2">')
    assert lines[1] == "<i>BBC News · 5 Mar 2024 · #42</i>"
    assert len(lines) == 3 and len(lines[2]) <= 160 and lines[2].endswith("…")
    no_points = render_headline(article(points=[], text="Just the body."), 1)
    assert no_points.endswith("\nJust the body.")


@settings(max_examples=60, deadline=None)
@given(
    titles=st.lists(st.one_of(long_text, filler), min_size=1, max_size=20),
    points=st.lists(st.one_of(long_text, filler), max_size=2),
    header=long_text,
)
def test_any_headline_list_splits_into_valid_messages_that_know_their_articles(
    titles: list[str], points: list[str], header: str
) -> None:
    items = [article(id=n, title=title, points=points) for n, title in enumerate(titles)]
    messages = render_headlines(items, header=header, note="Tap a number.")
    assert [a.id for _, listed in messages for a in listed] == [a.id for a in items]
    for message, listed in messages:
        assert utf16_len(message) <= MAX_MESSAGE
        text = visible_text(message)
        for item in listed:
            assert f"#{item.id}" in text
