"""Story grouping engine: same event across outlets grouped, different events never, window and
language respected, cost bounded by the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.stories import WINDOW, StoryGrouper, fingerprint
from tests.support.stories import ELECTION, QUAKE_BBC, QUAKE_GUARDIAN, QUAKE_JAPAN, QUAKE_NPR

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _fp(article: tuple[str, str], language: str | None = None):
    return fingerprint(article[0], article[1], language=language)


def test_same_event_from_three_outlets_is_one_story() -> None:
    grouper = StoryGrouper()
    first = grouper.assign(1, _fp(QUAKE_BBC), T0)
    assert first == 1  # a new story takes its first article's id
    assert grouper.assign(2, _fp(QUAKE_GUARDIAN), T0 + timedelta(hours=1)) == 1
    assert grouper.assign(3, _fp(QUAKE_NPR), T0 + timedelta(hours=3)) == 1


def test_other_events_start_their_own_stories() -> None:
    grouper = StoryGrouper()
    grouper.assign(1, _fp(QUAKE_BBC), T0)
    grouper.assign(2, _fp(QUAKE_GUARDIAN), T0)
    assert grouper.assign(3, _fp(QUAKE_JAPAN), T0) == 3
    assert grouper.assign(4, _fp(ELECTION), T0) == 4


def test_an_article_outside_the_window_starts_a_new_story() -> None:
    grouper = StoryGrouper()
    grouper.assign(1, _fp(QUAKE_BBC), T0)
    later = T0 + WINDOW + timedelta(hours=1)
    assert grouper.assign(2, _fp(QUAKE_GUARDIAN), later) == 2
    assert len(grouper) == 1  # the old article was forgotten


def test_a_late_article_published_before_the_window_is_not_indexed() -> None:
    grouper = StoryGrouper()
    grouper.assign(1, _fp(ELECTION), T0 + WINDOW * 2)
    assert grouper.assign(2, _fp(QUAKE_BBC), T0) == 2
    assert len(grouper) == 1


def test_languages_are_never_mixed() -> None:
    grouper = StoryGrouper()
    grouper.assign(1, _fp(QUAKE_BBC, "en"), T0)
    # The same words, said to be German: another language's story.
    assert grouper.assign(2, _fp(QUAKE_GUARDIAN, "de"), T0) == 2
    assert grouper.assign(3, _fp(QUAKE_NPR, "en"), T0) == 1


def test_korean_articles_group_by_character_bigrams() -> None:
    first = (
        "북한, 동해상으로 탄도미사일 2발 발사",
        "합동참모본부는 북한이 5일 오전 평양 일대에서 동해상으로 단거리 탄도미사일 2발을 "
        "발사했다고 밝혔다. 미사일은 약 350km를 비행했다.",
    )
    second = (
        "북한 탄도미사일 2발 동해상 발사…350km 비행",
        "북한이 5일 오전 평양 일대에서 동해상으로 단거리 탄도미사일 2발을 발사했다고 "
        "합동참모본부가 밝혔다. 미사일은 약 350km 비행했다.",
    )
    grouper = StoryGrouper()
    assert grouper.assign(1, fingerprint(*first), T0) == 1
    assert fingerprint(*second).language == "ko"
    assert grouper.assign(2, fingerprint(*second), T0) == 1
    assert grouper.assign(3, _fp(QUAKE_BBC), T0) == 3


def test_empty_article_is_its_own_story() -> None:
    grouper = StoryGrouper()
    grouper.assign(1, _fp(QUAKE_BBC), T0)
    assert grouper.assign(2, fingerprint("", ""), T0) == 2


def test_fingerprint_names_and_numbers() -> None:
    fp = _fp(QUAKE_BBC)
    assert {"valparaiso", "boric", "7.1", "12"} <= fp.entities
    # A sentence's first word is not a name because of its capital.
    assert "the" not in fp.entities and "a" not in fp.entities


def test_window_holds_only_recent_articles_however_many_were_added() -> None:
    grouper = StoryGrouper(window=timedelta(hours=2))
    for n in range(200):
        grouper.add(
            n + 1,
            n + 1,
            _fp((f"Item {n}", f"Report number {n} from Ruritania.")),
            T0 + timedelta(minutes=10 * n),
        )
    assert len(grouper) <= 13  # two hours of one article every ten minutes
    assert grouper.last_article_id == 200
