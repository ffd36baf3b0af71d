"""KeyPointExtractor: key points from the body, in order, never boilerplate or the title."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers._summarizer import AbstractSummarizer

from bot.keypoints import KeyPointExtractor, split_sentences
from bot.keypoints.lexicon import stop_words
from bot.keypoints.stemming import CachedStemmer
from bot.keypoints.summarizer import KeyPointSummarizer
from bot.keypoints.tokenizer import NoDownloadTokenizer

SEED = Path(__file__).parent / "fixtures" / "dailynk-item.txt"  # from ../shared/seed/
SEED_TITLE = "Kangwon Province’s plan to improve quality of consumer goods comes under fire"

ENGLISH_TITLE = "City council approves new cycling lanes"
ENGLISH = """The city council approved a plan on Monday to build forty kilometres of cycling lanes.
The cycling lanes will connect the train station with the university and the harbour.
Council members said the protected lanes would make cycling safer for children and older residents.
The plan will cost twelve million euros, most of it paid by a regional transport fund.
Shop owners on the harbour road worried that the cycling lanes would remove parking spaces.
The council promised that parking spaces near the shops would be moved to a new garage.
Construction of the first cycling lanes is expected to begin in the spring.
The mayor also thanked the volunteers who organised the town's summer festival."""

KOREAN_TITLE = "강원도 소비품 품질 향상 계획, 현실과 동떨어져 비판"
KOREAN = """북한 강원도가 올해 소비품과 기초식품의 품질을 높이겠다는 계획을 중앙에 제출했다.
강원도는 수입품에 의존하는 현실을 바꾸고 지역에서 생산한 소비품과 기초식품을 싸게 팔겠다고 밝혔다.
그러나 주민들과 간부들은 강원도의 소비품 계획이 현실을 모르는 것이라고 비판하고 있다.
도내 식료공장에서 생산되는 과자와 사탕은 품질이 낮아 아무도 사지 않는다고 소식통은 전했다.
경공업 공장 간부들도 원자재가 모두 수입되는 상황에서 고품질 소비품을 생산하기 어렵다고 말했다.
한편 이날 평양의 날씨는 맑았다.
기자 김철수 (kim@example.com)
<저작권자 ⓒ 데일리NK, 무단 전재 및 재배포 금지>"""


@pytest.fixture(scope="module")
def extractor() -> KeyPointExtractor:
    return KeyPointExtractor()


def _seed_parts() -> tuple[str, str]:
    text = SEED.read_text(encoding="utf-8")
    start = text.index("At a year-end party meeting")
    end = text.index("Translated by")
    return text, text[start:end]


def test_seed_item_points_come_from_its_body(extractor: KeyPointExtractor) -> None:
    text, body = _seed_parts()
    points = extractor.key_points(SEED_TITLE, text)
    assert len(points) == 3
    for point in points:
        assert point in body
        assert point != SEED_TITLE


def test_seed_item_never_yields_boilerplate_or_title(extractor: KeyPointExtractor) -> None:
    text, body = _seed_parts()
    points = extractor.key_points(SEED_TITLE, text, count=100)
    standalone = extractor.tools_for("en").standalone
    assert points == [standalone(s) for s in split_sentences(body) if s != "Pie in the sky?"]
    joined = " ".join(points)
    for junk in (
        "Translated by",
        "Daily NK works",
        "Please send",
        "Read in Korean",
        "14 C",
        "appeared first",
        "March 5, 2024",
        "11:30AM",
        "Most Popular",
        "by DailyNK",
        "identities",
    ):
        assert junk not in joined
    assert SEED_TITLE not in points


def test_english_points_are_on_topic_and_in_order(extractor: KeyPointExtractor) -> None:
    sentences = split_sentences(ENGLISH)
    points = extractor.key_points(ENGLISH_TITLE, ENGLISH)
    assert len(points) == 3
    positions = [sentences.index(point) for point in points]
    assert positions == sorted(positions)
    assert all("cycling" in point or "parking" in point for point in points)
    assert sentences[-1] not in points  # the festival aside


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_count_is_respected(extractor: KeyPointExtractor, count: int) -> None:
    assert len(extractor.key_points(ENGLISH_TITLE, ENGLISH, "en", count)) == count


def test_a_repeated_sentence_is_chosen_once(extractor: KeyPointExtractor) -> None:
    sentences = split_sentences(ENGLISH)
    text = "\n".join([*sentences[:3], sentences[1], *sentences[3:]])
    points = extractor.key_points(ENGLISH_TITLE, text, "en", 5)
    assert len(points) == len(set(points)) == 5


def test_a_reworded_repeat_of_the_lead_is_not_a_second_point(
    extractor: KeyPointExtractor,
) -> None:
    """Blogs and feeds often open with a summary that the body's first paragraph repeats, a
    little shorter or in other quotes: one of the two is a key point, never both."""
    lead = (
        'Under the title "Politics on the Net: how the internet changes political culture" the '
        "foundation holds its annual conference on Saturday, 31 January, between 10:00 and "
        "17:00 in Stuttgart town hall, and many well-known digital policy people take part."
    )
    reworded = (
        "Under the title “Politics on the Net – how the internet changes political culture” the "
        "foundation holds its annual conference on 31 January, between 10:00 and 17:00 in "
        "Stuttgart town hall, which I attend."
    )
    rest = [
        "More and more people use social networks, online petitions and political blogs.",
        "One click buys a good conscience, and one comment puts you in the political debate.",
        "At the same time turnout falls, and parties and clubs lack new members.",
        "Does political engagement stay in the virtual world, or does it turn into action?",
        "The conference asks who the digital citizens are and where they come from.",
        "Speakers from politics, research and the internet community debate the answers.",
    ]
    points = extractor.key_points("Annual conference 2015", "\n\n".join([lead, reworded, *rest]))
    assert len(points) == 3
    assert not (lead in points and reworded in points), points


