"""SIGKILL during alert delivery loses no alert and repeats only what was in flight; the bot
token never appears in the log.

The bot is a real `python -m bot run` child process talking to a BotAPIServer (the emulator
over HTTP) in this test's event loop, on a database prepared beforehand with many pending
alerts. It is killed (with its whole process group) at seeded random moments while digests go
out, and restarted until all are delivered. Telegram's side is the truth: the emulator's
stored messages say which alert each chat received how often, read from the "#id" that every
digest entry shows.
"""

from __future__ import annotations

import asyncio
import math
import random
import re
import signal
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.storage import Storage
from bot.telegram.delivery import MAX_PER_DIGEST
from bot.telegram.emulator import BotAPIEmulator, Call
from tests.support.botapi_http import BotAPIServer
from tests.support.crash import Child, exit_code, integrity, newsbot_env, printed_lines, until
from tests.support.outbox import queue_alerts

SEED = 20240311
TOKEN = "123:test"
CHATS = (1001, 1002, 1003, 1004, -4001, -1001000004001)  # private chats, a group, a supergroup
ARTICLES = 50  # each chat's pending alerts: 5 digests of 10, one message each
TOTAL = len(CHATS) * ARTICLES
KILLS = 4
DRAIN_SECONDS = 0.3  # after a kill: let the emulator answer what the dead bot had sent
ENTRY_ID = re.compile(r" · #(\d+)$", re.MULTILINE)  # the end of a digest entry's meta line
# Five articles per topic: each digest holds two topics' five, none folded ("and N more").
TOPICS = ("harbour", "ferry", "fishermen", "dock", "pier", "boats", "tides", "nets", "quay", "gull")
HEADER = re.compile(r"^🔔 New on (.+): (\d+) articles?\n")


def prepare(db: Path, chats: tuple[int, ...], articles: int) -> None:
    """Store `articles` articles on the topics, subscribe every chat, queue every alert."""
    storage = Storage(db)
    queue_alerts(storage, [(chat, articles) for chat in chats], TOPICS)
    storage.close()


def outbox_counts(db: Path) -> dict[str, int]:
    """Alerts by status, as a reader sees them now."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as conn:
        query = "SELECT status, count(*) FROM outbox GROUP BY status"
        return {status: count for status, count in conn.execute(query)}


def pending_messages(db: Path) -> int:
    """How many digest messages the pending alerts still make (MAX_PER_DIGEST per message)."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as conn:
        query = "SELECT count(*) FROM outbox WHERE status = 'pending' GROUP BY chat_id"
        return sum(math.ceil(n / MAX_PER_DIGEST) for (n,) in conn.execute(query))


def digest_ids(text: str) -> list[int]:
    """The article ids in one digest message (checked against the count in its header)."""
    header = HEADER.match(text)
    assert header is not None and set(header.group(1).split(", ")) <= set(TOPICS), text
    ids = [int(found) for found in ENTRY_ID.findall(text)]
    assert len(ids) == int(header.group(2)), text
    return ids


def received(emu: BotAPIEmulator, chat: int) -> list[list[int]]:
    """The article ids of each digest the chat received, in order."""
    return [digest_ids(message["text"]) for message in emu.sent_messages(chat)]


def accepted(emu: BotAPIEmulator) -> int:
    """sendMessage calls the emulator has accepted so far."""
    return sum(1 for call in emu.calls_to("sendMessage") if call.ok)


class KillSwitch:
    """Kills a child from the emulator's call listener the moment the emulator has accepted
    the `at`-th message, before the answer leaves: the bot never learns it was delivered."""

    def __init__(self, emu: BotAPIEmulator) -> None:
        self.emu = emu
        self.child: Child | None = None
        self.at = 0
        self.was_running = False
        emu.listen(self)

    def arm(self, child: Child, at: int) -> None:
        self.child, self.at = child, at

    def __call__(self, call: Call) -> None:
        child = self.child
        if child is not None and call.method == "sendMessage" and accepted(self.emu) >= self.at:
            self.was_running = child.kill()
            self.child = None


