"""Stories for readers: the latest, the top of the last day, search results one per story.

Runs on the database thread (plain calls into storage); the newsroom calls it there.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from bot.models import Article, Story
from bot.storage import Storage
from bot.topics import Topic, article_tokens

TOP_PERIOD = timedelta(hours=24)
MEMBERS = 30  # articles shown per story at most (its newest, the best one kept)
_SEARCH_DEPTH = 4  # ranked articles read per story wanted (a story may fill several ranks)


def _best_first(articles: list[Article]) -> list[Article]:
    """The article with the fullest text first (three key points, then length), then by age."""
    return sorted(articles, key=lambda a: (-min(len(a.points), 3), -len(a.text), a.id))


class StoryLister:
    """Builds Story objects from stored articles."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def stories(self, story_ids: list[int]) -> list[Story]:
        """These stories with their articles, in the order given."""
        members = self.storage.stories.members(story_ids, MEMBERS)
        articles = {a.id: a for a in self.storage.articles.many(sorted(set(members)))}
        grouped: dict[int, list[Article]] = {story_id: [] for story_id in story_ids}
        for article_id, story_id in members.items():
            if article_id in articles:
                grouped[story_id].append(articles[article_id])
        return [Story(sid, _best_first(found)) for sid, found in grouped.items() if found]

    def latest(self, count: int) -> list[Story]:
        """The `count` stories with the newest articles, newest first."""
        ids: list[int] = []
        offset, page = 0, count * 2
        while len(ids) < count:
            batch = self.storage.articles.latest(page, offset)
            ids = _distinct(ids, (a.story_id or a.id for a in batch), count)
            if len(batch) < page:
                break
            offset += page
            page *= 2
        return self.stories(ids)

    def from_articles(self, articles: Iterable[Article], count: int) -> list[Story]:
        """The stories of these articles (ranked or newest first), one per story, in order."""
        return self.stories(_distinct([], (a.story_id or a.id for a in articles), count))

    def search(self, fts_query: str, count: int, offset: int) -> list[Story]:
        """Stories of the best matches, one per story; `offset` counts stories."""
        depth = min((offset + count) * _SEARCH_DEPTH, 2000)
        ranked = self.storage.articles.search(fts_query, depth)
        ids = _distinct([], (a.story_id or a.id for a in ranked), offset + count)
        return self.stories(ids[offset:])

    def top(self, count: int, topic: Topic | None, now: datetime | None = None) -> list[Story]:
        """The stories of the last TOP_PERIOD covered by the most outlets, then the freshest."""
        since = ((now or datetime.now(UTC)) - TOP_PERIOD).isoformat(timespec="seconds")
        ranked = self.storage.stories.ranked_since(since)
        if topic is None:
            return self.stories(ranked[:count])
        found: list[Story] = []
        for start in range(0, len(ranked), count * 4):
            chunk = self.stories(ranked[start : start + count * 4])
            found += [s for s in chunk if _on(topic, s.articles)]
            if len(found) >= count:
                break
        return found[:count]


def _on(topic: Topic, articles: list[Article]) -> bool:
    return any(topic.matches(article_tokens(a.title, a.text)) for a in articles)


def _distinct(ids: list[int], more: Iterable[int], count: int) -> list[int]:
    """`ids` followed by the new ones of `more`, at most `count` in all."""
    seen = set(ids)
    out = list(ids)
    for story_id in more:
        if len(out) >= count:
            break
        if story_id not in seen:
            seen.add(story_id)
            out.append(story_id)
    return out
