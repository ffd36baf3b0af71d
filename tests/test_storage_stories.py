"""Stories in SQLite: assigned at insert, kept across processes, older databases grouped once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.storage import Storage
from bot.storage.migrations import _article_stories
from tests.support.stories import ELECTION, QUAKE_BBC, QUAKE_GUARDIAN, QUAKE_JAPAN, QUAKE_NPR


def _ago(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat(timespec="seconds")


def _save(store: Storage, article: tuple[str, str], url: str, hours_ago: float = 1) -> int:
    title, text = article
    return store.articles.save(
        title=title, text=text, points=[], url=url, language="en", published=_ago(hours_ago)
    )


def _story(store: Storage, article_id: int) -> int:
    found = store.articles.get(article_id)
    assert found is not None and found.story_id is not None
    return found.story_id


def test_articles_get_their_story_when_stored(tmp_path: Path) -> None:
    store = Storage(tmp_path / "news.db")
    bbc = _save(store, QUAKE_BBC, "https://bbc.example/quake", 3)
    guardian = _save(store, QUAKE_GUARDIAN, "https://guardian.example/quake", 2)
    japan = _save(store, QUAKE_JAPAN, "https://bbc.example/japan", 2)
    assert _story(store, bbc) == bbc
    assert _story(store, guardian) == bbc
    assert _story(store, japan) == japan
    store.close()


def test_another_process_sees_stories_stored_meanwhile(tmp_path: Path) -> None:
    bot, ingest = Storage(tmp_path / "news.db"), Storage(tmp_path / "news.db")
    bbc = _save(bot, QUAKE_BBC, "https://bbc.example/quake")
    guardian = _save(ingest, QUAKE_GUARDIAN, "https://guardian.example/quake")
    npr = _save(bot, QUAKE_NPR, "https://npr.example/quake")
    assert _story(bot, guardian) == bbc
    assert _story(bot, npr) == bbc
    bot.close()
    ingest.close()


def test_an_older_database_gets_its_recent_articles_grouped_once(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = Storage(path)
    old = _save(store, QUAKE_BBC, "https://bbc.example/old", hours_ago=24 * 10)
    recent = [
        _save(store, article, f"https://site{n}.example/a", hours_ago=5 - n)
        for n, article in enumerate((QUAKE_BBC, QUAKE_GUARDIAN, ELECTION, QUAKE_NPR))
    ]
    # As before migration 0004: no story on any article.
    store.db.execute("UPDATE articles SET story_id = NULL")
    store.db.conn.commit()
    store.close()

    again = Storage(path)
    assert again.stories.prepare() == 4  # the recent ones; the 10-day-old one is left alone
    stories = [_story(again, article_id) for article_id in recent]
    assert stories == [recent[0], recent[0], recent[2], recent[0]]
    assert _story(again, old) == old  # a story of its own
    assert again.db.execute("SELECT story_id FROM articles WHERE id = ?", [old]).fetchone() == (
        None,
    )
    again.close()
    third = Storage(path)
    assert third.stories.prepare() == 0  # grouped once: nothing left to do
    third.close()


def test_story_migration_is_safe_to_run_twice(tmp_path: Path) -> None:
    store = Storage(tmp_path / "news.db")
    _article_stories(store.db)  # already applied when the store opened: twice more
    _article_stories(store.db)
    assert "story_id" in store.db["articles"].columns_dict
    store.close()


def test_an_updated_article_keeps_its_story(tmp_path: Path) -> None:
    store = Storage(tmp_path / "news.db")
    bbc = _save(store, QUAKE_BBC, "https://bbc.example/quake")
    guardian = _save(store, QUAKE_GUARDIAN, "https://guardian.example/quake")
    store.articles.save(title="Updated", text="New text.", points=[], existing_id=guardian)
    assert _story(store, guardian) == bbc
    store.close()
