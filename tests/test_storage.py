"""Storage against real SQLite: migrations, deduplication, search, subscriptions, outbox."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from bot.ingest import schedule
from bot.storage import Storage, StorageError
from bot.storage.migrations import migrate, migrations

# A database made by newsbot's own migrate(), before it used sqlite-utils' migrations.
LEGACY_DB = Path(__file__).parent / "fixtures" / "database-463fce7.sql"


@pytest.fixture
def store(tmp_path: Path) -> Storage:
    storage = Storage(tmp_path / "news.db")
    yield storage
    storage.close()


def save(store: Storage, title: str, text: str = "Some text.", **kw: object) -> int:
    return store.articles.save(title=title, text=text, points=["p"], **kw)  # type: ignore[arg-type]


def schema(storage: Storage) -> list[tuple[str, str]]:
    """Every table, index and trigger with its SQL."""
    return storage.db.execute(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
    ).fetchall()


def test_migrations_are_recorded_and_running_them_again_is_a_no_op(store: Storage) -> None:
    before = schema(store)
    assert migrate(store.db) == []
    applied = [m.name for m in migrations.applied(store.db)]
    assert applied == [m.name for m in migrations.pending(sqlite_utils.Database(memory=True))]
    assert applied[0] == "0001_feeds_and_articles"
    assert migrate(store.db) == [] and schema(store) == before


def test_a_database_made_before_upgrades_without_migrating_again(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(LEGACY_DB.read_text())
    with sqlite3.connect(path) as conn:
        recorded = conn.execute("SELECT name, applied_at FROM _migrations").fetchall()
    upgraded = Storage(path)
    applied = [(m.name, m.applied_at) for m in migrations.applied(upgraded.db)]
    assert applied[: len(recorded)] == recorded  # adopted; later migrations ran after them
    assert [name for name, _ in applied] == [
        m.name for m in migrations.pending(sqlite_utils.Database(memory=True))
    ]
    assert "_migrations" not in upgraded.db.table_names()
    fresh = Storage(tmp_path / "new.db")
    assert [row for row in schema(upgraded) if row[0] != "_sqlite_migrations"] == [
        row for row in schema(fresh) if row[0] != "_sqlite_migrations"
    ]
    fresh.close()
    # Its rows are all there and still searchable; it takes new ones.
    assert [a.title for a in upgraded.articles.search('"ferry"', 5)] == [
        "Ferry service resumes after storm"
    ]
    assert upgraded.outbox.matched_through() == 2
    assert [s.topic for s in upgraded.subscriptions.for_chat(42)] == ["ferry"]
    assert upgraded.feeds.add_configured(("https://news.example.org/feed.xml",)) == []
    upgraded.articles.save(title="Ferry timetable", text="A new ferry timetable.", points=[])
    assert len(upgraded.articles.search('"ferry"', 5)) == 2
    before = schema(upgraded)
    assert migrate(upgraded.db) == [] and schema(upgraded) == before
    upgraded.close()
    again = Storage(path)  # and reopening changes nothing
    assert schema(again) == before and again.articles.count() == 3
    assert again.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again.close()


def test_a_migration_applied_but_not_recorded_is_safe_to_run_again(tmp_path: Path) -> None:
    path = tmp_path / "again.db"
    first = Storage(path)
    other = sqlite3.connect(path)
    other.execute("DELETE FROM _sqlite_migrations WHERE name = '0003_articles_sort_lookup'")
    other.commit()
    other.close()
    assert migrate(first.db) == ["0003_articles_sort_lookup"]  # the step itself is safe twice
    assert migrate(first.db) == []
    first.close()


def test_database_uses_wal(store: Storage) -> None:
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_keeps_data(tmp_path: Path) -> None:
    first = Storage(tmp_path / "a.db")
    save(first, "Kept")
    first.close()
    again = Storage(tmp_path / "a.db")
    assert [a.title for a in again.articles.latest(5)] == ["Kept"]
    again.close()


def test_corrupt_database_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError, match="cannot use database"):
        Storage(path)


def test_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        Storage(tmp_path / "nope" / "a.db")


def test_same_guid_in_feed_is_found(store: Storage) -> None:
    feed, _ = store.feeds.add("https://example.com/feed")
    article_id = save(store, "A story", feed_id=feed.id, guid="g-1", url="https://example.com/a")
    found = store.articles.find_existing(
        feed_id=feed.id, guid="g-1", url="https://example.com/other", title="x", published=None
    )
    assert found is not None and found.id == article_id


def test_same_url_is_found(store: Storage) -> None:
    article_id = save(store, "A story", url="https://example.com/a")
    found = store.articles.find_existing(
        feed_id=None, guid=None, url="https://example.com/a", title="Else", published=None
    )
    assert found is not None and found.id == article_id


def test_same_story_under_two_urls_of_one_site(store: Storage) -> None:
    article_id = save(
        store,
        "Kim lambasts provinces",
        url="https://www.example.com/news/1",
        published="2024-02-06T11:30:00+00:00",
    )
    same = store.articles.find_existing(
        feed_id=None,
        guid=None,
        url="https://m.example.com/amp/news/1",
        title="Kim lambasts provinces!",
        published="2024-02-07T09:00:00+00:00",
    )
    assert same is not None and same.id == article_id
    months_later = store.articles.find_existing(
        feed_id=None,
        guid=None,
        url="https://example.com/news/2",
        title="Kim lambasts provinces",
        published="2024-06-01T00:00:00+00:00",
    )
    assert months_later is None
    other_site = store.articles.find_existing(
        feed_id=None,
        guid=None,
        url="https://other.org/x",
        title="Kim lambasts provinces",
        published=None,
    )
    assert other_site is None


def test_update_replaces_content_without_duplicate(store: Storage) -> None:
    article_id = save(store, "Old title", "Old text.", url="https://e.com/a")
    store.articles.save(title="New title", text="New text.", points=["n"], existing_id=article_id)
    assert store.articles.count() == 1
    article = store.articles.get(article_id)
    assert article is not None
    assert (article.title, article.text, article.points) == ("New title", "New text.", ["n"])
    assert store.articles.search('"new"', 5)[0].id == article_id
    assert store.articles.search('"old"', 5) == []


def test_search_ranks_title_matches_first(store: Storage) -> None:
    body = save(store, "Markets", "Sanctions were discussed briefly among many other things.")
    title = save(store, "New sanctions on Pyongyang", "The measures target oil.")
    assert [a.id for a in store.articles.search("sanction", 5)] == [title, body]


def test_latest_orders_by_publication(store: Storage) -> None:
    save(store, "Older", published="2024-01-01T00:00:00+00:00")
    save(store, "Newer", published="2024-03-01T00:00:00+00:00")
    save(store, "Middle", published="2024-02-01T00:00:00+00:00")
    assert [a.title for a in store.articles.latest(2)] == ["Newer", "Middle"]


def test_feed_failure_backs_off_and_success_resets(store: Storage) -> None:
    feed, new = store.feeds.add("https://example.com/feed")
    assert new and store.feeds.add("https://example.com/feed") == (feed, False)
    assert feed.never_polled and feed.failing_for() is None
    later = schedule.at(120)
    assert store.feeds.record_failure(feed.id, "HTTP 500", next_poll_at=later) == 1
    assert store.feeds.record_failure(feed.id, "HTTP 500", next_poll_at=later) == 2
    failing = store.feeds.get(feed.id)
    assert failing is not None and not failing.healthy and failing.last_error == "HTTP 500"
    assert failing.never_polled and failing.failing_for() is not None
    assert store.feeds.due() == []
    assert store.feeds.due(schedule.at(121)) == [failing]
    store.feeds.record_success(feed.id, status="ok", next_poll_at=later, etag='"v1"')
    healthy = store.feeds.get(feed.id)
    assert healthy is not None and healthy.healthy and healthy.etag == '"v1"'
    assert not healthy.never_polled and healthy.failing_for() is None
    assert healthy.next_poll_at == later and healthy.last_polled_at is not None


def test_removing_feed_keeps_articles(store: Storage) -> None:
    feed, _ = store.feeds.add("https://example.com/feed")
    save(store, "Stays", feed_id=feed.id)
    assert store.feeds.remove(feed.id)
    assert store.feeds.all() == []
    assert store.articles.count() == 1
    (kept,) = store.articles.latest(1)
    assert kept.feed_id == feed.id  # still its feed's
    assert not store.feeds.remove(feed.id)  # already removed
    back, new = store.feeds.add("https://example.com/feed", "Example News")
    assert new and back.id == feed.id and back.articles == 1 and back.next_poll_at is None
    assert store.articles.latest(1)[0].source == "Example News"


def test_moving_a_feed_to_the_feed_its_page_names(store: Storage) -> None:
    page, _ = store.feeds.add("https://example.com/")
    moved = store.feeds.move(page.id, "https://example.com/feed", "Example News")
    assert moved is not None and moved.id == page.id and moved.url == "https://example.com/feed"
    assert moved.title == "Example News" and moved.failures == 0
    other, _ = store.feeds.add("https://example.org/")
    assert store.feeds.move(other.id, "https://example.com/feed", None) is None  # followed
    assert [f.url for f in store.feeds.all()] == ["https://example.com/feed"]


def test_outbox_delivers_each_pair_once(store: Storage) -> None:
    store.subscriptions.ensure_chat(7)
    sub, _ = store.subscriptions.add(7, "sanctions", 0)
    first = save(store, "One")
    assert store.outbox.enqueue([(7, first, sub.id)], first) == 1
    assert store.outbox.enqueue([(7, first, sub.id)], first) == 0  # never twice
    due = store.outbox.due()
    assert [(d.chat_id, d.article_id) for d in due] == [(7, first)]
    store.outbox.mark_sent([due[0].id])
    assert store.outbox.due() == []
    assert store.outbox.counts() == {"sent": 1, "pending": 0, "failed": 0, "folded": 0}
    assert store.outbox.matched_through() == first


def test_retry_later_hides_until_due(store: Storage) -> None:
    store.subscriptions.ensure_chat(7)
    sub, _ = store.subscriptions.add(7, "x", 0)
    store.outbox.enqueue([(7, save(store, "One"), sub.id)], 1)
    store.outbox.retry_later([store.outbox.due()[0].id], 3600, "flood")
    assert store.outbox.due() == []
    assert store.outbox.counts()["pending"] == 1


def test_blocked_chat_is_deactivated(store: Storage) -> None:
    store.subscriptions.ensure_chat(7)
    sub, _ = store.subscriptions.add(7, "x", 0)
    store.outbox.enqueue([(7, save(store, "One"), sub.id)], 1)
    store.subscriptions.deactivate_chat(7, "Forbidden: bot was blocked by the user")
    assert store.subscriptions.for_chat(7) == []
    assert store.outbox.due() == []
    assert store.subscriptions.counts() == {"chats": 0, "subscriptions": 0}


def test_group_migration_keeps_subscriptions(store: Storage) -> None:
    store.subscriptions.ensure_chat(-5, "group", "Readers")
    store.subscriptions.add(-5, "x", 0)
    store.subscriptions.migrate_chat(-5, -1005)
    assert [s.topic for s in store.subscriptions.for_chat(-1005)] == ["x"]
    assert store.subscriptions.for_chat(-5) == []


def test_duplicate_topic_is_not_added_twice(store: Storage) -> None:
    store.subscriptions.ensure_chat(1)
    first, new = store.subscriptions.add(1, "Sanctions", 0)
    again, new_again = store.subscriptions.add(1, "sanctions", 0)
    assert new and not new_again and first.id == again.id


def test_concurrent_connections_do_not_lock(tmp_path: Path) -> None:
    writer = Storage(tmp_path / "c.db")
    reader = sqlite3.connect(tmp_path / "c.db")
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM articles").fetchone()  # an open read transaction
    save(writer, "Written while a reader reads")  # WAL: no "database is locked"
    reader.rollback()
    assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    reader.close()
    writer.close()


def test_configured_feeds_are_added_once(store: Storage) -> None:
    urls = ("https://a.example/feed", "https://b.example/feed")
    assert [f.url for f in store.feeds.add_configured(urls)] == list(urls)
    feed = store.feeds.get_by_url(urls[0])
    assert feed is not None and store.feeds.remove(feed.id)
    assert store.feeds.add_configured(urls) == []  # a removed feed stays removed
    assert [f.url for f in store.feeds.add_configured((*urls, "https://c.example/f"))] == [
        "https://c.example/f"
    ]


def test_a_database_from_before_the_third_migration_gets_only_the_missing_ones(
    tmp_path: Path,
) -> None:
    path = tmp_path / "older.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(LEGACY_DB.read_text())
        conn.execute("DELETE FROM _migrations WHERE name = '0003_articles_sort_lookup'")
        conn.execute("DROP INDEX idx_articles_id_sort_at")
    upgraded = Storage(path)
    names = [m.name for m in migrations.applied(upgraded.db)]
    assert names[:3] == [
        "0001_feeds_and_articles",
        "0002_chats_subscriptions_outbox",
        "0003_articles_sort_lookup",
    ]
    fresh = Storage(tmp_path / "new.db")
    assert [row for row in schema(upgraded) if row[0] != "_sqlite_migrations"] == [
        row for row in schema(fresh) if row[0] != "_sqlite_migrations"
    ]
    assert upgraded.articles.count() == 2
    upgraded.close()
    fresh.close()


def test_processes_creating_one_database_at_once_migrate_it_once(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    code = "import sys; from bot.storage import Storage; Storage(sys.argv[1]).close()"
    children = [
        subprocess.Popen([sys.executable, "-c", code, str(path)], stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    errors = [child.communicate(timeout=60)[1].decode() for child in children]
    assert [child.returncode for child in children] == [0] * 3, errors
    with sqlite3.connect(path) as conn:
        names = [name for (name,) in conn.execute("SELECT name FROM _sqlite_migrations")]
    assert names == [m.name for m in migrations.pending(sqlite_utils.Database(memory=True))]
