"""Boilerplate, fragments and title repeats are told apart from body sentences."""

from __future__ import annotations

import pytest

from bot.keypoints import KeyPointExtractor
from bot.keypoints.boilerplate import (
    Headline,
    body_sentences,
    is_boilerplate,
    is_dateline,
    is_fragment,
)

BODY = [
    "Officials said on Tuesday that the new port terminal would open next year.",
    "The terminal will handle twice as many containers as the old one.",
    "Dock workers welcomed the plan but asked for better safety rules.",
]

BOILERPLATE = {
    "feed footer": "The post Port terminal to open next year appeared first on Harbour News.",
    "read in": "Read in Korean",
    "comments e-mail": "Please send any comments about this article to news@example.com.",
    "contact": "Please contact our desk with tips.",
    "byline": "by DailyNK(North Korean Media)",
    "byline capitalised": "By Jane Doe and John Roe",
    "dateline with time": "February 06, 2024 at 11:30AM",
    "weekday dateline": "Tuesday, March 5, 2024",
    "korean dateline": "2024년 3월 5일 오후 3시",
    "translator credit": "Translated by David Black. Edited by Robert Lauler.",
    "editor credit": "Edited by Robert Lauler.",
    "weather": "14 C",
    "weather degrees": "-3°C",
    "photo credit": "Photo: Reuters/Jane Doe",
    "photo courtesy": "A crane at the port (photo courtesy of the port authority).",
    "most popular": "Most Popular Articles",
    "outlet blurb": "For more information about our network, please visit our FAQ page here.",
    "related": "Related: Port strike ends after two weeks",
    "advertisement": "Advertisement",
    "click here": "Click here to read the full report.",
    "follow us": "Follow us on Telegram for more news.",
    "newsletter": "Sign up for our newsletter to get the day's top stories.",
    "subscribe": "Subscribe now",
    "share": "Share this",
    "link": "Full report: https://example.com/report",
    "copyright": "Copyright 2024 Harbour News. All rights reserved.",
    "korean copyright": "<저작권자 ⓒ 데일리NK, 무단 전재 및 재배포 금지>",
}


@pytest.mark.parametrize("line", BOILERPLATE.values(), ids=BOILERPLATE.keys())
def test_each_kind_of_boilerplate_is_recognised(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", BOILERPLATE.values(), ids=BOILERPLATE.keys())
def test_each_kind_of_boilerplate_is_never_a_key_point(line: str) -> None:
    text = "\n\n".join([BODY[0], line, *BODY[1:]])
    assert KeyPointExtractor().key_points("Port terminal", text, "en", count=10) == BODY


@pytest.mark.parametrize(
    "sentence",
    [
        *BODY,
        "By far the busiest port in the region, it handled a record 2 million containers.",
        "Share prices rose 3% after the announcement.",
        "Shipping firms said they would subscribe to the new booking system.",
        "Unions want to revisit our earlier agreement, a spokesman said.",
        "The firm lost a copyright case over its logo.",
        "He followed usual practice and signed up two new partners.",
    ],
)
def test_ordinary_sentences_are_not_boilerplate(sentence: str) -> None:
    assert not is_boilerplate(sentence)


def test_a_footer_marker_in_the_second_half_cuts_the_rest() -> None:
    paragraphs = [
        [BODY[0]],
        [BODY[1]],
        [BODY[2]],
        ["Translated by Jane Doe."],
        ["Our sources live in the region and remain anonymous for their safety."],
    ]
    assert [s for _, s in body_sentences(paragraphs, "Port")] == BODY


def test_a_footer_marker_in_the_first_half_drops_only_its_paragraph() -> None:
    paragraphs = [["Edited by Jane Doe."], [BODY[0]], [BODY[1]], [BODY[2]]]
    assert [s for _, s in body_sentences(paragraphs, "Port")] == BODY


def test_datelines() -> None:
    assert is_dateline("Saturday 20 November")
    assert is_dateline("Updated: 5 March 2024, 14:05 GMT")
    assert not is_dateline("78,000")
    assert not is_dateline("On March 5 the port reopened.")


@pytest.mark.parametrize(
    ("sentence", "neutral", "fragment"),
    [
        ("Pie in the sky?", False, True),  # too short: a subheading
        ("Kangwon Province’s plan comes under fire", False, True),  # no sentence punctuation
        ("PORT WORKERS WALK OUT OVER SAFETY RULES.", False, True),  # all capitals
        ("Dock workers welcomed the plan.", False, False),
        ("“The plan is simply full of hard-to-achieve things,” the source said.", False, False),
        ("날씨가 맑았다.", True, True),
        ("강원도가 소비품 계획을 중앙에 제출했다.", True, False),
    ],
)
def test_fragments(sentence: str, neutral: bool, fragment: bool) -> None:
    assert is_fragment(sentence, neutral) is fragment


def test_title_repeats() -> None:
    headline = Headline("Port terminal to open next year")
    assert headline.repeated_by("Port terminal to open next year")
    assert headline.repeated_by("Port terminal to open next year.")
    assert headline.repeated_by("New port terminal to open next year")
    assert not headline.repeated_by(BODY[0])
    assert not Headline("").repeated_by("Anything at all.")
