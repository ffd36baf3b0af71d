"""One way to write: `Storage.write()` commits everything inside or nothing, nests as a savepoint,
and every store's own writes join it instead of committing on their own."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage import Storage
from bot.storage.database import utcnow


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    store = Storage(tmp_path / "news.db")
    yield store
    store.close()


def counts(path: str) -> dict[str, int]:
    """Row counts as another connection (another process) sees them."""
    with sqlite3.connect(path) as other:
        return {
            table: other.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("feeds", "articles", "chats", "subscriptions", "outbox", "state")
        }


def write_everything(storage: Storage) -> None:
    """One call to each store's writing methods."""
    feed, _ = storage.feeds.add("https://news.example/feed")
    storage.feeds.add_configured(("https://other.example/feed",))
    storage.feeds.record_failure(feed.id, "timed out", next_poll_at=utcnow(60))
    storage.feeds.record_success(feed.id, status="ok", next_poll_at=utcnow(60))
    article = storage.articles.save(title="Stored", text="Text.", points=[], feed_id=feed.id)
    storage.subscriptions.ensure_chat(7)
    sub, _ = storage.subscriptions.add(7, "stored", 0)
    storage.outbox.enqueue([(7, article, sub.id)], article)


def test_a_failure_inside_a_write_transaction_leaves_nothing_behind(storage: Storage) -> None:
    empty = counts(storage.path)
    with pytest.raises(RuntimeError), storage.write():
        write_everything(storage)
        assert storage.feeds.get_by_url("https://news.example/feed") is not None
        raise RuntimeError("the poll fails after its writes")
    assert counts(storage.path) == empty
    assert storage.feeds.all() == [] and storage.articles.count() == 0
    assert storage.outbox.matched_through() is None


def test_stores_write_nothing_visible_before_the_transaction_commits(storage: Storage) -> None:
    with storage.write():
        write_everything(storage)
        assert counts(storage.path)["feeds"] == 0  # not committed by FeedStore.add
    seen = counts(storage.path)
    assert seen["feeds"] == 2 and seen["articles"] == 1 and seen["outbox"] == 1


def test_a_nested_failure_undoes_only_its_own_writes(storage: Storage) -> None:
    with storage.write():
        storage.feeds.add("https://kept.example/feed")
        with pytest.raises(ValueError), storage.write():
            storage.feeds.add("https://undone.example/feed")
            raise ValueError("inner step fails")
        storage.articles.save(title="Also kept", text="Text.", points=[])
    assert [f.url for f in storage.feeds.all()] == ["https://kept.example/feed"]
    assert storage.articles.count() == 1


def test_a_write_transaction_holds_the_write_lock_from_its_start(storage: Storage) -> None:
    other = sqlite3.connect(storage.path, timeout=0)
    with storage.write():
        storage.articles.count()  # only a read so far
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("INSERT INTO state (key, value) VALUES ('k', 'v')")
    other.execute("INSERT INTO state (key, value) VALUES ('k', 'v')")  # free again
    other.commit()
    other.close()


def test_outside_a_transaction_each_write_commits_at_once(storage: Storage) -> None:
    storage.feeds.add("https://news.example/feed")
    assert not storage.db.conn.in_transaction
    assert counts(storage.path)["feeds"] == 1