@dataclass(slots=True)
class Kill:
    """One kill: when it landed, and which digest was in flight to each chat."""

    moment: str  # "answered": in the emulator, before the answer; "later": up to 0.5 s after
    sent_in_run: int  # messages the killed run had delivered (the in-flight ones included)
    was_running: bool
    # chat -> index of the last digest the killed run delivered to it (None: it sent none).
    # The bot sends a chat's digests one by one, marking each sent before the next, so
    # this is the only one that can be delivered yet still pending in the outbox.
    in_flight: dict[int, int | None]


async def killed_run(
    n: int, emu: BotAPIServer, switch: KillSwitch, db: Path, moment: str, rng: random.Random
) -> Kill:
    """Start the bot, SIGKILL it while it delivers the first round of digests of this run."""
    env = newsbot_env(db, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=emu.base_url)
    before, pending = accepted(emu), pending_messages(db)
    had = {chat: len(emu.sent_messages(chat)) for chat in CHATS}
    assert pending, f"nothing is pending before kill {n}: {outbox_counts(db)}"
    target = before + rng.randint(1, min(len(CHATS), pending))
    child = Child(["run"], env, db.parent, f"run-{n}")
    try:
        if moment == "answered":
            switch.arm(child, target)
            await until(lambda: switch.child is None, child, f"message {target}")
            was_running = switch.was_running
        else:
            await until(lambda: accepted(emu) >= target, child, f"message {target}")
            await asyncio.sleep(rng.uniform(0.0, 0.5))
            was_running = child.kill()
    finally:
        if child.running():
            child.kill()
    await asyncio.sleep(DRAIN_SECONDS)
    now = {chat: len(emu.sent_messages(chat)) for chat in CHATS}
    in_flight = {chat: now[chat] - 1 if now[chat] > had[chat] else None for chat in CHATS}
    return Kill(moment, accepted(emu) - before, was_running, in_flight)


def repeats(digests: list[list[int]], in_flight: set[int | None]) -> tuple[int, set[int]]:
    """Alerts received more than once, and the digests whose alerts came again later.

    Asserts that every digest whose alerts came again was in flight at a kill.
    """
    last_copy: dict[int, int] = {}
    repeated, resent = 0, set()
    for index, ids in enumerate(digests):
        for article in ids:
            if article in last_copy:
                assert last_copy[article] in in_flight, (article, last_copy[article], in_flight)
                repeated += 1
                resent.add(last_copy[article])
            last_copy[article] = index
    return repeated, resent


