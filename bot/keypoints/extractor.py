"""KeyPointExtractor: the few most informative body sentences of an article, in article order."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from bot.keypoints.boilerplate import body_sentences
from bot.keypoints.document import build_document
from bot.keypoints.language import detect_language
from bot.keypoints.lexicon import NEUTRAL_LANGUAGES, stop_words
from bot.keypoints.sentences import split_paragraphs
from bot.keypoints.stemming import CachedStemmer
from bot.keypoints.summarizer import KeyPointSummarizer
from bot.keypoints.tokenizer import NoDownloadTokenizer

# Longer texts are cut at a paragraph end: key points come from the first 200,000 characters
# (a long article is ~30,000), so no input can make one call take seconds and gigabytes.
MAX_CHARS = 200_000


def _bounded(text: str) -> str:
    if len(text) <= MAX_CHARS:
        return text
    cut = text.rfind("\n", 0, MAX_CHARS)
    return text[: cut if cut > MAX_CHARS // 2 else MAX_CHARS]


@dataclass(frozen=True, slots=True)
class _LanguageTools:
    tokenizer: NoDownloadTokenizer
    summarizer: KeyPointSummarizer


class KeyPointExtractor:
    """Construct once, call from any thread: per-language tools are built once and shared."""

    def __init__(self) -> None:
        self._tools: dict[str, _LanguageTools] = {}
        self._lock = threading.Lock()

    def key_points(
        self, title: str, text: str, language: str | None = None, count: int = 3
    ) -> list[str]:
        """The `count` most informative sentences of `text`, in article order.

        `language` is a hint (ISO 639-1 or a tag such as "en-US"); without a valid one the
        language is detected from the text. Boilerplate and repeats of `title` never come back.
        """
        if count <= 0 or not text.strip():
            return []
        text = _bounded(text)
        code = detect_language(text, language)
        paragraphs = split_paragraphs(text, code)
        body = body_sentences(paragraphs, title, neutral=code in NEUTRAL_LANGUAGES)
        if len(body) <= count:
            return [sentence for _, sentence in body]
        grouped: dict[int, list[str]] = {}
        for index, sentence in body:
            grouped.setdefault(index, []).append(sentence)
        tools = self._tools_for(code)
        document = build_document(list(grouped.values()), tools.tokenizer)
        return [str(sentence) for sentence in tools.summarizer(document, count)]

    def _tools_for(self, code: str) -> _LanguageTools:
        tools = self._tools.get(code)
        if tools is None:
            with self._lock:
                tools = self._tools.get(code)
                if tools is None:
                    # Character bigrams are not words: stop words would not match them.
                    stops = frozenset() if code in NEUTRAL_LANGUAGES else stop_words(code)
                    tools = _LanguageTools(
                        NoDownloadTokenizer(code),
                        KeyPointSummarizer(CachedStemmer(code), stops),
                    )
                    self._tools[code] = tools
        return tools
