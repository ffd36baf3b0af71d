"""canonical_url, is_http_url and url_problem."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ingest.urls import (
    canonical_url,
    is_http_url,
    looks_like_page,
    published_link,
    url_problem,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://News.Example.COM/Story", "https://news.example.com/Story"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/?", "https://example.com/"),
        ("https://example.com/a/b/", "https://example.com/a/b"),
        ("https://example.com/a//", "https://example.com/a"),
        ("https://example.com/?b=2&a=1", "https://example.com/?a=1&b=2"),
        ("https://example.com/p?id=7&utm_source=rss&utm_medium=feed", "https://example.com/p?id=7"),
        ("https://example.com/p?UTM_Campaign=x&fbclid=1&gclid=2", "https://example.com/p"),
        ("https://example.com/p?mc_cid=1&mc_eid=2&ref=tw&cmpid=3&ocid=4", "https://example.com/p"),
        ("https://example.com/p?q=a%20b&x=", "https://example.com/p?q=a+b&x="),
        ("  https://example.com/p  ", "https://example.com/p"),
        ("http://[2001:DB8::1]:80/x", "http://[2001:db8::1]/x"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_keeps_meaningful_query_and_path_case() -> None:
    url = "https://example.com/Index.PHP?feed=rss2&p=41234"
    assert canonical_url(url) == "https://example.com/Index.PHP?feed=rss2&p=41234"


def test_canonical_url_gives_one_form_for_variants() -> None:
    variants = [
        "https://www.example.org/news/story/?utm_source=twitter#comments",
        "HTTPS://WWW.EXAMPLE.ORG:443/news/story",
        "https://www.example.org/news/story?fbclid=abc",
    ]
    assert {canonical_url(v) for v in variants} == {"https://www.example.org/news/story"}


@pytest.mark.parametrize("text", ["not a url", "ftp://example.com/file", "mailto:a@b.c", ""])
def test_canonical_url_leaves_non_http_text_alone(text: str) -> None:
    assert canonical_url(text) == text


@given(
    host=st.from_regex(r"[a-z][a-z0-9-]{0,10}\.[a-z]{2,5}", fullmatch=True),
    path=st.lists(st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True), max_size=4),
    params=st.dictionaries(
        st.sampled_from(["a", "b", "id", "utm_source", "fbclid", "page"]),
        st.from_regex(r"[a-z0-9]{0,5}", fullmatch=True),
        max_size=4,
    ),
    slash=st.booleans(),
)
def test_canonical_url_is_idempotent(
    host: str, path: list[str], params: dict[str, str], slash: bool
) -> None:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    url = f"https://{host}/{'/'.join(path)}{'/' if slash else ''}" + (f"?{query}" if query else "")
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert "utm_" not in once and "fbclid" not in once


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://example.com/x", True),
        ("http://example.com", True),
        ("HTTP://EXAMPLE.COM/", True),
        ("  https://example.com/  ", True),
        ("https://example.com/a b", False),
        ("example.com/x", False),
        ("ftp://example.com/", False),
        ("javascript:alert(1)", False),
        ("https://", False),
        ("https://example.com:99999/", False),
        ("", False),
    ],
)
def test_is_http_url(text: str, expected: bool) -> None:
    assert is_http_url(text) is expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("https://example.com/a", None),
        ("", "That link is empty."),
        ("http://exa mple.com", "That link has a space in it; a link cannot contain spaces."),
        ("http://", "That link has no site name after http://."),
        ("https:///path", "That link has no site name after https://."),
        ("ftp://example.com/f", "Only http:// and https:// links can be fetched, not ftp://."),
        ("example.com/a", "Only http:// and https:// links can be fetched."),
        ("http://example.com:port/", "That link's port (the number after the colon) is not valid."),
        ("http://[::1/", "That link is malformed (Invalid IPv6 URL)."),
    ],
)
def test_url_problem_says_what_is_wrong(text: str, problem: str | None) -> None:
    assert url_problem(text) == problem
    assert is_http_url(text) is (problem is None)


@pytest.mark.parametrize(
    ("published", "shown"),
    [
        (
            "https://www.dailynk.com/english/under-fire/",
            "https://www.dailynk.com/english/under-fire/",
        ),
        ("https://Example.com/A/?b=2&a=1#top", "https://Example.com/A/?b=2&a=1#top"),
        (
            "https://example.com/a/?utm_source=rss&b=2&fbclid=x&a=1",
            "https://example.com/a/?b=2&a=1",
        ),
        ("https://example.com/a?utm_medium=feed", "https://example.com/a"),
    ],
)
def test_published_link_keeps_the_link_as_written_without_tracking(
    published: str, shown: str
) -> None:
    assert published_link(published) == shown


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("https://example.com/news/story", True),
        ("https://example.com/news/story.html", True),
        ("https://example.com/episode.MP3?x=1", False),
        ("https://example.com/video/clip.mp4", False),
        ("https://example.com/report.pdf", False),
    ],
)
def test_looks_like_page(url: str, page: bool) -> None:
    assert looks_like_page(url) is page
