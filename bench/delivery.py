"""Alert delivery under load: many feeds publishing, many chats subscribed, Telegram's limits.

    python -m bench.delivery           # 20 feeds x 30 chats x 60 subscriptions, ~40 s
    python -m bench.delivery --full    # 200 feeds x 300 chats x 600 subscriptions, ~4 min

Everything runs in this process: loopback news sites on 127.0.0.1 (bench/loopback.py), the
Bot API emulator (reached through EmulatorRequest, as `newsbot chat` does) enforcing Telegram's
flood limits (30 messages/s overall, 1/s per chat, 20/min per group; a 429 otherwise), and the
real bot (build_application: its poll and delivery jobs, its rate limiter) polling the feeds
every 10 s (NEWSBOT_POLL_SECONDS' smallest value). Every feed publishes a new item about every
20 s (staggered) for the publishing time; each item names one of 60 made-up topic words, and
each chat follows two of them (one chat in five is a group). The feeds are read once before
anything is published, so nothing old is alerted.

Telegram's side is the truth: every accepted sendMessage is parsed for the item titles it
carries. Reported: pairs (chat, item) expected, delivered, still pending at the end, folded
(counted in a digest's "and N more", behind its button), lost (expected, none of those: must
be 0), doubled (delivered twice: must be 0),
messages per second while delivering, 429s, and the latency from publication (the moment the
item appeared in its feed) to the sendMessage that carried it, p50 and p95, also for the chats
with the least traffic ("quiet"). The baseline, measured in the same run with the same load, is
the delivery before round-robin: a run takes `ORDER BY chat_id, id LIMIT 500`, sends each
chat's digests in a row and waits for the slowest chat, with PTB's AIORateLimiter.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import random
import re
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from telegram import Bot
from telegram.ext import AIORateLimiter

from bench import loopback
from bot.config import Settings
from bot.newsroom import AlertBatch, Newsroom
from bot.storage import Delivery
from bot.telegram import app as bot_app
from bot.telegram import delivery
from bot.telegram.app import DELIVERY_JOB, build_application
from bot.telegram.emulator import BotAPIEmulator, Call, EmulatorRequest
from bot.telegram.runner import ALLOWED_UPDATES

TOKEN = "123456:bench"
SEED = 15
WORDS = 60
PUBLISH_EVERY = 20.0  # seconds between two items of one feed
POLL_SECONDS = 10
TITLE = re.compile(r"Bulletin (\d+)-(\d+) on")


def word(n: int) -> str:
    """The n-th made-up topic word (letters only, no stop word, stems to itself)."""
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    return "q" + consonants[n % 14] + vowels[(n // 14) % 5] + consonants[(n // 70 + n) % 14] + "ix"


@dataclass(slots=True)
class Plan:
    """Who follows what, and when each item appeared."""

    feeds: int
    chats: list[int]
    follows: dict[int, list[int]]  # chat -> topic words it follows
    followers: dict[int, list[int]] = field(default_factory=dict)  # word -> chats
    published: dict[tuple[int, int], float] = field(default_factory=dict)  # item -> monotonic
    topic_of: dict[tuple[int, int], int] = field(default_factory=dict)


def make_plan(feeds: int, chats: int, subscriptions: int, rng: random.Random) -> Plan:
    ids = [(-4_000_000 - n) if n % 5 == 4 else 1_000_000 + n for n in range(chats)]
    per_chat = max(1, subscriptions // chats)
    follows = {chat: rng.sample(range(WORDS), per_chat) for chat in ids}
    plan = Plan(feeds, ids, follows)
    for chat, words in follows.items():
        for w in words:
            plan.followers.setdefault(w, []).append(chat)
    return plan


def name(n: int) -> str:
    """The n-th made-up name (capitalised, never a topic word): every item's people and places
    are its own, so that items of different feeds are different stories, as real news is."""
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    syllables = []
    for _ in range(4):
        syllables.append(consonants[n % 14] + vowels[(n // 14) % 5])
        n //= 70
    return "Zo" + "".join(syllables)


def item_xml(feed: int, number: int, topic: int, when: datetime) -> str:
    who = [name(feed * 10_000 + number * 10 + slot) for slot in range(5)]
    text = (
        f"<p>{who[0]} said the {word(topic)} plan for {who[1]} moved ahead after "
        f"{who[2]} spoke.</p><p>{who[3]} asked how the {word(topic)} work would change "
        f"{who[1]}, and {who[4]} promised answers.</p>"
        f"<p>A decision on bulletin {number} from {who[4]} is due at the next meeting.</p>"
    )
    return (
        f"<item><title>Bulletin {feed}-{number} on {word(topic)}</title>"
        f"<link>https://news{feed}.example.org/{number}</link>"
        f"<guid>news{feed}-{number}</guid><pubDate>{format_datetime(when)}</pubDate>"
        f"<description>Bulletin {number}</description>"
        f"<content:encoded><![CDATA[{text}]]></content:encoded></item>"
    )


class Sites:
    """The feeds: each keeps its newest 20 items; publish() adds one now."""

    def __init__(self, site: loopback.Site, plan: Plan, rng: random.Random) -> None:
        self.site, self.plan, self.rng = site, plan, rng
        self.items: dict[int, list[str]] = {f: [] for f in range(plan.feeds)}
        self.counts = Counter[int]()

    def url(self, feed: int) -> str:
        return self.site.url(f"/feed{feed}.xml")

    def publish(self, feed: int, record: bool = True) -> None:
        number = self.counts[feed] = self.counts[feed] + 1
        topic = self.rng.randrange(WORDS)
        self.items[feed].insert(0, item_xml(feed, number, topic, datetime.now(UTC)))
        del self.items[feed][20:]
        self.site.add(
            f"/feed{feed}.xml",
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>District {feed} news</title><link>https://news{feed}.example.org/</link>"
            f"{''.join(self.items[feed])}</channel></rss>",
            "application/rss+xml",
        )
        if record:
            self.plan.published[(feed, number)] = time.monotonic()
            self.plan.topic_of[(feed, number)] = topic


class OldDelivery(delivery.AlertDelivery):
    """The delivery before round-robin (the baseline): a run takes the 500 due alerts with the
    lowest chat ids, sends each chat's digests one after another, 8 chats at a time, and ends
    when the slowest chat is done."""

    async def run(self, bot: Bot) -> delivery.DeliveryReport:
        async with self._lock:  # one run at a time, as before
            report = delivery.DeliveryReport()
            await self.newsroom.match_alerts()
            batches = await self.newsroom.run.db(self._old_due)
            gate = asyncio.Semaphore(8)

            async def one(batch: AlertBatch) -> None:
                async with gate:
                    await self._deliver(bot, batch, report)

            await asyncio.gather(*(one(b) for b in batches), return_exceptions=True)
            return report

    def _old_due(self) -> list[AlertBatch]:
        storage = self.newsroom.storage
        rows = storage.db.execute(
            "SELECT id, chat_id, article_id, subscription_id, attempts FROM outbox "
            "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY chat_id, id LIMIT 500",
            [datetime.now(UTC).isoformat(timespec="seconds")],
        ).fetchall()
        batches: dict[int, AlertBatch] = {}
        for row in rows:
            d = Delivery(*row)
            article = storage.articles.get(d.article_id)
            assert article is not None
            batch = batches.setdefault(d.chat_id, AlertBatch(d.chat_id, [], []))
            batch.deliveries.append(d)
            batch.articles.append(article)
        return list(batches.values())


@dataclass(slots=True)
class Result:
    variant: str
    expected: int
    delivered: int
    pending: int
    folded: int
    lost: int
    doubled: int
    messages: int
    rate: float
    peak: int
    floods: int
    p50: float
    p95: float
    delivered_p95: float
    queued_p50: float
    queued_p95: float
    quiet_p95: float
    seconds: float


def percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def one_run(
    variant: str, size: tuple[int, int, int], publish_seconds: float, drain: float, workdir: Path
) -> Result:
    rng = random.Random(SEED)
    plan = make_plan(*size, rng)
    site = await loopback.Site().start()
    sites = Sites(site, plan, rng)
    for feed in range(plan.feeds):
        sites.publish(feed, record=False)  # read at the first poll: never alerted
    settings = Settings(
        telegram_token=TOKEN,
        db_path=str(workdir / f"{variant}.db"),
        feeds=tuple(sites.url(f) for f in range(plan.feeds)),
        poll_seconds=POLL_SECONDS,
        allow_private_urls=True,
        fetch_host_delay=0.0,
        fetch_concurrency=16,
        max_subscriptions=50,
    )
    setup = Newsroom(settings)
    await setup.open()
    await setup.ingest()  # the first poll: nothing in it is news
    for chat, words in plan.follows.items():
        for w in words:
            await setup.subscribe(chat, word(w), "private" if chat > 0 else "group")
    await setup.close()
    emu = BotAPIEmulator(valid_token=TOKEN)
    emu.flood_limits(per_chat_per_second=1, per_group_per_minute=20, global_per_second=30)
    app = build_application(settings, token=TOKEN, request=EmulatorRequest(emu))
    if variant == "baseline":
        app.bot._rate_limiter = AIORateLimiter(
            overall_max_rate=25, group_max_rate=19, max_retries=3
        )
    await app.initialize()
    assert app.post_init is not None and app.updater is not None
    await app.post_init(app)
    if variant == "baseline":
        (job,) = app.job_queue.get_jobs_by_name(DELIVERY_JOB)  # type: ignore[union-attr]
        job.data = OldDelivery(app.bot_data[bot_app.NEWSROOM_KEY])
    await app.updater.start_polling(poll_interval=0, timeout=10, allowed_updates=ALLOWED_UPDATES)
    await app.start()
    start = time.monotonic()
    clock_offset = time.time() - start
    offsets = {f: rng.uniform(0, PUBLISH_EVERY) for f in range(plan.feeds)}
    published = Counter[int]()
    while (now := time.monotonic() - start) < publish_seconds:
        for feed, offset in offsets.items():
            while offset + published[feed] * PUBLISH_EVERY <= now:
                published[feed] += 1
                sites.publish(feed)
        await asyncio.sleep(0.05)
    expected = {
        (chat, item)
        for item, topic in plan.topic_of.items()
        for chat in plan.followers.get(topic, [])
    }
    drain_until = time.monotonic() + drain
    for _ in range(int(drain / 0.5)):  # until all arrived, or the drain time is over
        if time.monotonic() > drain_until or expected <= {p for p, _ in _seen(emu, plan)}:
            break
        await asyncio.sleep(0.5)
    end = time.monotonic()
    await app.updater.stop()
    await app.stop()  # lets a delivery run in progress finish
    await app.shutdown()
    seen = _seen(emu, plan)  # every message the bot sent, the last ones included
    assert app.post_shutdown is not None
    pending, folded, queued = await _pending_pairs(app.bot_data[bot_app.NEWSROOM_KEY], plan)
    # The emulator stamps calls with time.monotonic(); the outbox, with the wall clock.
    queued_mono = {pair: when - clock_offset for pair, when in queued.items()}
    await app.post_shutdown(app)
    sends = [c for c in emu.calls_to("sendMessage") if c.ok]
    floods = len(emu.flood_violations)
    await site.stop()
    return _result(
        variant, plan, expected, seen, (pending, folded, queued_mono), sends, floods, end - start
    )


def _seen(emu: BotAPIEmulator, plan: Plan) -> list[tuple[tuple[int, tuple[int, int]], float]]:
    """Every (chat, item) a sent message carried, with when it was sent."""
    found = []
    for call in emu.calls_to("sendMessage"):
        if call.ok:
            chat = int(call.params["chat_id"])
            for feed, number in TITLE.findall(call.result["text"]):
                found.append(((chat, (int(feed), int(number))), call.time))
    return found


Pair = tuple[int, tuple[int, int]]  # (chat, (feed, item number))


async def _pending_pairs(
    newsroom: Newsroom, plan: Plan
) -> tuple[set[Pair], set[Pair], dict[Pair, float]]:
    """(chat, item) alerts the outbox still holds (with items published but not read yet),
    those folded into a digest's "and N more", and when each was queued (epoch seconds)."""

    def pairs(status: str) -> set[Pair]:
        rows = newsroom.storage.db.execute(
            "SELECT o.chat_id, a.title FROM outbox o JOIN articles a ON a.id = o.article_id "
            "WHERE o.status = ?",
            [status],
        ).fetchall()
        return {
            (chat, (int(found.group(1)), int(found.group(2))))
            for chat, title in rows
            if (found := TITLE.match(title))
        }

    def load() -> tuple[set[Pair], set[Pair], dict[Pair, float]]:
        storage = newsroom.storage
        held = pairs("pending")
        queued = {
            (chat, (int(found.group(1)), int(found.group(2)))): datetime.fromisoformat(
                created
            ).timestamp()
            for chat, title, created in storage.db.execute(
                "SELECT o.chat_id, a.title, o.created_at FROM outbox o "
                "JOIN articles a ON a.id = o.article_id"
            )
            if (found := TITLE.match(title))
        }
        stored = {
            (int(m.group(1)), int(m.group(2)))
            for (title,) in storage.db.execute("SELECT title FROM articles")
            if (m := TITLE.match(title))
        }
        for item, topic in plan.topic_of.items():
            if item not in stored:
                held |= {(chat, item) for chat in plan.followers.get(topic, [])}
        return held, pairs("folded"), queued

    return await newsroom.run.db(load)


