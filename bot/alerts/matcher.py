"""Match newly stored articles against every active subscription and queue the alerts.

Only news is alerted: an article its followed feed published (not a page fetched for
/summary, not one stored by a feed's first poll), first seen after the subscription, and
dated at most MAX_AGE before it was first seen.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.models import Article
from bot.storage import Storage, Subscription
from bot.storage.state import get_state
from bot.topics import TopicError, TopicIndex, article_tokens, document_frequencies, parse_topic

log = logging.getLogger(__name__)

BATCH = 500
SAMPLE = 2000  # recent articles whose word frequencies pick each topic's rarest word
MAX_AGE = timedelta(hours=48)  # an article dated longer before it was first seen is not news
VERSION = "subscriptions.version"  # moved by triggers on every change to subscriptions


def is_news(article: Article) -> bool:
    """Whether an article may be alerted at all (whoever subscribed)."""
    if article.origin != "feed" or article.feed_id is None:
        return False
    if not article.published or not article.fetched_at:
        return True
    try:
        published = datetime.fromisoformat(article.published)
        seen = datetime.fromisoformat(article.fetched_at)
    except ValueError:
        return True
    return seen - published <= MAX_AGE


class AlertMatcher:
    """Keeps an index of all active subscriptions; turns new articles into outbox entries.

    Every method runs on the database thread. Each batch is matched in one write
    transaction that first brings the index up to date with the subscriptions committed
    (by this process or any other), then queues the alerts and moves the cursor: a crash
    never loses or repeats a match, and a chat that subscribed while another process was
    ingesting still gets the articles stored after its subscription.
    """

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        recent = storage.articles.after(max(storage.articles.max_id() - SAMPLE, 0), SAMPLE)
        self.index = TopicIndex(
            document_frequencies(article_tokens(a.title, a.text) for a in recent)
        )
        self.subscriptions: dict[int, Subscription] = {}
        self._refused: set[int] = set()  # subscriptions whose topic no longer parses
        self.version = self._stored_version()
        for sub in storage.subscriptions.all_active():
            self.add(sub)

    def add(self, sub: Subscription) -> None:
        """Start matching a subscription (one stored before a rule refused its topic: never)."""
        try:
            topic = parse_topic(sub.topic)
        except TopicError:
            log.warning("Subscription #%s: %r is no longer a topic; not matched", sub.id, sub.topic)
            self._refused.add(sub.id)
            return
        self.subscriptions[sub.id] = sub
        self.index.add(sub.id, topic)

    def remove(self, sub_id: int) -> None:
        """Stop matching a subscription."""
        if self.subscriptions.pop(sub_id, None) is not None:
            self.index.remove(sub_id)

    def reload(self) -> None:
        """Bring the index in line with the active subscriptions stored (only what changed)."""
        self.version = self._stored_version()
        stored = {sub.id: sub for sub in self.storage.subscriptions.all_active()}
        for sub_id, sub in list(self.subscriptions.items()):
            if stored.get(sub_id) != sub:
                self.remove(sub_id)
        for sub_id, sub in stored.items():
            if sub_id not in self.subscriptions and sub_id not in self._refused:
                self.add(sub)

    def _stored_version(self) -> str:
        return get_state(self.storage.db, VERSION) or ""

    def match_new(self) -> int:
        """Queue alerts for every article stored since the last run; return how many."""
        queued = 0
        while True:
            with self.storage.write():
                done, count = self._match_batch()
            queued += count
            if done:
                return queued

    def _match_batch(self) -> tuple[bool, int]:
        """Match the next batch inside the caller's write transaction; return (no more
        to match, alerts queued)."""
        articles, outbox = self.storage.articles, self.storage.outbox
        if self._stored_version() != self.version:
            self.reload()
        cursor = outbox.matched_through()
        if cursor is None or not self.subscriptions:
            # First run ever (nothing stored before now is news) or nobody to alert.
            outbox.enqueue([], articles.max_id())
            return True, 0
        batch = articles.after(cursor, BATCH)
        if not batch:
            return True, 0
        matches: list[tuple[int, int, int]] = []
        alerted: set[tuple[int, int]] = set()  # (chat, story): one alert per story
        for article in batch:
            if not is_news(article):
                continue
            tokens = article_tokens(article.title, article.text)
            story = article.story_id or article.id
            for sub_id in sorted(self.index.match(tokens)):
                sub = self.subscriptions[sub_id]
                if article.id > sub.since_article_id and (sub.chat_id, story) not in alerted:
                    alerted.add((sub.chat_id, story))
                    if not self.storage.stories.alerted(sub.chat_id, story):
                        matches.append((sub.chat_id, article.id, sub.id))
        return len(batch) < BATCH, outbox.enqueue(matches, batch[-1].id)
