"""Schema migrations, through sqlite-utils' own migrations support: each runs once, in its own
transaction with the record of it (table `_sqlite_migrations`, set "newsbot").

To change the schema, add a function decorated with `@migrations(name="000N_what")` at the end
of this file: never edit or reorder one that has shipped. Write it to be safe on any database
that has the ones before it (`if_not_exists=True`, check before you alter).
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from bot.storage.transactions import write

migrations = Migrations("newsbot")
# Before sqlite-utils' migrations, newsbot recorded applied migrations (same names) here.
LEGACY_TABLE = "_migrations"


def _adopt_legacy_records(db: sqlite_utils.Database) -> None:
    """Carry the names recorded by newsbot's own migrate() over to sqlite-utils' table, so a
    database made before is not migrated again; then drop the old table."""
    if not db.table(LEGACY_TABLE).exists():
        return
    migrations.ensure_migrations_table(db)
    db.execute(
        f"INSERT OR IGNORE INTO {Migrations.migrations_table} (migration_set, name, applied_at) "
        f"SELECT ?, name, applied_at FROM {LEGACY_TABLE} ORDER BY rowid",
        [migrations.name],
    )
    db.table(LEGACY_TABLE).drop()


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations not applied yet; return their names.

    Up to date, it only reads. Else it works under the write lock, so two processes opening
    a new database at once apply each migration once.
    """
    if not db.table(LEGACY_TABLE).exists() and not migrations.pending(db):
        return []
    with write(db):
        _adopt_legacy_records(db)
        pending = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
    return pending


# -- the migrations, oldest first ------------------------------------------------------------


@migrations(name="0001_feeds_and_articles")
def _feeds_and_articles(db: sqlite_utils.Database) -> None:
    db.table("feeds").create(
        {
            "id": int,
            "url": str,
            "title": str,
            "etag": str,
            "last_modified": str,
            "ttl_seconds": int,
            "last_status": str,
            "last_error": str,
            "failures": int,
            "last_polled_at": str,
            "next_poll_at": str,
            "added_at": str,
        },
        pk="id",
        not_null={"url", "failures", "added_at"},
        defaults={"failures": 0},
        if_not_exists=True,
    )
    db.table("feeds").create_index(["url"], unique=True, if_not_exists=True)
    db.table("articles").create(
        {
            "id": int,
            "feed_id": int,
            "guid": str,
            "url": str,
            "site": str,
            "title": str,
            "title_key": str,
            "author": str,
            "published": str,
            "language": str,
            "text": str,
            "content_hash": str,
            "points": str,
            "fetched_at": str,
            "updated_at": str,
            "sort_at": str,
        },
        pk="id",
        not_null={"title", "text", "points", "fetched_at", "sort_at"},
        foreign_keys=[("feed_id", "feeds", "id")],
        if_not_exists=True,
    )
    articles = db.table("articles")
    articles.create_index(["feed_id", "guid"], if_not_exists=True)
    articles.create_index(["url"], if_not_exists=True)
    articles.create_index(["site", "title_key"], if_not_exists=True)
    articles.create_index(["sort_at"], if_not_exists=True)
    # replace=True: a run killed between the FTS table and its triggers is repaired on rerun.
    db.table("articles").enable_fts(
        ["title", "text"],
        fts_version="FTS5",
        tokenize="porter unicode61 remove_diacritics 2",
        create_triggers=True,
        replace=True,
    )


@migrations(name="0002_chats_subscriptions_outbox")
def _chats_subscriptions_outbox(db: sqlite_utils.Database) -> None:
    db.table("chats").create(
        {
            "id": int,
            "type": str,
            "title": str,
            "active": int,
            "created_at": str,
            "deactivated_reason": str,
        },
        pk="id",
        not_null={"active", "created_at"},
        defaults={"active": 1},
        if_not_exists=True,
    )
    db.table("subscriptions").create(
        {
            "id": int,
            "chat_id": int,
            "topic": str,
            "since_article_id": int,
            "active": int,
            "created_at": str,
        },
        pk="id",
        not_null={"chat_id", "topic", "since_article_id", "active", "created_at"},
        defaults={"active": 1},
        foreign_keys=[("chat_id", "chats", "id")],
        if_not_exists=True,
    )
    db.table("subscriptions").create_index(["chat_id", "active"], if_not_exists=True)
    db.table("outbox").create(
        {
            "id": int,
            "chat_id": int,
            "article_id": int,
            "subscription_id": int,
            "status": str,
            "attempts": int,
            "next_attempt_at": str,
            "created_at": str,
            "sent_at": str,
            "error": str,
        },
        pk="id",
        not_null={"chat_id", "article_id", "status", "attempts", "created_at"},
        defaults={"status": "pending", "attempts": 0},
        if_not_exists=True,
    )
    # At most one delivery per (chat, article), ever.
    db.table("outbox").create_index(["chat_id", "article_id"], unique=True, if_not_exists=True)
    db.table("outbox").create_index(["status", "next_attempt_at"], if_not_exists=True)
    # Small key/value state, e.g. the last article already matched against subscriptions.
    db.table("state").create({"key": str, "value": str}, pk="key", if_not_exists=True)


