"""extract_page on real pages (small trimmed copies of Readability's test pages, see
tests/support/pages/NOTICE.md): the whole article, in every language, with its key points."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from bench.extraction import shingle_f1
from bot.ingest.pages import extract_page
from bot.keypoints import KeyPointExtractor, detect_language

PAGES = Path(__file__).parent / "support" / "pages"
URL = "http://fakehost/test/page.html"


def _real(name: str) -> tuple[bytes, str]:
    html = gzip.decompress((PAGES / f"{name}.html.gz").read_bytes())
    return html, gzip.decompress((PAGES / f"{name}.expected.txt.gz").read_bytes()).decode()


@pytest.mark.parametrize(
    "name",
    [
        # trafilatura alone found these bodies and precision mode lost them
        "engadget",
        "webmd-1",
        "webmd-2",
        "royal-road",
        "lazy-image-3",
        "005-unescape-html-entities",
        # text hidden from the reader is not the article
        "hidden-nodes",
    ],
)
def test_the_whole_body_is_found(name: str) -> None:
    html, expected = _real(name)
    assert shingle_f1(extract_page(html, URL).text, expected) >= 0.95


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("folha", "pt"),
        ("heise", "de"),
        ("la-nacion", "es"),  # no lang attribute: detected
        ("yahoo-4", "ja"),
        ("qq", "zh"),  # no lang attribute: detected
    ],
)
def test_every_language_body_language_and_key_points(name: str, language: str) -> None:
    html, expected = _real(name)
    page = extract_page(html, URL)
    assert shingle_f1(page.text, expected) >= 0.9
    stored = detect_language(page.text, page.language)  # what ingest and /summary store
    assert stored == language
    points = KeyPointExtractor().key_points(page.title, page.text, stored, 3)
    assert len(points) == 3
    body = "".join(expected.split())
    assert all("".join(point.split()) in body for point in points), points


@pytest.mark.parametrize(
    ("name", "language", "opening"),
    [
        # a Korean CMS page that declares lang="en": the text's script wins
        ("korean-sidebar.html", "ko", "[엔터미디어=김민지 기자] 겨울 시즌 드라마"),
        ("russian.html", "ru", "В среду в Москве открылась новая линия метро"),
    ],
)
def test_hand_built_pages_language_and_points(name: str, language: str, opening: str) -> None:
    page = extract_page((PAGES / name).read_bytes(), "https://news.example/article/1")
    assert page.language == language
    assert opening in page.text
    points = KeyPointExtractor().key_points(page.title, page.text, page.language, 3)
    assert len(points) == 3
    assert all(point in page.text for point in points)
    assert not any("주요뉴스" in point or "Читайте" in point for point in points)
