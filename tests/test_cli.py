"""The command line, run in-process against a temp database and the local HTTP server."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from wcwidth import wcswidth

from bot.cli.main import build_parser, main
from tests.support.feeds import load
from tests.support.httpserver import LocalHTTPServer
from tests.support.newsroom import SEED_TITLE, rss_feed, rss_item, seed_paragraphs


@pytest.fixture(autouse=True)
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env, and newsbot.db lands here
    for name in ("TELEGRAM_BOT_TOKEN", "NEWSBOT_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEWSBOT_FEEDS", "")
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "1")
    monkeypatch.setenv("NEWSBOT_FETCH_HOST_DELAY", "0")
    monkeypatch.setenv("NEWSBOT_DB", str(tmp_path / "cli.db"))
    return tmp_path


def cli(env: Path, *argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`newsbot ARGV...` in a process of its own, as a user runs it (logging set up and all)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=env,
        env={**os.environ, "COLUMNS": "100"},
        timeout=120,
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def serve_seed(server: LocalHTTPServer) -> str:
    item = rss_item(
        SEED_TITLE, seed_paragraphs(), link="https://www.dailynk.com/english/k", guid="k"
    )
    return server.add("/feed", rss_feed([item]), content_type="application/rss+xml")


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    commands = [
        ["run"],
        ["chat"],
        ["feeds"],
        ["feeds", "add"],
        ["feeds", "list"],
        ["feeds", "remove"],
        ["feeds", "import"],
        ["feeds", "export"],
        ["ingest"],
        ["latest"],
        ["search"],
        ["summarize"],
    ]
    for command in commands:
        with pytest.raises(SystemExit) as done:
            build_parser().parse_args([*command, "--help"])
        assert done.value.code == 0
        assert "usage: newsbot" in capsys.readouterr().out


def test_feeds_add_ingest_latest_search(
    capsys: pytest.CaptureFixture[str], http_server: LocalHTTPServer
) -> None:
    url = serve_seed(http_server)
    code, out, _ = run(capsys, "feeds", "add", url)
    assert code == 0 and out.startswith("added: [1] Daily NK English")
    code, out, _ = run(capsys, "ingest")
    assert code == 0
    assert out.strip().splitlines()[-1] == ("feeds: 1 ok, 0 failed; articles: 1 new, 0 updated")
    code, out, _ = run(capsys, "latest", "-n", "3")
    assert code == 0
    assert SEED_TITLE in out and "https://www.dailynk.com/english/k" in out
    assert out.count("• ") == 3 and "Daily NK English · 6 Feb 2024" in out
    code, out, _ = run(capsys, "search", "consumer", "goods")
    assert code == 0 and SEED_TITLE in out
    code, out, _ = run(capsys, "search", "nothing-like-this")
    assert code == 0 and "Nothing found" in out
    code, out, _ = run(capsys, "latest", "kangwon")
    assert code == 0 and SEED_TITLE in out
    code, out, _ = run(capsys, "feeds", "list")
    assert "1 articles · ok" in out


def test_ingest_names_each_failing_feed_once_and_fails_only_when_all_do(
    env: Path, http_server: LocalHTTPServer
) -> None:
    serve_seed(http_server)
    http_server.add("/gone", "no", status=404)
    assert (
        cli(
            env, "feeds", "add", "--no-check", http_server.url("/feed"), http_server.url("/gone")
        ).returncode
        == 0
    )
    done = cli(env, "ingest")
    assert done.returncode == 0  # one dead feed is reported, not a failure of the command
    assert "feeds: 1 ok, 1 failed; articles: 1 new, 0 updated" in done.stdout
    assert done.stderr.count("/gone") == 1 and "404" in done.stderr
    assert "WARNING" not in done.stderr
    listing = cli(env, "feeds", "list")
    assert "FAILING (1x)" in listing.stdout
    assert cli(env, "feeds", "remove", "1").returncode == 0
    all_dead = cli(env, "ingest")
    assert all_dead.returncode == 1 and "feeds: 0 ok, 1 failed" in all_dead.stdout


def test_feeds_add_refuses_what_is_not_a_feed(
    capsys: pytest.CaptureFixture[str], http_server: LocalHTTPServer
) -> None:
    page = http_server.add("/page", load("not-a-feed.html"))
    code, _, err = run(capsys, "feeds", "add", page, "not a url")
    assert code == 1
    assert "does not serve an RSS, Atom or JSON feed" in err
    assert "not a url: That is not a feed address" in err
    assert "Traceback" not in err


def test_feeds_remove_import_export(
    capsys: pytest.CaptureFixture[str], http_server: LocalHTTPServer, env: Path
) -> None:
    opml = env / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        '<outline text="News"><outline type="rss" text="One" xmlUrl="https://one.example/rss"/>'
        '<outline type="rss" text="Two" xmlUrl="https://two.example/feed"/></outline>'
        "</body></opml>"
    )
    code, out, _ = run(capsys, "feeds", "import", "--no-check", str(opml))
    assert code == 0 and "imported 2 feeds: 2 new" in out
    code, out, _ = run(capsys, "feeds", "export")
    assert 'xmlUrl="https://one.example/rss"' in out and 'xmlUrl="https://two.example/feed"' in out
    code, out, _ = run(capsys, "feeds", "remove", "1", "https://two.example/feed")
    assert code == 0 and out.count("removed:") == 2
    code, _, err = run(capsys, "feeds", "remove", "https://nope.example/")
    assert code == 1 and "no followed feed matches" in err
    (env / "bad.opml").write_text("<html>not opml")
    code, _, err = run(capsys, "feeds", "import", str(env / "bad.opml"))
    assert code == 1 and err.startswith("newsbot: ")
    code, _, err = run(capsys, "feeds", "import", str(env / "missing.opml"))
    assert code == 1 and "cannot read" in err


def test_summarize_json_keeps_order_and_reports_failures(
    capsys: pytest.CaptureFixture[str], http_server: LocalHTTPServer
) -> None:
    page = http_server.add("/article", load("article.html"))
    missing = http_server.add("/missing", "gone", status=404)
    code, out, _ = run(capsys, "summarize", "--json", "--points", "2", page, missing, "12345")
    assert code == 1
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["target"] for line in lines] == [page, missing, "12345"]
    first = lines[0]
    assert set(first) == {"target", "id", "title", "url", "text", "points"}
    assert first["url"] == page and len(first["points"]) == 2
    assert first["title"] == "Harbour bridge to close for four weekends"
    assert set(lines[1]) == {"target", "error"} and "404" in lines[1]["error"]
    assert "no article #12345" in lines[2]["error"]
    code, out, _ = run(capsys, "summarize", "--json", str(first["id"]))
    assert code == 0 and json.loads(out)["id"] == first["id"]


def test_summarize_stdin_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "\n\n".join(seed_paragraphs())
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    code, out, _ = run(capsys, "summarize", "--json", "-")
    assert code == 0
    result = json.loads(out)
    assert result["target"] == "-" and result["id"] is None and len(result["points"]) == 3
    assert not any("appeared first" in p for p in result["points"])


def test_summarize_jsonl_batch(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "\n\n".join(seed_paragraphs())
    lines = [
        json.dumps({"id": "a", "title": SEED_TITLE, "text": text}),
        "not json",
        json.dumps({"id": 7, "title": "Empty", "text": ""}),
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    code, out, _ = run(capsys, "summarize", "--jsonl", "--points", "2")
    assert code == 1  # one bad line
    results = [json.loads(line) for line in out.splitlines()]
    assert results[0]["id"] == "a" and len(results[0]["points"]) == 2
    assert results[1]["line"] == 2 and "bad JSON" in results[1]["error"]
    assert results[2] == {"id": 7, "points": []}


def test_bad_setting_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSBOT_POLL_SECONDS", "soon")
    code, _, err = run(capsys, "latest")
    assert code == 2
    assert err == "newsbot: NEWSBOT_POLL_SECONDS: expected a whole number, got 'soon'\n"


def test_unusable_database_is_one_clear_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    (env / "corrupt.db").write_bytes(b"garbage" * 1000)
    monkeypatch.setenv("NEWSBOT_DB", str(env / "corrupt.db"))
    code, _, err = run(capsys, "latest")
    assert code == 1 and err.startswith("newsbot: cannot use database") and err.count("\n") == 1


def test_run_without_token_explains_and_exits_2(env: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        cwd=env,
        env={"PATH": "/usr/bin:/bin", "NEWSBOT_FEEDS": ""},
        timeout=60,
    )
    assert result.returncode == 2
    assert "@BotFather" in result.stderr and "newsbot chat" in result.stderr
    assert "Traceback" not in result.stderr


def many_items(count: int) -> str:
    items = [
        rss_item(
            f"Council story {n}",
            [f"The council met for the {n}th time.", "Members argued.", "A vote is next."],
            link=f"https://news.example.org/council-{n}",
            guid=f"council-{n}",
            date=f"Tue, {n % 28 + 1:02d} Feb 2024 11:30:00 +0000",
        )
        for n in range(count)
    ]
    return rss_feed(items, title="Council Wire")


def test_queries_are_taken_as_typed(
    capsys: pytest.CaptureFixture[str], http_server: LocalHTTPServer
) -> None:
    run(capsys, "feeds", "add", serve_seed(http_server))
    run(capsys, "ingest")
    code, out, _ = run(capsys, "search", "consumer", "-memo", "-union")
    assert code == 0 and SEED_TITLE in out
    code, out, _ = run(capsys, "search", "-n", "2", "consumer", "-kangwon")
    assert code == 0 and out == "Nothing found for 'consumer -kangwon'.\n"
    code, out, _ = run(capsys, "search", "--", '"consumer goods"', "-memo")
    assert code == 0 and SEED_TITLE in out
    code, out, _ = run(capsys, "latest", "1", "kangwon")  # a count first, as in Telegram
    assert code == 0 and SEED_TITLE in out
    code, out, _ = run(capsys, "latest", "kangwon", "-province")
    assert code == 0 and out == "No stored article matches 'kangwon -province' yet.\n"
    code, _, err = run(capsys, "search")
    assert (
        code == 2
        and err == "newsbot search: give words to search for, e.g. newsbot search bitcoin\n"
    )


def test_counts_have_no_telegram_cap_and_errors_are_words(
    capsys: pytest.CaptureFixture[str], http_server: LocalHTTPServer
) -> None:
    url = http_server.add("/council", many_items(30), content_type="application/rss+xml")
    run(capsys, "feeds", "add", url)
    run(capsys, "ingest")
    code, out, _ = run(capsys, "latest", "-n", "25")
    assert code == 0 and out.count("Council story") == 25
    code, out, _ = run(capsys, "latest", "100")
    assert code == 0 and out.count("Council story") == 30
    code, out, _ = run(capsys, "search", "-n", "21", "council")
    assert code == 0 and out.count("Council story") == 21
    for bad, says in (("abc", "expected a whole number, got 'abc'"), ("0", "expected at least 1")):
        with pytest.raises(SystemExit) as done:
            main(["latest", "-n", bad])
        assert done.value.code == 2
        assert f"argument -n: {says}" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["latest", "--help"])
    assert "default 5" in capsys.readouterr().out


def test_bare_newsbot_prints_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert code == 0 and out.startswith("usage: newsbot") and "COMMAND" in out and not err


def test_chat_help_explains_buttons(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["chat", "--help"])
    out = capsys.readouterr().out
    assert "!1 to press button 1" in out and "newsbot feeds add URL" in out


def test_summarize_says_what_is_wrong_with_a_link_in_terminal_words(
    env: Path, http_server: LocalHTTPServer
) -> None:
    feed = http_server.add("/feed.xml", many_items(2), content_type="application/rss+xml")
    empty = http_server.add(  # trafilatura "discards" this page with a WARNING of its own
        "/empty", '<html><head><title>x</title></head><body><img src="a.png"></body></html>'
    )
    done = cli(env, "summarize", "http://", "http://exa mple.com", "tomorrow", feed, empty)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[:4] == [
        "newsbot: http://: That link has no site name after http://.",
        "newsbot: http://exa mple.com: That link has a space in it; a link cannot contain spaces.",
        "newsbot: tomorrow: That is neither a link nor an article number: "
        "give one like https://example.com/story or 42.",
        f"newsbot: {feed}: That link is a feed, not an article: follow it as a feed.",
    ]
    assert len(lines) == 5 and lines[4].startswith(f"newsbot: {empty}: I could not read that page")
    assert "/addfeed" not in done.stderr and "trafilatura" not in done.stderr


def test_korean_points_are_wrapped_by_display_width(
    capsys: pytest.CaptureFixture[str],
    http_server: LocalHTTPServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    sentence = "북한 당국이 최근 강원도 지역의 소비품 질 제고 계획을 비판했다고 소식통이 전했다"
    paragraphs = [f"{sentence} {n}번째 소식이다." * 4 for n in range(1, 5)]
    item = rss_item("북한 소식", paragraphs, link="https://ko.example.org/1", guid="ko")
    url = http_server.add(
        "/ko", rss_feed([item], title="북한 뉴스"), content_type="application/rss+xml"
    )
    run(capsys, "feeds", "add", url)
    run(capsys, "ingest")
    code, out, _ = run(capsys, "latest")
    assert code == 0 and "•" in out
    lines = out.splitlines()
    assert max(wcswidth(line) for line in lines) <= 100
    assert sum(wcswidth(line) > 80 for line in lines) >= 2  # and lines are filled, not cut short


def opml_of(*urls: str) -> str:
    outlines = "".join(
        f'<outline type="rss" text="F{n}" xmlUrl="{u}"/>' for n, u in enumerate(urls)
    )
    return f'<?xml version="1.0"?><opml version="2.0"><head/><body>{outlines}</body></opml>'


def test_import_checks_each_feed_and_reads_an_opml_url(
    capsys: pytest.CaptureFixture[str], http_server: LocalHTTPServer, env: Path
) -> None:
    good = serve_seed(http_server)
    gone = http_server.url("/gone")  # answers 404
    (env / "subs.opml").write_text(opml_of(good, gone))
    code, out, err = run(capsys, "feeds", "import", str(env / "subs.opml"))
    assert code == 1
    assert out == "imported 2 feeds: 1 new, 0 already followed, 1 not added\n"
    assert err.startswith(f"newsbot: not added: {gone}: ") and "404" in err
    listed = http_server.add("/list.opml", opml_of(good), content_type="text/x-opml")
    code, out, err = run(capsys, "feeds", "import", listed)  # a URL, not mangled into a path
    assert (code, out, err) == (0, "imported 1 feeds: 0 new, 1 already followed\n", "")
    code, _, err = run(capsys, "feeds", "import", good)
    assert code == 1 and err == (
        f"newsbot: {good} is a feed, not an OPML list of feeds: "
        f"follow it with newsbot feeds add {good}\n"
    )


def test_a_feed_with_tracking_parameters_is_the_feed_already_followed(
    capsys: pytest.CaptureFixture[str], http_server: LocalHTTPServer
) -> None:
    url = serve_seed(http_server)
    assert run(capsys, "feeds", "add", url)[0] == 0
    for same in (url + "/?utm_source=x", url + "?utm_medium=rss&utm_campaign=y"):
        code, out, _ = run(capsys, "feeds", "add", same)
        assert code == 0 and out.startswith("already followed: [1] Daily NK English")
        code, out, _ = run(capsys, "feeds", "add", "--no-check", same)
        assert out.startswith("already followed: [1]")
    _, out, _ = run(capsys, "feeds", "list")
    assert out.count("[") == 1


def test_a_removed_feed_keeps_its_articles_source_and_gets_them_back(
    capsys: pytest.CaptureFixture[str], http_server: LocalHTTPServer
) -> None:
    url = serve_seed(http_server)
    run(capsys, "feeds", "add", url)
    run(capsys, "ingest")
    code, out, _ = run(capsys, "feeds", "remove", "1")
    assert code == 0 and out == "removed: [1] Daily NK English\n"
    _, out, _ = run(capsys, "feeds", "list")
    assert out.startswith("No feeds followed yet")
    _, out, _ = run(capsys, "latest")
    assert "Daily NK English · 6 Feb 2024" in out and "127.0.0.1" not in out.split("\n")[1]
    code, out, _ = run(capsys, "feeds", "add", url)
    assert code == 0 and out.startswith("added: [1] Daily NK English")
    _, out, _ = run(capsys, "feeds", "list")
    assert "1 articles · ok" in out  # its articles are its own again


def test_a_site_page_in_newsbot_feeds_is_followed_to_its_feed(
    capsys: pytest.CaptureFixture[str],
    http_server: LocalHTTPServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    feed = serve_seed(http_server)
    site = http_server.add(
        "/site",
        "<html><head><title>Daily NK</title>"
        f'<link rel="alternate" type="application/rss+xml" href="{feed}"></head>'
        "<body><p>Welcome.</p></body></html>",
    )
    http_server.add("/dead-page", "<html><body><p>No feeds named here.</p></body></html>")
    monkeypatch.setenv("NEWSBOT_FEEDS", f"{site},{http_server.url('/dead-page')}")
    code, out, err = run(capsys, "ingest")
    assert code == 0
    assert out.strip().splitlines()[-1] == "feeds: 1 ok, 1 failed; articles: 1 new, 0 updated"
    assert "/dead-page" in err and "/site" not in err
    _, out, _ = run(capsys, "feeds", "list")
    assert f"[1] Daily NK English\n    {feed}\n    1 articles · ok" in out