def _result(
    variant: str,
    plan: Plan,
    expected: set[tuple[int, tuple[int, int]]],
    seen: list[tuple[tuple[int, tuple[int, int]], float]],
    held: tuple[set[Pair], set[Pair], dict[Pair, float]],
    sends: list[Call],
    floods: int,
    seconds: float,
) -> Result:
    pending, folded, queued = held
    counts = Counter(pair for pair, _ in seen)
    first: dict[tuple[int, tuple[int, int]], float] = {}
    for pair, when in seen:
        first.setdefault(pair, when)
    delivered = set(first) & expected
    # An alert not delivered by the end has waited longer than any: it counts as infinite,
    # so a percentile is "inf" when more than its share of alerts never arrived.
    # Folded alerts ("and N more") are left out: no message names them.
    latency = {
        pair: first[pair] - plan.published[pair[1]] if pair in delivered else math.inf
        for pair in expected - (folded - delivered)
    }
    traffic = Counter(chat for chat, _ in expected)
    quiet = {chat for chat, n in traffic.items() if n <= statistics.median(traffic.values())}
    times = [c.time for c in sends]
    busy = (max(times) - min(times)) if len(times) > 1 else 1.0
    peak = max(Counter(int(t) for t in times).values(), default=0)
    return Result(
        variant=variant,
        expected=len(expected),
        delivered=len(delivered),
        pending=len((expected - delivered) & pending),
        folded=len((expected - delivered) & folded),
        lost=len(expected - delivered - pending - folded),
        doubled=sum(1 for n in counts.values() if n > 1),
        messages=len(sends),
        rate=len(sends) / busy,
        peak=peak,
        floods=floods,
        p50=percentile(list(latency.values()), 0.5),
        p95=percentile(list(latency.values()), 0.95),
        delivered_p95=percentile([v for v in latency.values() if v < math.inf], 0.95),
        # Delivery's own share: from the alert's queueing (after its article was stored and
        # matched) to its sendMessage; the outbox stamps whole seconds.
        queued_p50=percentile(_waits(latency, first, queued), 0.5),
        queued_p95=percentile(_waits(latency, first, queued), 0.95),
        quiet_p95=percentile([v for (c, _), v in latency.items() if c in quiet], 0.95),
        seconds=seconds,
    )


