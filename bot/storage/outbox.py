"""The outbox of topic alerts: each (chat, article) at most once, marked sent only after Telegram
accepted it, so a crash or restart never loses or repeats an alert."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import sqlite_utils

from bot.storage.database import utcnow
from bot.storage.state import get_state, set_state
from bot.storage.transactions import write

MATCHED_THROUGH = "alerts.matched_through"


@dataclass(slots=True)
class Delivery:
    """One pending alert: an article for a chat, found by a subscription."""

    id: int
    chat_id: int
    article_id: int
    subscription_id: int
    attempts: int


class Outbox:
    """Queues alerts, hands out the due ones, and records how each send went."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def matched_through(self) -> int | None:
        """The last article id already matched against subscriptions (None: never ran)."""
        value = get_state(self.db, MATCHED_THROUGH)
        return int(value) if value is not None else None

    def enqueue(self, matches: list[tuple[int, int, int]], matched_through: int) -> int:
        """Queue (chat, article, subscription) alerts and move the matching cursor, atomically.

        A pair already queued (or sent) is ignored; returns how many were queued. Inside a
        transaction the writes join it.
        """
        now = utcnow()
        with write(self.db):
            before = self.db.conn.total_changes
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO outbox (chat_id, article_id, subscription_id, status, "
                "attempts, next_attempt_at, created_at) VALUES (?, ?, ?, 'pending', 0, ?, ?)",
                [(chat, article, sub, now, now) for chat, article, sub in matches],
            )
            queued = self.db.conn.total_changes - before
            set_state(self.db, MATCHED_THROUGH, str(matched_through))
        return queued

    def due(
        self, chats: int = 300, per_chat: int = 10, exclude: Collection[int] = ()
    ) -> list[Delivery]:
        """Due alerts for round-robin delivery: up to `per_chat` of each chat's, oldest first,
        for the `chats` chats whose oldest due alert has waited longest (none of `exclude`).

        The rows come grouped by chat in that order, so one chat's backlog never hides
        another chat's alerts.
        """
        now, skip = utcnow(), list(exclude)
        marks = ",".join("?" * len(skip))
        firsts = self.db.execute(
            "SELECT chat_id, min(id) AS first FROM outbox "
            f"WHERE status = 'pending' AND next_attempt_at <= ? AND chat_id NOT IN ({marks}) "
            "GROUP BY chat_id ORDER BY first LIMIT ?",
            [now, *skip, chats],
        ).fetchall()
        due: list[Delivery] = []
        for chat_id, _ in firsts:
            due += [
                Delivery(*row)
                for row in self.db.execute(
                    "SELECT id, chat_id, article_id, subscription_id, attempts FROM outbox "
                    "WHERE status = 'pending' AND chat_id = ? AND next_attempt_at <= ? "
                    "ORDER BY id LIMIT ?",
                    [chat_id, now, per_chat],
                )
            ]
        return due

    def mark_sent(self, ids: Sequence[int], folded: Sequence[int] = ()) -> None:
        """Telegram accepted these alerts, and a digest that counted the `folded` ones
        ("and N more"): those wait, status 'folded', until someone opens them."""
        with write(self.db):
            self._set(ids, "status = 'sent', sent_at = ?, error = NULL", [utcnow()])
            self._set(folded, "status = 'folded', sent_at = ?, error = NULL", [utcnow()])

    def folded(self, chat_id: int, sub_id: int, count: int) -> tuple[list[int], int]:
        """The article ids of the chat's next `count` folded alerts of a subscription, now
        marked sent, and how many stay folded."""
        with write(self.db):
            rows = self.db.execute(
                "SELECT id, article_id FROM outbox WHERE chat_id = ? AND subscription_id = ? "
                "AND status = 'folded' ORDER BY id LIMIT ?",
                [chat_id, sub_id, count],
            ).fetchall()
            self._set([row[0] for row in rows], "status = 'sent'", [])
            (left,) = self.db.execute(
                "SELECT count(*) FROM outbox WHERE chat_id = ? AND subscription_id = ? "
                "AND status = 'folded'",
                [chat_id, sub_id],
            ).fetchone()
        return [row[1] for row in rows], int(left)

    def retry_later(self, ids: list[int], seconds: float, error: str) -> None:
        """A temporary failure: try again after `seconds`."""
        self._set(
            ids, "attempts = attempts + 1, next_attempt_at = ?, error = ?", [utcnow(seconds), error]
        )

    def mark_failed(self, ids: list[int], error: str) -> None:
        """A permanent failure: never try these again."""
        self._set(ids, "status = 'failed', attempts = attempts + 1, error = ?", [error])

    def pause_chat(self, chat_id: int, seconds: float, reason: str) -> tuple[bool, str | None]:
        """Hold a chat's pending alerts for `seconds` (the bot may not post there); return
        whether it was not paused before (so its admins are told once) and its title."""
        with write(self.db):
            row = self.db.execute(
                "SELECT paused_at, title FROM chats WHERE id = ?", [chat_id]
            ).fetchone()
            self.db.execute(
                "UPDATE chats SET paused_at = coalesce(paused_at, ?), paused_reason = ? "
                "WHERE id = ?",
                [utcnow(), reason, chat_id],
            )
            self.db.execute(
                "UPDATE outbox SET next_attempt_at = ?, error = ? "
                "WHERE chat_id = ? AND status = 'pending'",
                [utcnow(seconds), reason, chat_id],
            )
        return (row is None or row[0] is None), (row[1] if row else None)

    def resume_chat(self, chat_id: int) -> bool:
        """The bot may post in the chat again: its held alerts are due now; return whether
        it had been paused."""
        with write(self.db):
            paused = self.db.execute(
                "UPDATE chats SET paused_at = NULL, paused_reason = NULL "
                "WHERE id = ? AND paused_at IS NOT NULL",
                [chat_id],
            ).rowcount
            if paused:
                self.db.execute(
                    "UPDATE outbox SET next_attempt_at = ? "
                    "WHERE chat_id = ? AND status = 'pending'",
                    [utcnow(), chat_id],
                )
        return bool(paused)

    def counts(self) -> dict[str, int]:
        """How many alerts are sent, pending, failed and folded (counted in a digest)."""
        counts = {"sent": 0, "pending": 0, "failed": 0, "folded": 0}
        for row in self.db.query("SELECT status, count(*) AS n FROM outbox GROUP BY status"):
            counts[row["status"]] = row["n"]
        return counts

    def _set(self, ids: Sequence[int], assignments: str, params: list[object]) -> None:
        if not ids:
            return
        marks = ",".join("?" * len(ids))
        with write(self.db):
            self.db.execute(
                f"UPDATE outbox SET {assignments} WHERE id IN ({marks})", [*params, *ids]
            )
