"""Tests for bot.topics: parsing topics, matching articles, FTS5 queries and the topic index."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.topics import (
    MAX_TERMS,
    Document,
    Topic,
    TopicError,
    TopicIndex,
    article_tokens,
    document_frequencies,
    match_text,
    parse_topic,
    search_to_fts,
    to_fts_query,
    tokenize,
)


def test_parse_words_phrases_and_exclusions() -> None:
    topic = parse_topic('Sanctions "Kim Jong Un" -Sport')
    assert topic.required == ("sanction",)
    assert topic.phrases == (("kim", "jong", "un"),)
    assert topic.excluded == ("sport",)
    assert topic.text == 'Sanctions "Kim Jong Un" -Sport'  # shown as typed


def test_a_topic_is_shown_as_typed_and_equal_whatever_the_order() -> None:
    topic = parse_topic('  "premier league"   Mourinho ')
    assert topic.text == '"premier league" Mourinho'
    assert topic == parse_topic('mourinho "Premier League"')
    assert parse_topic("a&b c++") == parse_topic("C++ A&B")
    assert parse_topic("AT&T").text == "AT&T"


def test_symbols_that_make_a_word_are_kept() -> None:
    assert parse_topic("c++").required == ("c++",)
    assert parse_topic("AT&T").required == ("at&t",)
    assert parse_topic("#MeToo").required == ("#metoo",)
    assert parse_topic("c#").required == ("c#",)
    cpp = parse_topic("c++")
    assert match_text(cpp, "What is new in C++ 26", "")
    assert not match_text(cpp, "The C programming language", "C is old.")
    assert not match_text(parse_topic("c"), "", "C++ only")  # a different word
    assert not match_text(parse_topic("t-mobile"), "", "AT&T mobile only")
    assert match_text(parse_topic("AT&T"), "", "Shares of AT&T rose.")
    assert not match_text(parse_topic("AT&T"), "", "Shares of AT and T rose.")
    tag = parse_topic("#bitcoin")
    assert match_text(tag, "", "Trending: #Bitcoin today")
    assert not match_text(tag, "", "Bitcoin today")
    # a hashtag or a "Disney+" still counts as its plain word
    assert match_text(parse_topic("bitcoin"), "", "Trending: #bitcoin")
    assert match_text(parse_topic("disney"), "Disney+ raises prices", "")
    assert match_text(parse_topic('"at&t deal"'), "", "The AT&T deal closed.")


def test_a_topic_of_only_stop_words_is_refused() -> None:
    for text in ("the", "The  of", '"to be"', "it -sport"):
        with pytest.raises(TopicError, match="is in nearly every article"):
            parse_topic(text)
    assert parse_topic("the beatles").required == ("beatl", "the")
    assert parse_topic('"the who"' + " band").phrases == (("the", "who"),)


def test_excluding_a_word_with_symbols_keeps_the_fts_prefilter_a_superset() -> None:
    topic = parse_topic("language -c++")
    assert to_fts_query(topic) == '"language"'
    assert match_text(topic, "", "The C language")
    assert not match_text(topic, "", "The C++ language")
    assert search_to_fts("language -c++") == '"language" NOT "c++"'


def test_display_text_parses_back_to_the_same_topic() -> None:
    for text in ('-sport "Kim Jong Un" sanctions', "north-korea missiles", "북한 핵"):
        topic = parse_topic(text)
        assert parse_topic(topic.text) == topic
        assert parse_topic(topic.text).text == topic.text


def test_equal_topics_ignore_the_spelling() -> None:
    assert parse_topic("Sanctions") == parse_topic("sanction")
    assert parse_topic("sanctions") != parse_topic("sanctions -sport")


def test_unclosed_quote_is_a_phrase_to_the_end() -> None:
    topic = parse_topic('missile "north korea')
    assert topic.required == ("missil",)
    assert topic.phrases == (("north", "korea"),)


def test_smart_quotes_are_phrases() -> None:
    assert parse_topic("“north korea”").phrases == (("north", "korea"),)


def test_hyphenated_word_is_a_phrase_and_single_word_phrase_is_a_word() -> None:
    assert parse_topic("north-korea").phrases == (("north", "korea"),)
    assert parse_topic('"bitcoin"') == parse_topic("bitcoin")


def test_duplicates_and_punctuation_only_terms_are_dropped() -> None:
    topic = parse_topic('bitcoin Bitcoins ... "" - -- bitcoin')
    assert topic == parse_topic("bitcoin")


def test_fts_syntax_is_just_words() -> None:
    topic = parse_topic("NEAR(a b) OR c* ^d col:e")
    assert topic.phrases == (("col", "e"), ("near", "a"))
    assert topic.required == ("b", "c", "d", "or")


def test_korean_words_are_matched_unstemmed() -> None:
    topic = parse_topic("북한 -미사일")
    assert topic.required == ("북한",)
    assert topic.excluded == ("미사일",)
    assert match_text(topic, "북한 소식", "평양에서")
    assert not match_text(topic, "북한 소식", "미사일 발사")
    assert not match_text(topic, "북한의 소식", "")  # a particle makes another token


def test_unicode_is_normalised_and_case_folded() -> None:
    assert tokenize("ＦＵＬＬ Straße İstanbul") == tokenize("full STRASSE i̇stanbul")
    assert match_text(parse_topic("straße"), "STRASSE closed", "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one word"),
        ("   ...  !! ", "at least one word"),
        ("-sport -football", "not only -excluded"),
        ("x" * 201, "too long"),
        (" ".join(f"w{n}" for n in range(MAX_TERMS + 1)), "too many"),
        ('-"north korea" missile', "single words"),
        ("sanctions -sanction", "both wanted and excluded"),
        ('"kim jong" -jong', "both wanted and excluded"),
    ],
)
def test_unusable_topics_are_explained(text: str, message: str) -> None:
    with pytest.raises(TopicError, match=message):
        parse_topic(text)


def test_ten_terms_are_allowed() -> None:
    assert len(parse_topic(" ".join(f"w{n}" for n in range(MAX_TERMS))).required) == MAX_TERMS


def test_tokenize_stems_and_splits_on_non_letters() -> None:
    assert tokenize("Sanctions on North Korea’s kim_jong, 2024!") == [
        "sanction", "on", "north", "korea", "s", "kim", "jong", "2024",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("topic", "title", "text", "expected"),
    [
        ("sanction", "New sanctions", "", True),
        ("sanctions", "", "They sanctioned the bank", True),
        ("Sanctions", "", "nothing relevant", False),
        ("missile launch", "Missile test", "A launch was seen", True),
        ("missile launch", "Missile test", "nothing else", False),
        ('"north korea"', "", "North Korea said", True),
        ('"north korea"', "", "Korea, north of the border", False),
        ('"north korea"', "North", "Korea", False),  # a phrase does not span title and text
        ("north korea", "North", "Korea", True),
        ('"kim jong un"', "", "kim jong and un", False),
        ("korea -sport", "", "North Korea trade", True),
        ("korea -sport", "", "North Korea sports news", False),
        ('sanctions "kim jong un" -sport', "Kim Jong Un faces sanctions", "", True),
    ],
)
def test_match_text(topic: str, title: str, text: str, expected: bool) -> None:
    assert match_text(parse_topic(topic), title, text) is expected


def test_phrase_found_after_a_false_start() -> None:
    topic = parse_topic('"north korea"')
    assert topic.matches(tokenize("north america and north korea"))
    assert not topic.matches(tokenize("north america and korea"))


def test_long_phrase_needs_its_words_in_one_run() -> None:
    topic = parse_topic('"kim jong un"')
    assert topic.matches(tokenize("kim jong met kim jong un"))
    assert not topic.matches(tokenize("jong un met kim jong"))  # every pair occurs, not the run


@settings(max_examples=200, deadline=None)
@given(
    tokens=st.lists(st.sampled_from("abc"), max_size=30),
    phrase=st.lists(st.sampled_from("abc"), min_size=2, max_size=4),
)
def test_has_phrase_agrees_with_a_brute_force_search(tokens: list[str], phrase: list[str]) -> None:
    size = len(phrase)
    expected = any(tokens[i : i + size] == phrase for i in range(len(tokens)))
    assert Document(tokens).has_phrase(tuple(phrase)) is expected


# --- FTS5 -----------------------------------------------------------------------------------

DOCS = [
    ("New sanctions on North Korea", "Kim Jong Un denounced the sanctions."),
    ("Football results", "North Korea won the sports match."),
    ("Korea trade talks", "Talks resumed in the north."),
    ("Straße closed", "Résumé of the week in Berlin."),
    ("북한 소식", "평양에서 미사일 발사"),
]


@pytest.fixture
def fts() -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, text, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.executemany(
        "INSERT INTO docs (rowid, title, text) VALUES (?, ?, ?)",
        [(n, *doc) for n, doc in enumerate(DOCS, 1)],
    )
    yield db
    db.close()


def fts_ids(db: sqlite3.Connection, query: str) -> set[int]:
    return {row[0] for row in db.execute("SELECT rowid FROM docs WHERE docs MATCH ?", [query])}


def test_fts_query_quotes_every_term() -> None:
    topic = parse_topic('Sanctions "Kim Jong Un" -sport')
    assert search_to_fts(topic.text) == '("sanctions" AND "kim jong un") NOT "sport"'
    assert search_to_fts("korea") == '"korea"'
    assert search_to_fts('korea -"sport"') == '"korea" NOT "sport"'


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sanction", {1}),
        ("korea", {1, 2, 3}),
        ("korea -sport", {1, 3}),
        ('"north korea"', {1, 2}),
        ("talk korea", {3}),
        ("strasse", set()),  # FTS5 does not fold ß; our own matching does
        ("straße resume", {4}),
        ("북한", {5}),
        ('NEAR OR AND NOT "', set()),
        ("korea*", {1, 2, 3}),
    ],
)
def test_search_against_a_real_fts5_table(
    fts: sqlite3.Connection, query: str, expected: set[int]
) -> None:
    assert fts_ids(fts, search_to_fts(query)) == expected


def test_search_of_only_excluded_words_is_explained() -> None:
    with pytest.raises(TopicError, match="not only -excluded"):
        search_to_fts("-sport")


query_text = st.lists(
    st.one_of(
        st.sampled_from([*"\"-*^:()+{}[],.' _", "NEAR", "AND", "OR", "NOT", "korea"]),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(query=query_text)
def test_no_search_input_breaks_fts5(query: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, text, tokenize='porter unicode61')")
    db.executemany("INSERT INTO docs VALUES (?, ?)", DOCS)
    try:
        expression = search_to_fts(query)
    except TopicError:
        return
    db.execute("SELECT rowid FROM docs WHERE docs MATCH ?", [expression]).fetchall()


# Words on which the Porter (FTS5) and Snowball (ours) stemmers agree, so the FTS pre-filter
# must return every article our own matching accepts.
VOCAB = [
    "sanction", "sanctions", "sanctioned", "korea", "korean", "north", "missile", "missiles",
    "launch", "launched", "talks", "talk", "kim", "jong", "sport", "trade", "북한", "미사일",
]  # fmt: skip
vocab_words = st.lists(st.sampled_from(VOCAB), min_size=1, max_size=12)


@st.composite
def topic_texts(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(VOCAB)) for _ in range(draw(st.integers(0, 2)))]
    parts += [f'"{" ".join(draw(st.lists(st.sampled_from(VOCAB), min_size=2, max_size=3)))}"'
              for _ in range(draw(st.integers(0, 1)))]  # fmt: skip
    if not parts:
        parts.append(draw(st.sampled_from(VOCAB)))
    parts += [f"-{draw(st.sampled_from(VOCAB))}" for _ in range(draw(st.integers(0, 2)))]
    return " ".join(parts)


def parse_or_none(text: str) -> Topic | None:
    try:
        return parse_topic(text)
    except TopicError:  # e.g. a word both wanted and excluded
        return None


@settings(max_examples=150, deadline=None)
@given(text=topic_texts(), docs=st.lists(st.tuples(vocab_words, vocab_words), max_size=8))
def test_fts_prefilter_keeps_every_matching_article(
    text: str, docs: list[tuple[list[str], list[str]]]
) -> None:
    topic = parse_or_none(text)
    if topic is None:
        return
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, text, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    rows = [(" ".join(title), " ".join(body)) for title, body in docs]
    db.executemany("INSERT INTO docs VALUES (?, ?)", rows)
    prefiltered = fts_ids(db, search_to_fts(topic.text))
    matching = {n for n, (title, body) in enumerate(rows, 1) if match_text(topic, title, body)}
    assert matching <= prefiltered


# --- TopicIndex -----------------------------------------------------------------------------


def test_index_matches_and_forgets_subscriptions() -> None:
    index = TopicIndex()
    index.add(1, parse_topic("sanctions"))
    index.add(2, parse_topic('"north korea" -sport'))
    index.add(3, parse_topic("sanction"))  # same topic as 1, checked once
    index.add(4, parse_topic("bitcoin"))
    assert len(index) == 4
    tokens = tokenize("North Korea faces new sanctions")
    assert index.match(tokens) == {1, 2, 3}
    assert index.match(tokenize("North Korea sport sanctions")) == {1, 3}
    index.remove(1)
    index.remove(2)
    assert len(index) == 2
    assert index.match(tokens) == {3}
    index.remove(3)
    assert index.match(tokens) == set()
    with pytest.raises(KeyError):
        index.remove(3)


def test_document_frequencies_count_each_article_once() -> None:
    assert document_frequencies([["a", "b", "a"], ["a"], []]) == {"a": 2, "b": 1}


def test_index_files_topics_under_their_rarest_word() -> None:
    index = TopicIndex({"korea": 50, "sanction": 3, "kim": 1})
    assert index.anchor(parse_topic("korea sanctions")) == "sanction"
    assert index.anchor(parse_topic('korea "kim jong"')) == "jong"  # unseen: rarest of all
    plain = TopicIndex()  # no frequencies: the longest word that is not a very common one
    assert plain.anchor(parse_topic("korea sanctions")) == "sanction"
    assert plain.anchor(parse_topic('"said war"')) == "war"  # a longer common word loses


def test_index_add_replaces_the_previous_topic() -> None:
    index = TopicIndex()
    index.add(7, parse_topic("bitcoin"))
    index.add(7, parse_topic("korea"))
    assert len(index) == 1
    assert index.match(tokenize("bitcoin")) == set()
    assert index.match(tokenize("Korea")) == {7}


@settings(max_examples=100, deadline=None)
@given(
    texts=st.lists(topic_texts(), min_size=1, max_size=40),
    articles=st.lists(vocab_words, min_size=1, max_size=10),
    removed=st.sets(st.integers(0, 39), max_size=10),
)
def test_index_agrees_with_checking_every_topic(
    texts: list[str], articles: list[list[str]], removed: set[int]
) -> None:
    topics = {n: topic for n, text in enumerate(texts) if (topic := parse_or_none(text))}
    tokenized = [article_tokens(" ".join(words[:2]), " ".join(words[2:])) for words in articles]
    indexes = [TopicIndex(), TopicIndex(document_frequencies(tokenized))]
    for index in indexes:
        for sub_id, topic in topics.items():
            index.add(sub_id, topic)
        for sub_id in removed & topics.keys():
            index.remove(sub_id)
    for sub_id in removed & topics.keys():
        del topics[sub_id]
    for index in indexes:
        assert len(index) == len(topics)
        for tokens in tokenized:
            expected = {n for n, topic in topics.items() if topic.matches(tokens)}
            assert index.match(tokens) == expected
