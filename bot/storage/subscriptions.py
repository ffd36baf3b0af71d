"""Chats and their topic subscriptions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlite_utils

from bot.storage.database import utcnow
from bot.storage.transactions import write


class SubscriptionLimitError(Exception):
    """The chat already has as many subscriptions as it may have."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"at most {limit} subscriptions per chat")
        self.limit = limit


@dataclass(slots=True)
class Subscription:
    """One chat's standing request for articles on a topic."""

    id: int
    chat_id: int
    topic: str
    since_article_id: int
    created_at: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Subscription:
        """Build from a `subscriptions` row."""
        return cls(
            row["id"], row["chat_id"], row["topic"], row["since_article_id"], row["created_at"]
        )


class SubscriptionStore:
    """Keeps chats and their active subscriptions; follows group migrations and blocks."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def ensure_chat(
        self, chat_id: int, chat_type: str = "private", title: str | None = None
    ) -> None:
        """Record a chat (again active if it had been deactivated)."""
        with write(self.db):
            self.db.execute(
                "INSERT INTO chats (id, type, title, active, created_at) VALUES (?, ?, ?, 1, ?) "
                "ON CONFLICT(id) DO UPDATE SET type = excluded.type, "
                "title = coalesce(excluded.title, chats.title), active = 1, "
                "deactivated_reason = NULL",
                [chat_id, chat_type, title, utcnow()],
            )

    def add(
        self, chat_id: int, topic: str, since_article_id: int, *, limit: int | None = None
    ) -> tuple[Subscription, bool]:
        """Subscribe a chat to a topic (its display text); return it and whether it is new.

        Raises SubscriptionLimitError when the chat already has `limit` subscriptions: counted
        in the transaction that inserts, so two requests at once cannot both pass.
        """
        with write(self.db):
            subs = self.for_chat(chat_id)
            for sub in subs:
                if sub.topic.casefold() == topic.casefold():
                    return sub, False
            if limit is not None and len(subs) >= limit:
                raise SubscriptionLimitError(limit)
            cursor = self.db.execute(
                "INSERT INTO subscriptions (chat_id, topic, since_article_id, active, created_at) "
                "VALUES (?, ?, ?, 1, ?)",
                [chat_id, topic, since_article_id, utcnow()],
            )
            added = self.get(int(cursor.lastrowid or 0))
        assert added is not None
        return added, True

    def get(self, sub_id: int) -> Subscription | None:
        """An active subscription by id."""
        rows = list(
            self.db.query("SELECT * FROM subscriptions WHERE id = ? AND active = 1", [sub_id])
        )
        return Subscription.from_row(rows[0]) if rows else None

    def for_chat(self, chat_id: int) -> list[Subscription]:
        """A chat's active subscriptions, oldest first (the numbering users see)."""
        return [
            Subscription.from_row(row)
            for row in self.db.query(
                "SELECT * FROM subscriptions WHERE chat_id = ? AND active = 1 ORDER BY id",
                [chat_id],
            )
        ]

    def all_active(self) -> list[Subscription]:
        """Every active subscription (for building the matching index)."""
        return [
            Subscription.from_row(row)
            for row in self.db.query("SELECT * FROM subscriptions WHERE active = 1 ORDER BY id")
        ]

    def remove(self, chat_id: int, sub_ids: list[int]) -> int:
        """Deactivate some of a chat's subscriptions; return how many were active."""
        if not sub_ids:
            return 0
        marks = ",".join("?" * len(sub_ids))
        with write(self.db):
            cursor = self.db.execute(
                f"UPDATE subscriptions SET active = 0 WHERE chat_id = ? AND active = 1 "
                f"AND id IN ({marks})",
                [chat_id, *sub_ids],
            )
        return cursor.rowcount

    def deactivate_chat(self, chat_id: int, reason: str) -> None:
        """The chat blocked the bot or is gone: stop everything for it."""
        with write(self.db):
            self.db.execute(
                "UPDATE chats SET active = 0, deactivated_reason = ? WHERE id = ?",
                [reason, chat_id],
            )
            self.db.execute("UPDATE subscriptions SET active = 0 WHERE chat_id = ?", [chat_id])
            self.db.execute(
                "UPDATE outbox SET status = 'failed', error = ? "
                "WHERE chat_id = ? AND status = 'pending'",
                [reason, chat_id],
            )

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its subscriptions and pending alerts follow it."""
        with write(self.db):
            row = next(self.db.query("SELECT * FROM chats WHERE id = ?", [old_id]), None)
            self.ensure_chat(new_id, "supergroup", row["title"] if row else None)
            self.db.execute(
                "UPDATE subscriptions SET chat_id = ? WHERE chat_id = ?", [new_id, old_id]
            )
            self.db.execute(
                "UPDATE OR IGNORE outbox SET chat_id = ? WHERE chat_id = ?", [new_id, old_id]
            )
            self.db.execute(
                "UPDATE chats SET active = 0, deactivated_reason = ? WHERE id = ?",
                [f"migrated to {new_id}", old_id],
            )

    def counts(self) -> dict[str, int]:
        """Active chats and active subscriptions."""
        chats = self.db.execute("SELECT count(*) FROM chats WHERE active = 1").fetchone()[0]
        subs = self.db.execute("SELECT count(*) FROM subscriptions WHERE active = 1").fetchone()[0]
        return {"chats": int(chats), "subscriptions": int(subs)}
