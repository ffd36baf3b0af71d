"""split_sentences and the sumy-compatible tokenizer."""

from __future__ import annotations

from bot.keypoints import split_sentences
from bot.keypoints.sentences import split_neutral
from bot.keypoints.tokenizer import NoDownloadTokenizer


def test_english_sentences_keep_abbreviations_whole() -> None:
    text = "Mr. Smith arrived in the U.S. on Jan. 8. He left on Friday! Did he return?"
    assert split_sentences(text, "en") == [
        "Mr. Smith arrived in the U.S. on Jan. 8.",
        "He left on Friday!",
        "Did he return?",
    ]


def test_every_line_is_split_on_its_own() -> None:
    text = "A headline without a stop\n\nFirst sentence here. Second one here.\nA third line"
    assert split_sentences(text, "en") == [
        "A headline without a stop",
        "First sentence here.",
        "Second one here.",
        "A third line",
    ]


def test_german_dates_do_not_end_a_sentence() -> None:
    text = (
        "Die Tagung findet am Samstag, 31. Januar 2015, im Rathaus statt. "
        "Am 12. September gibt es eine Demonstration. Der Verein wurde am Ende 3. Das war gut."
    )
    assert split_sentences(text, "de") == [
        "Die Tagung findet am Samstag, 31. Januar 2015, im Rathaus statt.",
        "Am 12. September gibt es eine Demonstration.",
        "Der Verein wurde am Ende 3.",  # an ordinal before a word that is not a month: an end
        "Das war gut.",
    ]
    # only in German: in English a number closing a sentence may come before "August"
    assert split_sentences("He finished 3. August was good for him.", "en") == [
        "He finished 3.",
        "August was good for him.",
    ]


def test_korean_sentences_split_on_endings_without_spaces() -> None:
    text = "물가가 3.5% 올랐다.그러나 임금은 그대로다. 정말 그런가? 그렇다!"
    assert split_sentences(text, "ko") == [
        "물가가 3.5% 올랐다.",
        "그러나 임금은 그대로다.",
        "정말 그런가?",
        "그렇다!",
    ]


def test_neutral_split_on_cjk_marks_and_closing_quotes() -> None:
    assert split_neutral("他说：“好。”我们走了。") == ["他说：“好。”", "我们走了。"]
    assert split_neutral("no terminator") == ["no terminator"]


def test_language_is_detected_when_not_given() -> None:
    assert split_sentences("경제가 좋아졌다.수출이 늘었다.") == [
        "경제가 좋아졌다.",
        "수출이 늘었다.",
    ]


def test_tokenizer_has_sumys_interface() -> None:
    tokenizer = NoDownloadTokenizer("en")
    assert tokenizer.language == "english"
    assert tokenizer.to_sentences("One here. Two there.") == ("One here.", "Two there.")
    assert tokenizer.to_words("Don't stop: 3 cats, e-mail!") == (
        "Don't",
        "stop",
        "cats",
        "e",
        "mail",
    )


def test_korean_words_are_character_bigrams() -> None:
    tokenizer = NoDownloadTokenizer("ko")
    assert tokenizer.to_words("강원도가 계획을 냈다") == (
        "강원",
        "원도",
        "도가",
        "계획",
        "획을",
        "냈다",
    )
