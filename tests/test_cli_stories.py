"""`newsbot latest` by story, and `newsbot latest --json`, against a real SQLite file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.storage import Storage
from tests.support.stories import ELECTION, QUAKE_BBC, QUAKE_GUARDIAN, QUAKE_NPR


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database holding the Chile quake from three sites and an election, newest last."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSBOT_FEEDS", "")
    path = tmp_path / "cli.db"
    monkeypatch.setenv("NEWSBOT_DB", str(path))
    store = Storage(path)
    now = datetime.now(UTC)
    for n, (site, article) in enumerate(
        [("bbc", QUAKE_BBC), ("guardian", QUAKE_GUARDIAN), ("npr", QUAKE_NPR), ("rtp", ELECTION)]
    ):
        store.articles.save(
            title=article[0],
            text=article[1],
            points=[f"{site} point"],
            url=f"https://{site}.example/a",
            language="en",
            published=(now - timedelta(hours=4 - n)).isoformat(timespec="seconds"),
        )
    store.close()
    return path


def test_latest_json_prints_one_object_per_story(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["latest", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [len(line["articles"]) for line in lines] == [1, 3]  # the election is newest
    quake = lines[1]
    assert list(quake) == ["story", "title", "points", "articles"]
    assert quake["story"] == 1
    best = quake["articles"][0]
    assert list(best) == ["id", "url", "title", "source", "published"]
    assert quake["title"] == best["title"] and quake["points"] == [
        f"{best['url'].split('//')[1].split('.')[0]} point"
    ]
    assert {a["source"] for a in quake["articles"]} == {
        "bbc.example",
        "guardian.example",
        "npr.example",
    }


def test_latest_json_takes_a_count_and_a_topic(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["latest", "--json", "-n", "1"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["title"].startswith("Portugal")
    assert main(["latest", "--json", "valparaiso"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert len(json.loads(line)["articles"]) == 3
    assert main(["latest", "--json", "volcano"]) == 0
    assert capsys.readouterr().out == ""


def test_latest_shows_other_outlets_under_the_story(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["latest"]) == 0
    out = capsys.readouterr().out
    assert out.count("also: ") == 2
    assert out.index("Portugal") < out.index("also: ")
