"""Assign each new article to a story: the story of the closest recent article, or a new one.

The grouper keeps only the articles of the last WINDOW in memory, with an inverted index from
term to the newest articles using it and the terms' document frequencies over the window, so
the cost of one assignment depends on the window's vocabulary, never on how many articles are
stored. Two articles are of one story when their tf-idf cosine (title, lead and key points,
names and numbers weighted up) reaches `threshold` and they share `min_shared` names or
numbers; a candidate must be within WINDOW of the new article, in the same language, and
its title must not carry only other numbers than the new one's.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.stories.fingerprint import Fingerprint

# An article joins a story only if one of its articles was published within this time of it.
WINDOW = timedelta(hours=48)
# Tuned on the dev half of the Wikinews stories (bench/stories.py): the lowest cosine and the
# fewest shared names or numbers that kept pairwise precision at or above 0.95 there.
THRESHOLD = 0.35
MIN_SHARED = 5
# Articles without MIN_SHARED names (scripts without capitals) need this cosine instead.
THRESHOLD_WITHOUT_NAMES = 0.5
# idf as if the window held this many more articles without the term: a young window (few
# articles) does not make every word look rare.
_IDF_PRIOR = 200
_QUERY_TERMS = 12  # candidates come from the posting lists of the query's heaviest terms
_POSTING_CAP = 400  # newest articles kept per term
_CANDIDATES = 40  # candidates scored in full (best partial scores)


@dataclass(slots=True)
class _Entry:
    article_id: int
    story_id: int
    when: float  # POSIX seconds
    vector: dict[str, float]  # tf-idf, unit length, as of insertion
    entities: frozenset[str]
    language: str
    title_numbers: frozenset[str]


@dataclass(slots=True)
class Match:
    """The story an article joins and why."""

    story_id: int
    article_id: int
    score: float


@dataclass
class _Language:
    postings: dict[str, deque[int]] = field(default_factory=dict)
    df: Counter[str] = field(default_factory=Counter)
    size: int = 0


class StoryGrouper:
    """The recent window of articles, indexed for finding an article's story cheaply."""

    def __init__(
        self,
        window: timedelta = WINDOW,
        threshold: float = THRESHOLD,
        min_shared: int = MIN_SHARED,
        threshold_without_names: float = THRESHOLD_WITHOUT_NAMES,
    ) -> None:
        self.window = window.total_seconds()
        self.threshold = threshold
        self.min_shared = min_shared
        self.threshold_without_names = threshold_without_names
        self._entries: dict[int, _Entry] = {}
        self._languages: dict[str, _Language] = {}
        self._by_time: list[tuple[float, int]] = []  # heap of (when, article id)
        self._newest = -math.inf
        self.last_article_id = 0  # the highest article id added

    @property
    def window_span(self) -> timedelta:
        return timedelta(seconds=self.window)

    def __len__(self) -> int:
        return len(self._entries)

    def assign(self, article_id: int, fp: Fingerprint, when: datetime) -> int:
        """The story id for a new article (its own id when it starts a story); remembers it."""
        match = self.best_match(fp, when)
        story_id = match.story_id if match else article_id
        self.add(article_id, story_id, fp, when)
        return story_id

    def best_match(self, fp: Fingerprint, when: datetime) -> Match | None:
        """The closest article of the window that is of the same story, if any."""
        index = self._languages.get(fp.language)
        if fp.empty or index is None:
            return None
        moment = when.timestamp()
        query = self._vector(fp, index)
        heaviest = sorted(query, key=query.__getitem__, reverse=True)[:_QUERY_TERMS]
        partial: defaultdict[int, float] = defaultdict(float)
        entries = self._entries
        for term in heaviest:
            weight = query[term]
            for article_id in index.postings.get(term, ()):
                entry = entries.get(article_id)
                if entry is not None and abs(entry.when - moment) <= self.window:
                    partial[article_id] += weight * entry.vector.get(term, 0.0)
        best: Match | None = None
        for article_id in heapq.nlargest(_CANDIDATES, partial, key=partial.__getitem__):
            entry = entries[article_id]
            vector = entry.vector
            score = sum(w * vector[t] for t, w in query.items() if t in vector)
            if (best is None or score > best.score) and self._close(fp, entry, score):
                best = Match(entry.story_id, article_id, score)
        return best

    def add(self, article_id: int, story_id: int, fp: Fingerprint, when: datetime) -> None:
        """Put an article already assigned to `story_id` into the window."""
        moment = when.timestamp()
        self._newest = max(self._newest, moment)
        self.last_article_id = max(self.last_article_id, article_id)
        self._evict(self._newest - self.window)
        if fp.empty or moment < self._newest - self.window or article_id in self._entries:
            return
        index = self._languages.setdefault(fp.language, _Language())
        vector = self._vector(fp, index)
        self._entries[article_id] = _Entry(
            article_id, story_id, moment, vector, fp.entities, fp.language, fp.title_numbers
        )
        heapq.heappush(self._by_time, (moment, article_id))
        index.size += 1
        index.df.update(vector.keys())
        for term in vector:
            posting = index.postings.get(term)
            if posting is None:
                posting = index.postings[term] = deque(maxlen=_POSTING_CAP)
            posting.append(article_id)

    def _close(self, fp: Fingerprint, entry: _Entry, score: float) -> bool:
        if fp.title_numbers and entry.title_numbers and not fp.title_numbers & entry.title_numbers:
            return False  # "meeting 3" and "meeting 4", "toll nears 60,000" and "passes 80,000"
        few_names = min(len(fp.entities), len(entry.entities)) < self.min_shared
        if few_names and score >= self.threshold_without_names:
            return True
        return score >= self.threshold and len(fp.entities & entry.entities) >= self.min_shared

    def _vector(self, fp: Fingerprint, index: _Language) -> dict[str, float]:
        """tf-idf over the window's document frequencies, unit length."""
        total = index.size + _IDF_PRIOR
        df = index.df
        vector = {t: w * math.log(total / (df[t] + 1)) for t, w in fp.weights.items()}
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        return {t: w / norm for t, w in vector.items()}

    def _evict(self, oldest: float) -> None:
        """Forget the articles published before `oldest`."""
        while self._by_time and self._by_time[0][0] < oldest:
            _, article_id = heapq.heappop(self._by_time)
            entry = self._entries.pop(article_id, None)
            if entry is None:
                continue
            index = self._languages[entry.language]
            index.size -= 1
            index.df.subtract(entry.vector.keys())
            for term in entry.vector:
                if index.df[term] <= 0:
                    del index.df[term]
                    index.postings.pop(term, None)
