"""Pages that are no article are refused and nothing is stored; real articles keep their
site's name and a title without it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.ingest.pages import NotAnArticle, extract_page, require_article
from bot.ingest.titles import clean_title, site_name
from tests.support.httpserver import LocalHTTPServer
from tests.support.telegram import BotHarness

PAGES = Path(__file__).parent / "support" / "pages"
NOT_ARTICLES = {
    # case: (page, served at, what it is)
    "home": ("home", "/", "it is a site's home page"),
    # the same headlines under a section's address: a section front
    "section": ("home", "/city/", "it is a list of links, like a home page or a section front"),
    "paywall": ("paywall", "/markets/slide", "it shows only a subscription or cookie notice"),
    "cookie": ("cookie-wall", "/politik/1", "it shows only a subscription or cookie notice"),
    "error": ("error", "/city/gone", "it is an error page"),
}
REAL_ARTICLES = ["engadget", "webmd-1", "royal-road", "folha", "heise", "la-nacion", "yahoo-4"]


def _page(name: str) -> bytes:
    return (PAGES / f"{name}.html").read_bytes()


@pytest.mark.parametrize("case", NOT_ARTICLES)
def test_pages_that_are_no_article_are_refused(case: str) -> None:
    name, path, reason = NOT_ARTICLES[case]
    page = extract_page(_page(name), f"https://herald.example{path}")
    assert page.refusal == reason
    with pytest.raises(NotAnArticle, match=reason):
        require_article(page)


@pytest.mark.parametrize("name", REAL_ARTICLES)
def test_real_articles_are_not_refused(name: str) -> None:
    html = gzip.decompress((PAGES / f"{name}.html.gz").read_bytes())
    assert extract_page(html, "http://fakehost/test/page.html").refusal is None


def test_a_licence_line_above_a_real_article_is_dropped() -> None:
    article = (PAGES / "spacenews.html").read_text(encoding="utf-8")
    notice = "<p>This copy is for your personal, non-commercial use only.</p>"
    html = article.replace("<article>", f"<article>{notice}")
    page = extract_page(html, "https://spacenews.com/launch-slips/")
    assert page.refusal is None and "non-commercial" not in page.text
    assert page.text.startswith("The launch of a new weather satellite has slipped")


@pytest.mark.parametrize(
    ("name", "url", "site", "title", "published"),
    [
        # JSON-LD publisher, and the ".com" suffix of the host in the title
        (
            "spacenews.html",
            "https://spacenews.com/launch-slips/",
            "SpaceNews",
            "Launch of weather satellite slips to March",
            "2026-12-03T18:40:00+00:00",
        ),
        # og:site_name in Korean, the title's suffix the same
        (
            "korean-sidebar.html",
            "https://www.entermedia.co.kr/news/articleView.html?idxno=1",
            "엔터미디어",
            "겨울 드라마 시청률 경쟁, 주말극이 웃었다",
            "2026-12-03T09:40:00+00:00",  # 18:40 in Seoul
        ),
        (
            "russian.html",
            "https://news.example.ru/1",
            "Городские новости",
            "В Москве открылась новая линия метро",
            "2026-12-02T06:15:00+00:00",
        ),
    ],
)
def test_site_name_title_and_time_of_day(
    name: str, url: str, site: str, title: str, published: str
) -> None:
    page = extract_page((PAGES / name).read_bytes(), url)
    assert (page.site_name, page.title, page.published) == (site, title, published)


@pytest.mark.parametrize(
    ("title", "site", "url", "clean"),
    [
        ("Launch delayed - SpaceNews.com", None, "https://spacenews.com/x", "Launch delayed"),
        ("Launch delayed | SpaceNews", "SpaceNews", None, "Launch delayed"),
        ("West Ham hrozí | Aktuálně.cz", "Aktuálně.cz - Víte, co se děje", None, "West Ham hrozí"),
        ("How to Build a Terrarium | eHow", "eHow", None, "How to Build a Terrarium"),
        (
            "BBC News - Obama admits gun laws frustrate him",
            "BBC News",
            None,
            "Obama admits gun laws frustrate him",
        ),
        # not the site's name: kept
        (
            "Chapter 2 - Super Supportive",
            "Royal Road",
            "https://www.royalroad.com/x",
            "Chapter 2 - Super Supportive",
        ),
        ("Paris - Berlin in four hours", "Rail News", None, "Paris - Berlin in four hours"),
        (
            "Yahoo News - Latest News & Headlines",
            "Yahoo",
            None,
            "Yahoo News - Latest News & Headlines",
        ),
        ("SpaceNews.com", "SpaceNews", None, "SpaceNews.com"),  # nothing else: kept
    ],
)
def test_clean_title(title: str, site: str | None, url: str | None, clean: str) -> None:
    assert clean_title(title, site, url) == clean


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("@Yahoo", "Yahoo"),
        ("http://www.tmz.com", "tmz.com"),
        ("  BBC   News ", "BBC News"),
        ("", None),
        (None, None),
        ("x" * 200, None),
    ],
)
def test_site_name(raw: str | None, name: str | None) -> None:
    assert site_name(raw, None) == name


async def test_summary_of_a_home_page_is_refused_and_nothing_stored(harness: BotHarness) -> None:
    url = harness.feeds.add("/", _page("home"))
    outcome = await harness.send(f"/summary {url}")
    assert outcome.texts == ["That page has no article I can read: it is a site's home page."]
    for case in ("section", "paywall", "error"):
        name, path, _ = NOT_ARTICLES[case]
        answer = await harness.send(f"/summary {harness.feeds.add(path, _page(name))}", user=7)
        assert answer.texts[0].startswith("That page has no article I can read: ")
    assert (await harness.newsroom.stats()).articles == 0


async def test_summary_shows_the_site_name_not_the_host(harness: BotHarness) -> None:
    url = harness.feeds.add("/launch-slips/", _page("spacenews"))
    (text,) = (await harness.send(f"/summary {url}")).texts
    assert text.startswith("Launch of weather satellite slips to March\nSpaceNews · ")
    assert "127.0.0.1" not in text


def test_cli_summarize_refuses_a_cookie_wall(
    capsys: pytest.CaptureFixture[str],
    http_server: LocalHTTPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSBOT_FEEDS", "")
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "1")
    monkeypatch.setenv("NEWSBOT_DB", str(tmp_path / "cli.db"))
    url = http_server.add("/politik/artikel-1", _page("cookie-wall"))
    assert main(["summarize", "--json", url]) == 1
    [line] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert line["error"] == (
        "That page has no article I can read: it shows only a subscription or cookie notice."
    )