@migrations(name="0003_articles_sort_lookup")
def _articles_sort_lookup(db: sqlite_utils.Database) -> None:
    # Finding the newest of a few hundred matches reads each one's sort_at: from this small
    # index, not from the row, where sort_at lies after the text (on overflow pages).
    db.table("articles").create_index(["id", "sort_at"], if_not_exists=True)


@migrations(name="0004_outbox_round_robin")
def _outbox_round_robin(db: sqlite_utils.Database) -> None:
    # Round-robin delivery asks for each chat's oldest due alerts: this index answers both
    # "which chats have due alerts, since when" and "a chat's oldest due ones" by itself.
    db.table("outbox").create_index(
        ["status", "chat_id", "id", "next_attempt_at"], if_not_exists=True
    )


@migrations(name="0005_feeds_removed_at")
def _feeds_removed_at(db: sqlite_utils.Database) -> None:
    # A removed feed keeps its row, so its articles keep their source and come back with it.
    if "removed_at" not in db.table("feeds").columns_dict:
        db.table("feeds").add_column("removed_at", str)


@migrations(name="0006_forgotten_articles")
def _forgotten_articles(db: sqlite_utils.Database) -> None:
    # The keys of articles retention removed, so a feed still listing one does not bring it
    # back as new (bot/storage/retention.py).
    db.table("forgotten").create(
        {"id": int, "feed_id": int, "guid": str, "url": str, "forgotten_at": str},
        pk="id",
        not_null={"forgotten_at"},
        if_not_exists=True,
    )
    db.table("forgotten").create_index(["feed_id", "guid"], if_not_exists=True)
    db.table("forgotten").create_index(["url"], if_not_exists=True)
    db.table("forgotten").create_index(["forgotten_at"], if_not_exists=True)


@migrations(name="0007_chats_paused")
def _chats_paused(db: sqlite_utils.Database) -> None:
    # A group where the bot may not post: its alerts wait (bot/storage/outbox.py pause_chat).
    chats = db.table("chats")
    for column in ("paused_at", "paused_reason"):
        if column not in chats.columns_dict:
            chats.add_column(column, str)


@migrations(name="0008_article_stories")
def _article_stories(db: sqlite_utils.Database) -> None:
    # The story an article belongs to (the id of the story's first article); NULL until
    # grouped: bot.storage.stories groups the recent ones when it first loads its window.
    if "story_id" not in db.table("articles").columns_dict:
        db.table("articles").add_column("story_id", int)
    db.table("articles").create_index(["story_id"], if_not_exists=True)


@migrations(name="0009_daily_digests")
def _daily_digests(db: sqlite_utils.Database) -> None:
    # A chat's daily digest (local time and zone) and each day's digest, queued once a day
    # (unique chat + local day) and marked sent only after Telegram accepted it.
    db.table("digests").create(
        {"chat_id": int, "at": str, "zone": str, "active": int, "since": str},
        pk="chat_id",
        not_null={"at", "zone", "active", "since"},
        if_not_exists=True,
    )
    db.table("digest_runs").create(
        {
            "id": int,
            "chat_id": int,
            "day": str,
            "story_ids": str,
            "status": str,
            "attempts": int,
            "created_at": str,
            "sent_at": str,
            "error": str,
        },
        pk="id",
        not_null={"chat_id", "day", "story_ids", "status", "attempts", "created_at"},
        defaults={"status": "pending", "attempts": 0},
        if_not_exists=True,
    )
    db.table("digest_runs").create_index(["chat_id", "day"], unique=True, if_not_exists=True)
    db.table("digest_runs").create_index(["status"], if_not_exists=True)


@migrations(name="0010_news_and_links")
def _news_and_links(db: sqlite_utils.Database) -> None:
    articles, feeds = db.table("articles"), db.table("feeds")
    # origin: "feed" (polled), "first_poll" (stored by its feed's first poll: never alerted),
    # "page" (fetched for /summary: cached, but in no listing and no alert).
    if "origin" not in articles.columns_dict:
        articles.add_column("origin", str, not_null_default="feed")
    if "link" not in articles.columns_dict:  # the item's own link, as published
        articles.add_column("link", str)
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_articles_pages ON articles (id) WHERE origin = 'page'"
    )
    if "last_ok_at" not in feeds.columns_dict:  # the last successful poll (None: never)
        feeds.add_column("last_ok_at", str)
        db.execute(
            "UPDATE feeds SET last_ok_at = last_polled_at WHERE last_polled_at IS NOT NULL "
            "AND (failures = 0 OR EXISTS (SELECT 1 FROM articles a WHERE a.feed_id = feeds.id))"
        )
    # A counter every change to subscriptions moves, whoever writes: a matcher in another
    # process sees that its copy of the subscriptions is outdated.
    db.execute("INSERT OR IGNORE INTO state (key, value) VALUES ('subscriptions.version', '0')")
    for event in ("INSERT", "UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER IF NOT EXISTS subscriptions_version_{event.lower()} "
            f"AFTER {event} ON subscriptions BEGIN UPDATE state "
            "SET value = CAST(value AS INTEGER) + 1 WHERE key = 'subscriptions.version'; END"
        )


@migrations(name="0011_articles_site_name")
def _articles_site_name(db: sqlite_utils.Database) -> None:
    # The site's own name (og:site_name, JSON-LD publisher) for pages that belong to no feed.
    if "site_name" not in db.table("articles").columns_dict:
        db.table("articles").add_column("site_name", str)