async def test_sigkill_during_delivery_loses_no_alert_and_repeats_only_those_in_flight(
    tmp_path: Path,
) -> None:
    db = tmp_path / "delivery.db"
    prepare(db, CHATS, ARTICLES)
    rng = random.Random(SEED)
    moments = ["answered", "later"] * (KILLS // 2)
    rng.shuffle(moments)
    async with BotAPIServer(valid_token=TOKEN) as emu:
        switch = KillSwitch(emu)
        kills = []
        for n, moment in enumerate(moments):
            kills.append(await killed_run(n, emu, switch, db, moment, rng))
        env = newsbot_env(db, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=emu.base_url)
        final = Child(["run"], env, tmp_path, "final")
        try:
            await until(lambda: outbox_counts(db).get("pending", 0) == 0, final, "delivery")
            final.process.send_signal(signal.SIGTERM)
            assert await exit_code(final) == 0, final.output()
        finally:
            if final.running():
                final.kill()
        digests = {chat: received(emu, chat) for chat in CHATS}

    assert all(k.was_running and k.sent_in_run >= 1 for k in kills), kills
    assert "Traceback" not in final.output(), final.output()
    assert outbox_counts(db) == {"sent": TOTAL}
    assert integrity(db) == ("ok", "ok")
    expected = set(range(1, ARTICLES + 1))
    repeated, resent = 0, {}
    for chat, chat_digests in digests.items():
        assert {a for ids in chat_digests for a in ids} == expected, chat  # none lost
        chat_repeated, resent[chat] = repeats(chat_digests, {k.in_flight[chat] for k in kills})
        repeated += chat_repeated
    # chats per kill whose in-flight digest went out again after the restart
    again = [sum(k.in_flight[chat] in resent[chat] for chat in CHATS) for k in kills]
    # A bot killed before Telegram's answer reached it must send that digest again.
    assert all(n >= 1 for k, n in zip(kills, again, strict=True) if k.moment == "answered")
    messages = sum(len(d) for d in digests.values())
    each = ", ".join(
        f"{k.moment} after {k.sent_in_run} sent: {n} again"
        for k, n in zip(kills, again, strict=True)
    )
    print(
        f"\ndelivery under SIGKILL: {TOTAL} alerts to {len(CHATS)} chats, {KILLS} kills "
        f"({each}); {messages} messages, {sum(again)} digests re-sent = {repeated} alerts "
        "repeated, each in flight at a kill; 0 lost"
    )


SECRET_TOKEN = "7000000001:AAF3kq9ZtLeakCheckSecret0123456789"
SECRET_PART = SECRET_TOKEN.partition(":")[2]
REJECTED = "newsbot: Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather)."


def leak_env(db: Path, emu: BotAPIServer, **overrides: str) -> dict[str, str]:
    return newsbot_env(
        db, TELEGRAM_BOT_TOKEN=SECRET_TOKEN, TELEGRAM_API_BASE_URL=emu.base_url, **overrides
    )


def assert_no_token(output: str) -> None:
    assert SECRET_TOKEN not in output and SECRET_PART not in output, output


async def test_the_token_is_not_logged_at_debug_level_when_telegram_fails(
    tmp_path: Path,
) -> None:
    db = tmp_path / "leak.db"
    prepare(db, CHATS[:3], 3)
    failing, refused, fine = CHATS[:3]
    async with BotAPIServer(valid_token=SECRET_TOKEN) as emu:
        emu.fail("getUpdates", times=2, error_code=502, description="Bad Gateway")
        emu.fail(
            "sendMessage", error_code=500, description="Internal Server Error", chat_id=failing
        )
        emu.fail(
            "sendMessage",
            error_code=400,
            description="Bad Request: can't parse entities",
            chat_id=refused,
        )
        emu.push_message("/help", chat_id=fine, user_id=fine)
        env = leak_env(db, emu, NEWSBOT_LOG_LEVEL="DEBUG")
        child = Child(["-v", "run"], env, tmp_path, "debug")
        try:
            sends = "the /help reply and 3 digests (2 refused)"
            await until(lambda: len(emu.calls_to("sendMessage")) >= 4, child, sends)
            child.process.send_signal(signal.SIGTERM)
            assert await exit_code(child) == 0, child.output()
        finally:
            if child.running():
                child.kill()
        failed = [c for c in emu.calls_to("sendMessage") if not c.ok]
    output = child.output()
    assert len(failed) == 2 and " DEBUG " in output, output
    assert "Alert delivery to 1001 failed" in output and "refused an alert" in output, output
    assert_no_token(output)
    assert "/bot[bot token]" in output  # PTB logged its API URL, redacted


@pytest.mark.parametrize("args", [[], ["-v"]], ids=["default", "verbose"])
async def test_a_rejected_token_is_reported_in_one_line_without_the_token(
    tmp_path: Path, args: list[str]
) -> None:
    async with BotAPIServer(valid_token="1:another-token") as emu:
        child = Child([*args, "run"], leak_env(tmp_path / "rejected.db", emu), tmp_path, "run")
        try:
            assert await exit_code(child) == 1, child.output()
        finally:
            if child.running():
                child.kill()
        (get_me,) = emu.calls_to("getMe")
    output = child.output()
    assert get_me.answer["error_code"] == 401
    assert_no_token(output)
    printed = printed_lines(output)
    assert printed == [REJECTED], output  # no traceback, just the one line