def _waits(
    latency: dict[Pair, float], first: dict[Pair, float], queued: dict[Pair, float]
) -> list[float]:
    """Queued-to-sent seconds of every pair that was queued (infinite if never sent)."""
    return [
        max(0.0, first[pair] - queued[pair]) if latency[pair] < math.inf else math.inf
        for pair in latency
        if pair in queued
    ]


def main(argv: Sequence[str] | None = None) -> list[tuple[str, str, str, str, str]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="200 feeds x 300 chats x 600 subs")
    parser.add_argument("--publish-seconds", type=float)
    parser.add_argument("--no-baseline", action="store_true", help="only today's delivery")
    args = parser.parse_args(argv)
    size = (200, 300, 600) if args.full else (20, 30, 60)
    publish = args.publish_seconds or (150.0 if args.full else 30.0)
    drain = 60.0 if args.full else 20.0
    logging.getLogger("httpx").setLevel(logging.WARNING)
    variants = ["now"] if args.no_baseline else ["baseline", "now"]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for variant in variants:
            results.append(asyncio.run(one_run(variant, size, publish, drain, Path(tmp))))
    feeds, chats, subs = size
    print(
        f"delivery: {feeds} feeds x {chats} chats x {subs} subscriptions, an item per feed "
        f"every {PUBLISH_EVERY:.0f} s for {publish:.0f} s, polled every {POLL_SECONDS} s, "
        f"then up to {drain:.0f} s to finish"
    )
    print(
        f"{'variant':9} {'expected':>8} {'delivered':>9} {'pending':>7} {'folded':>6} "
        f"{'lost':>5} {'doubled':>7} {'messages':>8} {'msg/s':>6} {'peak/s':>6} {'429s':>5} "
        f"{'p50 s':>6} {'p95 s':>6} {'quiet p95':>9} {'delivered p95':>13} "
        f"{'queued->sent p50':>16} {'p95':>6}"
    )
    for r in results:
        print(
            f"{r.variant:9} {r.expected:>8} {r.delivered:>9} {r.pending:>7} {r.folded:>6} "
            f"{r.lost:>5} {r.doubled:>7} {r.messages:>8} {r.rate:>6.1f} {r.peak:>6} "
            f"{r.floods:>5} {r.p50:>6.1f} {r.p95:>6.1f} {r.quiet_p95:>9.1f} "
            f"{r.delivered_p95:>13.1f} {r.queued_p50:>16.1f} {r.queued_p95:>6.1f}"
        )
    now = results[-1]
    rows = [
        (
            f"alert delivery ({feeds}x{chats}x{subs}): p95 latency s, lost, doubled",
            f"{results[0].p95:.1f}" if len(results) > 1 else "-",
            f"{now.p95:.1f}, {now.lost}, {now.doubled}",
            f"{results[0].p95 / now.p95:.1f}x" if len(results) > 1 else "-",
            "lost 0, doubled 0",
        )
    ]
    return rows


if __name__ == "__main__":
    main()
