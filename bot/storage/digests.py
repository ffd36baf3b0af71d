"""Daily digests: each chat's time and zone, and the digest of each day, queued at most once
(one row per chat and local day) and marked sent only after Telegram accepted it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.storage.database import utcnow
from bot.storage.transactions import write

MAX_ATTEMPTS = 5  # a digest that failed this often is given up (the error is kept)


@dataclass(slots=True)
class DigestSetting:
    """When a chat gets its digest: `at` ("07:30") in `zone` ("Europe/Berlin")."""

    chat_id: int
    at: str
    zone: str
    active: bool
    since: str  # when it was set: a digest is due only at a time after this

    def due_day(self, now: datetime) -> str | None:
        """The local day whose digest is due at `now` (aware), or None."""
        local = now.astimezone(ZoneInfo(self.zone))
        hour, minute = map(int, self.at.split(":"))
        moment = datetime.combine(local.date(), time(hour, minute), local.tzinfo)
        if not self.active or local < moment or moment <= datetime.fromisoformat(self.since):
            return None
        return local.date().isoformat()


@dataclass(slots=True)
class DigestRun:
    """One day's digest for one chat, waiting to be sent."""

    id: int
    chat_id: int
    day: str
    story_ids: list[int]
    attempts: int


class DigestStore:
    """Settings and the queue of daily digests."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def set(self, chat_id: int, at: str, zone: str) -> DigestSetting:
        """Turn the chat's digest on at `at` in `zone`."""
        with write(self.db):
            self.db.conn.execute(
                "INSERT INTO digests (chat_id, at, zone, active, since) VALUES (?, ?, ?, 1, ?) "
                "ON CONFLICT (chat_id) DO UPDATE SET at = excluded.at, zone = excluded.zone, "
                "active = 1, since = excluded.since",
                [chat_id, at, zone, utcnow()],
            )
        found = self.get(chat_id)
        assert found is not None
        return found

    def off(self, chat_id: int) -> bool:
        """Turn the chat's digest off (its zone is remembered); whether it was on."""
        with write(self.db):
            cursor = self.db.conn.execute(
                "UPDATE digests SET active = 0 WHERE chat_id = ? AND active = 1", [chat_id]
            )
        return cursor.rowcount > 0

    def get(self, chat_id: int) -> DigestSetting | None:
        row = self.db.conn.execute(
            "SELECT chat_id, at, zone, active, since FROM digests WHERE chat_id = ?", [chat_id]
        ).fetchone()
        return DigestSetting(row[0], row[1], row[2], bool(row[3]), row[4]) if row else None

    def active(self) -> list[DigestSetting]:
        rows = self.db.conn.execute(
            "SELECT chat_id, at, zone, active, since FROM digests WHERE active = 1"
        )
        return [DigestSetting(r[0], r[1], r[2], True, r[4]) for r in rows]

    def has_run(self, chat_id: int, day: str) -> bool:
        row = self.db.conn.execute(
            "SELECT 1 FROM digest_runs WHERE chat_id = ? AND day = ?", [chat_id, day]
        ).fetchone()
        return row is not None

    def queue(self, chat_id: int, day: str, story_ids: list[int]) -> bool:
        """Queue the chat's digest of `day` unless it was queued already; whether it is new."""
        with write(self.db):
            cursor = self.db.conn.execute(
                "INSERT OR IGNORE INTO digest_runs (chat_id, day, story_ids, status, attempts, "
                "created_at) VALUES (?, ?, ?, 'pending', 0, ?)",
                [chat_id, day, json.dumps(story_ids), utcnow()],
            )
        return cursor.rowcount > 0

    def pending(self) -> list[DigestRun]:
        rows = self.db.conn.execute(
            "SELECT id, chat_id, day, story_ids, attempts FROM digest_runs "
            "WHERE status = 'pending' ORDER BY id"
        )
        return [DigestRun(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]

    def sent(self, run_id: int) -> None:
        with write(self.db):
            self.db.conn.execute(
                "UPDATE digest_runs SET status = 'sent', sent_at = ? WHERE id = ?",
                [utcnow(), run_id],
            )

    def failed(self, run: DigestRun, error: str, *, final: bool = False) -> None:
        """Count a failed attempt; give up after MAX_ATTEMPTS (or at once when `final`)."""
        give_up = final or run.attempts + 1 >= MAX_ATTEMPTS
        with write(self.db):
            self.db.conn.execute(
                "UPDATE digest_runs SET attempts = attempts + 1, error = ?, status = ? "
                "WHERE id = ?",
                [error[:500], "failed" if give_up else "pending", run.id],
            )
