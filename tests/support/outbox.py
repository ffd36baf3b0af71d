"""Pending alerts straight into a database: stored articles, subscribed chats, queued pairs."""

from __future__ import annotations

from collections.abc import Sequence

from bot.storage import Storage

TOPIC = "harbour"


def queue_alerts(
    storage: Storage, plan: list[tuple[int, int]], topics: Sequence[str] = (TOPIC,)
) -> None:
    """Store as many articles as the plan needs, article n on topics[n % len(topics)], and
    for each (chat, count) in order, subscribe the chat to the topics and queue the first
    `count` articles as its alerts (so the alerts queue in plan order)."""
    ids = [
        storage.articles.save(
            title=f"Harbour story {n}",
            text=f"Story {n}: the {TOPIC} authority met the fishermen again today. " * 4,
            points=[f"The {TOPIC} authority met the fishermen ({n}).", "They will meet again."],
            url=f"https://news.example.com/harbour/{n}",
        )
        for n in range(max(count for _, count in plan))
    ]
    for chat, count in plan:
        storage.subscriptions.ensure_chat(chat, "private" if chat > 0 else "group")
        subs = [storage.subscriptions.add(chat, topic, 0)[0].id for topic in topics]
        matches = [(chat, article, subs[n % len(subs)]) for n, article in enumerate(ids[:count])]
        storage.outbox.enqueue(matches, storage.articles.max_id())
