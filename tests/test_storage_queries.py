"""The fast read paths give the plain answer, and a feed's articles are stored all or none."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.newsroom import Newsroom
from bot.storage import Storage
from bot.storage import articles as articles_module
from tests.support.httpserver import LocalHTTPServer
from tests.support.newsroom import rss_feed, rss_item

WORDS = ("harbour", "bridge", "ferry", "tunnel")


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[tuple[Storage, dict[int, tuple[str, set[str]]]]]:
    """80 articles whose publication dates are not in id order (late arrivals, backfills);
    every one has "harbour", half "bridge", a sixth "ferry", one "tunnel". Also returns each
    id's sort key and words."""
    rng = random.Random(7)
    storage = Storage(tmp_path / "news.db")
    known: dict[int, tuple[str, set[str]]] = {}
    for n in range(80):
        words = {"harbour"}
        words |= {"bridge"} if n % 2 else set()
        words |= {"ferry"} if n % 6 == 0 else set()
        words |= {"tunnel"} if n == 40 else set()
        day = rng.choice([rng.randint(1, 28), 15])  # ties on the sort key, too
        published = f"2024-0{rng.randint(1, 9)}-{day:02d}T12:00:00+00:00"
        article_id = storage.articles.save(
            title=f"Story {n}",
            text=" ".join(sorted(words)) + " news of the day.",
            points=["p"],
            published=published,
        )
        known[article_id] = (published, words)
    yield storage, known
    storage.close()


def newest(known: dict[int, tuple[str, set[str]]], word: str) -> list[int]:
    matching = [i for i, (_, words) in known.items() if word in words]
    return sorted(matching, key=lambda i: (known[i][0], i), reverse=True)


@pytest.mark.parametrize(
    ("few", "common"),
    [(10_000, 10), (0, 1), (0, 10_000)],
    ids=["each match looked up", "matches listed", "recency index walked in chunks"],
)
def test_latest_matching_is_the_newest_matches_in_every_strategy(
    archive: tuple[Storage, dict[int, tuple[str, set[str]]]],
    monkeypatch: pytest.MonkeyPatch,
    few: int,
    common: int,
) -> None:
    storage, known = archive
    monkeypatch.setattr(articles_module, "FEW_MATCHES", few)
    monkeypatch.setattr(articles_module, "COMMON_MATCH", common)
    for word in WORDS:
        expected = newest(known, word)
        for limit, offset in ((5, 0), (7, 3), (100, 0), (3, 78)):
            found = storage.articles.latest_matching(f'"{word}"', limit, offset)
            assert [a.id for a in found] == expected[offset : offset + limit], (word, limit)
    assert storage.articles.latest_matching('"nowhere"', 5) == []


def test_search_ranks_only_the_newest_matches_of_a_common_query(
    archive: tuple[Storage, dict[int, tuple[str, set[str]]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    storage, known = archive
    ferry = sorted(i for i, (_, words) in known.items() if "ferry" in words)
    everything = {a.id for a in storage.articles.search('"ferry"', 100)}
    assert everything == set(ferry)
    monkeypatch.setattr(articles_module, "SEARCH_WINDOW", 4)
    assert {a.id for a in storage.articles.search('"ferry"', 100)} == set(ferry[-4:])
    assert [a.id for a in storage.articles.search('"tunnel"', 5)] == newest(known, "tunnel")


def test_a_save_inside_a_transaction_is_undone_with_it(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "news.db")
    with pytest.raises(RuntimeError), storage.write():
        storage.articles.save(title="First", text="One.", points=[])
        storage.articles.save(title="Second", text="Two.", points=[])
        raise RuntimeError("the batch fails")
    assert storage.articles.count() == 0
    storage.articles.save(title="Alone", text="Three.", points=[])  # commits by itself
    storage.close()
    assert Storage(tmp_path / "news.db").articles.count() == 1


async def test_a_feed_is_stored_all_or_none(
    newsroom: Newsroom, http_server: LocalHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    paragraphs = [
        "The harbour bridge will close for four weekends from April for repairs to its deck.",
        "Traffic will go through the tunnel, and extra ferries will run every twenty minutes.",
        "Inspectors found cracks in two of the main steel beams during a check in January.",
        "The council said the work could not wait another year, whatever the cost to shops.",
    ]
    items = [
        rss_item(f"Bridge story {n}", paragraphs, link=f"https://city.example/{n}", guid=f"g{n}")
        for n in range(5)
    ]
    await newsroom.add_feed_unchecked(
        http_server.add("/feed", rss_feed(items), content_type="application/rss+xml")
    )
    store = newsroom.storage.articles
    real_save, saved = store.save, []

    def failing_save(**fields: object) -> int:
        if len(saved) == 3:
            raise OSError("disk full")
        saved.append(fields["title"])
        return real_save(**fields)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "save", failing_save)
    report = await newsroom.ingest()
    assert report.feeds_failed == 1 and len(saved) == 3
    assert await newsroom.latest(10) == []  # the three saved before the failure are undone
    monkeypatch.setattr(store, "save", real_save)
    report = await newsroom.ingest()
    assert report.articles_new == 5
