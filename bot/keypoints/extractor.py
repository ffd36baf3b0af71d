"""KeyPointExtractor: the few most informative body sentences of an article, in article order."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from sumy.models.dom import ObjectDocumentModel

from bot.keypoints.boilerplate import body_sentences
from bot.keypoints.document import build_document
from bot.keypoints.language import detect_language
from bot.keypoints.lexicon import (
    NEUTRAL_LANGUAGES,
    context_openers,
    droppable_connectives,
    stop_words,
)
from bot.keypoints.sentences import split_paragraphs
from bot.keypoints.stemming import CachedStemmer
from bot.keypoints.summarizer import KeyPointSummarizer
from bot.keypoints.tokenizer import NoDownloadTokenizer

# Longer texts are cut at a paragraph end: key points come from the first 200,000 characters
# (a long article is ~30,000), so no input can make one call take seconds and gigabytes.
MAX_CHARS = 200_000
# An opening connective and the comma or space after it ("However, ", "But ").
_OPENING_WORD = re.compile(r"([^\W\d_]+)(?:,\s*|\s+)(?=[^\W\d_])")


def _bounded(text: str) -> str:
    if len(text) <= MAX_CHARS:
        return text
    cut = text.rfind("\n", 0, MAX_CHARS)
    return text[: cut if cut > MAX_CHARS // 2 else MAX_CHARS]


@dataclass(frozen=True, slots=True)
class LanguageTools:
    """What one language needs: its tokenizer, summarizer and droppable opening connectives."""

    tokenizer: NoDownloadTokenizer
    summarizer: KeyPointSummarizer
    connectives: frozenset[str]

    def standalone(self, point: str) -> str:
        """`point` without an opening connective ("But the plan ..." -> "The plan ...")."""
        opening = _OPENING_WORD.match(point)
        if opening is None or opening.group(1).lower() not in self.connectives:
            return point
        rest = point[opening.end() :]
        return rest[0].upper() + rest[1:]


class KeyPointExtractor:
    """Construct once, call from any thread: per-language tools are built once and shared."""

    def __init__(self) -> None:
        self._tools: dict[str, LanguageTools] = {}
        self._lock = threading.Lock()

    def key_points(
        self, title: str, text: str, language: str | None = None, count: int = 3
    ) -> list[str]:
        """The `count` most informative sentences of `text`, in article order.

        `language` is a hint (ISO 639-1 or a tag such as "en-US"); without a valid one the
        language is detected from the text. Boilerplate and repeats of `title` never come back.
        A point that opens with a connective ("But", "However,") comes without it.
        """
        if count <= 0 or not text.strip():
            return []
        code, document = self.document(title, text, language)
        tools = self.tools_for(code)
        chosen = tools.summarizer(document, count, tools.tokenizer.to_words(title))
        return [tools.standalone(str(sentence)) for sentence in chosen]

    def document(
        self, title: str, text: str, language: str | None = None
    ) -> tuple[str, ObjectDocumentModel]:
        """The language code and the sumy document of the body sentences of `text`."""
        text = _bounded(text)
        code = detect_language(text, language)
        paragraphs = split_paragraphs(text, code)
        body = body_sentences(paragraphs, title, neutral=code in NEUTRAL_LANGUAGES)
        grouped: dict[int, list[str]] = {}
        for index, sentence in body:
            grouped.setdefault(index, []).append(sentence)
        return code, build_document(list(grouped.values()), self.tools_for(code).tokenizer)

    def tools_for(self, code: str) -> LanguageTools:
        """The tools for language `code`, built on first use."""
        tools = self._tools.get(code)
        if tools is None:
            with self._lock:
                tools = self._tools.get(code)
                if tools is None:
                    neutral = code in NEUTRAL_LANGUAGES
                    # Character bigrams are not words: stop words would not match them.
                    stops = frozenset() if neutral else stop_words(code)
                    tools = LanguageTools(
                        NoDownloadTokenizer(code),
                        KeyPointSummarizer(
                            CachedStemmer(code), stops, context_openers(code), neutral
                        ),
                        droppable_connectives(code),
                    )
                    self._tools[code] = tools
        return tools
