"""Load the BBC News Summary data set and the stock summarizers newsbot is compared with."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sumy.nlp.stemmers import Stemmer
from sumy.summarizers._summarizer import AbstractSummarizer
from sumy.summarizers.kl import KLSummarizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.sum_basic import SumBasicSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

from bot.keypoints.document import build_document
from bot.keypoints.sentences import split_paragraphs
from bot.keypoints.tokenizer import NoDownloadTokenizer

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc" / "bbc-news-summary.jsonl"
SPLITS = ("all", "dev", "test")
# Every summarizer under test: (title, text) -> chosen sentences.
Summarize = Callable[[str, str], list[str]]

STOCK_SUMMARIZERS: dict[str, type[AbstractSummarizer]] = {
    "sumy LexRank": LexRankSummarizer,
    "sumy TextRank": TextRankSummarizer,
    "sumy LSA": LsaSummarizer,
    "sumy Luhn": LuhnSummarizer,
    "sumy SumBasic": SumBasicSummarizer,
    "sumy KL": KLSummarizer,
}


@dataclass(frozen=True, slots=True)
class Article:
    """One BBC article with its reference extractive summary."""

    id: str
    title: str
    text: str
    summary: str

    @property
    def number(self) -> int:
        return int(self.id.rsplit("/", 1)[1])


def in_split(article: Article, split: str) -> bool:
    """The documented split: "dev" = even article numbers (for tuning), "test" = odd ones."""
    if split == "dev":
        return article.number % 2 == 0
    if split == "test":
        return article.number % 2 == 1
    return True


def load_articles(split: str = "all", limit: int = 0, path: Path = DATA) -> list[Article]:
    """Articles of `split` in file order; `limit` > 0 keeps only the first `limit`."""
    chosen: list[Article] = []
    for article in _read(path):
        if in_split(article, split):
            chosen.append(article)
            if len(chosen) == limit:
                break
    return chosen


def _read(path: Path) -> Iterator[Article]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            yield Article(row["id"], row["title"], row["text"], row["summary"])


def stock_summarizer(
    cls: type[AbstractSummarizer], language: str = "en", stop_words: bool = True
) -> Summarize:
    """A stock sumy summarizer with sumy's stemmer (and sumy's stop words, unless told not to),
    fed by the no-download tokenizer and newsbot's sentence splitting (sumy's own tokenizer
    needs NLTK data)."""
    tokenizer = NoDownloadTokenizer(language)
    summarizer = cls(Stemmer(tokenizer.language))
    if stop_words:
        summarizer.stop_words = get_stop_words(tokenizer.language)

    def summarize(title: str, text: str) -> list[str]:
        document = build_document(split_paragraphs(text, language), tokenizer)
        return [str(sentence) for sentence in summarizer(document, 3)]

    return summarize