def test_count_zero_gives_nothing(extractor: KeyPointExtractor) -> None:
    assert extractor.key_points(ENGLISH_TITLE, ENGLISH, count=0) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   \n\n ", []),
        (
            "The bridge reopened on Friday after two years of repairs.",
            ["The bridge reopened on Friday after two years of repairs."],
        ),
        (
            "The bridge reopened on Friday after two years of repairs. Traffic was light at first.",
            [
                "The bridge reopened on Friday after two years of repairs.",
                "Traffic was light at first.",
            ],
        ),
    ],
)
def test_short_texts(extractor: KeyPointExtractor, text: str, expected: list[str]) -> None:
    assert extractor.key_points("Bridge reopens", text, "en") == expected


def test_title_repeated_in_text_is_dropped(extractor: KeyPointExtractor) -> None:
    text = f"{ENGLISH_TITLE}\n\n{ENGLISH_TITLE}.\n\n{ENGLISH}"
    points = extractor.key_points(ENGLISH_TITLE, text, count=20)
    assert all(not point.startswith(ENGLISH_TITLE) for point in points)
    assert len(points) == len(split_sentences(ENGLISH))


def test_a_text_of_fragments_only_still_gets_points(extractor: KeyPointExtractor) -> None:
    text = "Heavy snow closes mountain roads\n\nSchools shut in three valleys"
    assert extractor.key_points("Snow", text, "en") == [
        "Heavy snow closes mountain roads",
        "Schools shut in three valleys",
    ]


def test_korean_points_are_sensible(extractor: KeyPointExtractor) -> None:
    points = extractor.key_points(KOREAN_TITLE, KOREAN, "ko")
    assert len(points) == 3
    standalone = extractor.tools_for("ko").standalone  # "그러나 ..." comes without "그러나"
    sentences = [standalone(sentence) for sentence in split_sentences(KOREAN, "ko")]
    positions = [sentences.index(point) for point in points]
    assert positions == sorted(positions)
    joined = " ".join(points)
    assert "날씨" not in joined  # the off-topic aside
    assert "@" not in joined and "저작권" not in joined
    assert all("소비품" in point or "품질" in point for point in points)


def test_korean_is_detected_without_a_hint(extractor: KeyPointExtractor) -> None:
    assert extractor.key_points(KOREAN_TITLE, KOREAN) == extractor.key_points(
        KOREAN_TITLE, KOREAN, "ko-KR"
    )


def test_concurrent_calls_give_the_same_points(extractor: KeyPointExtractor) -> None:
    text, _ = _seed_parts()
    jobs = [(SEED_TITLE, text), (ENGLISH_TITLE, ENGLISH), (KOREAN_TITLE, KOREAN)] * 20
    expected = [extractor.key_points(title, body) for title, body in jobs]
    fresh = KeyPointExtractor()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda job: fresh.key_points(*job), jobs))
    assert results == expected


def test_summarizer_is_a_sumy_summarizer_fed_by_sumy_parser() -> None:
    tokenizer = NoDownloadTokenizer("en")
    summarizer = KeyPointSummarizer(CachedStemmer("en"), stop_words("en"))
    assert isinstance(summarizer, AbstractSummarizer)
    document = PlaintextParser.from_string(ENGLISH, tokenizer).document
    chosen = [str(sentence) for sentence in summarizer(document, 2)]
    assert len(chosen) == 2
    assert all(sentence in split_sentences(ENGLISH) for sentence in chosen)


def test_summarizer_copes_with_sentences_of_stop_words_only() -> None:
    tokenizer = NoDownloadTokenizer("en")
    summarizer = KeyPointSummarizer(CachedStemmer("en"), stop_words("en"))
    text = "It is what it is. It was not. They were there. We are here."
    document = PlaintextParser.from_string(text, tokenizer).document
    chosen = [str(sentence) for sentence in summarizer(document, 2)]
    assert len(chosen) == 2
    assert chosen == sorted(chosen, key=split_sentences(text).index)


def test_stemmer_gives_one_term_per_stem() -> None:
    stemmer = CachedStemmer("en")
    running, runs, run, walked = stemmer.terms(["running", "runs", "run", "walked"])
    assert running == runs == run != walked
    assert stemmer.terms(["Runs", "walking"]) == [run, walked]
    assert stemmer("Running") == "run"


def test_enormous_text_is_bounded() -> None:
    from bot.keypoints.extractor import MAX_CHARS

    paragraph = (
        "The harbour authority approved a new dredging plan for the northern channel on Monday. "
        "Engineers expect the work to take two years and to cost about forty million pounds.\n"
    )
    text = paragraph * (3 * MAX_CHARS // len(paragraph))
    points = KeyPointExtractor().key_points("Harbour plan", text)
    assert 1 <= len(points) <= 3
    assert all(point in paragraph for point in points)
