"""Match newly stored articles against every active subscription and queue the alerts."""

from __future__ import annotations

import logging

from bot.storage import Storage, Subscription
from bot.topics import TopicError, TopicIndex, article_tokens, document_frequencies, parse_topic

log = logging.getLogger(__name__)

BATCH = 500
SAMPLE = 2000  # recent articles whose word frequencies pick each topic's rarest word


class AlertMatcher:
    """Keeps an index of all active subscriptions; turns new articles into outbox entries.

    Every method runs on the database thread. Matching resumes from a cursor stored in
    the same transaction as the queued alerts, so a crash never loses or repeats a match.
    """

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        recent = storage.articles.after(max(storage.articles.max_id() - SAMPLE, 0), SAMPLE)
        self.index = TopicIndex(
            document_frequencies(article_tokens(a.title, a.text) for a in recent)
        )
        self.subscriptions: dict[int, Subscription] = {}
        for sub in storage.subscriptions.all_active():
            self.add(sub)

    def add(self, sub: Subscription) -> None:
        """Start matching a subscription (one stored before a rule refused its topic: never)."""
        try:
            topic = parse_topic(sub.topic)
        except TopicError:
            log.warning("Subscription #%s: %r is no longer a topic; not matched", sub.id, sub.topic)
            return
        self.subscriptions[sub.id] = sub
        self.index.add(sub.id, topic)

    def remove(self, sub_id: int) -> None:
        """Stop matching a subscription."""
        if self.subscriptions.pop(sub_id, None) is not None:
            self.index.remove(sub_id)

    def reload(self) -> None:
        """Rebuild from storage (after chats were deactivated or migrated)."""
        for sub_id in list(self.subscriptions):
            self.remove(sub_id)
        for sub in self.storage.subscriptions.all_active():
            self.add(sub)

    def match_new(self) -> int:
        """Queue alerts for every article stored since the last run; return how many."""
        articles, outbox = self.storage.articles, self.storage.outbox
        cursor = outbox.matched_through()
        if cursor is None:  # first run ever: nothing stored before now is news
            outbox.enqueue([], articles.max_id())
            return 0
        if not self.subscriptions:  # nothing to match: just move the cursor
            outbox.enqueue([], articles.max_id())
            return 0
        queued = 0
        while batch := articles.after(cursor, BATCH):
            matches: list[tuple[int, int, int]] = []
            alerted: set[tuple[int, int]] = set()  # (chat, story): one alert per story
            for article in batch:
                tokens = article_tokens(article.title, article.text)
                story = article.story_id or article.id
                for sub_id in sorted(self.index.match(tokens)):
                    sub = self.subscriptions[sub_id]
                    if article.id > sub.since_article_id and (sub.chat_id, story) not in alerted:
                        alerted.add((sub.chat_id, story))
                        if not self.storage.stories.alerted(sub.chat_id, story):
                            matches.append((sub.chat_id, article.id, sub.id))
            cursor = batch[-1].id
            queued += outbox.enqueue(matches, cursor)
        return queued
