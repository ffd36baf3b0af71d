"""A tokenizer with sumy's interface (language, to_sentences, to_words) that needs no downloads."""

from __future__ import annotations

import re

from bot.keypoints.lexicon import NEUTRAL_LANGUAGES, language_name
from bot.keypoints.sentences import split_sentences

_WORD = re.compile(r"[^\W\d_]++(?:['’][^\W\d_]++)*+")
_ASCII_WORD = re.compile(r"[a-zA-Z]++(?:'[a-zA-Z]++)*+")  # _WORD on ASCII text, faster
_RUN = re.compile(r"[^\W_]+")


class NoDownloadTokenizer:
    """Splits sentences like `split_sentences` and words by regular expression.

    Languages in NEUTRAL_LANGUAGES (Korean, Chinese, ...) get character bigrams as their
    "words", which match across particles and compounds without a dictionary.
    """

    def __init__(self, language: str) -> None:
        self.code = language
        self._neutral = language in NEUTRAL_LANGUAGES

    @property
    def language(self) -> str:
        """The language name, as sumy's own Tokenizer reports it ("english")."""
        return language_name(self.code)

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(split_sentences(paragraph, self.code))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        if not self._neutral:
            return tuple((_ASCII_WORD if sentence.isascii() else _WORD).findall(sentence))
        grams: list[str] = []
        for run in _RUN.findall(sentence):
            if len(run) < 3:
                grams.append(run)
            else:
                grams.extend(run[i : i + 2] for i in range(len(run) - 1))
        return tuple(grams)
