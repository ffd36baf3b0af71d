"""Message text as the Bot API sees it: HTML parsed to entities, limits checked, links found.

The HTML rules and error messages follow Telegram's own parser (tdlib): tags are matched
case-insensitively, an unknown or unbalanced tag is an error naming its UTF-8 byte offset,
``&lt; &gt; &amp; &quot;`` and numeric references are decoded, any other ``&`` stays as is.
Offsets and lengths of entities are in UTF-16 code units, like the real API's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.telegram.emulator.params import ApiError

MAX_TEXT = 4096

# tag -> entity type
TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_REFERENCE_RE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_NAME_TOKEN_RE = re.compile(r"[A-Za-z0-9.\-]*")
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")

_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![^\s.,!?;:])")
_URL_RE = re.compile(r"(?<![\w@/.])(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_URL_TAIL = ".,;:!?'\"»…"

Entity = dict[str, Any]


class HTMLEntityError(ValueError):
    """Telegram's HTML parser rejects the text; the message is what the API reports."""


@dataclass(slots=True)
class _Open:
    tag: str
    offset: int  # UTF-16 offset in the visible text
    argument: str = ""
    language: str = ""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts: a character beyond U+FFFF takes two.

    Counted here on purpose, not with the bot's own helper: the emulator checks the bot.
    """
    return len(text) + len(_ASTRAL_RE.findall(text))


def _byte_offset(markup: str, index: int) -> int:
    return len(markup[:index].encode("utf-8", "surrogatepass"))


def _reference(markup: str, index: int) -> tuple[str, int] | None:
    """The character an ``&...;`` reference at ``index`` stands for, and the index after it."""
    match = _REFERENCE_RE.match(markup, index)
    if match is None:
        return None
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        char = _NAMED.get(name)
        return None if char is None else (char, match.end())
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


class _HTMLParser:
    """One pass over the markup, building the visible text and the entity list."""

    def __init__(self, markup: str) -> None:
        self.markup = markup
        self.text: list[str] = []
        self.position = 0  # UTF-16 length of the text so far
        self.stack: list[_Open] = []
        self.entities: list[Entity] = []

    def error(self, message: str, index: int | None = None) -> HTMLEntityError:
        if index is not None:
            message += f" at byte offset {_byte_offset(self.markup, index)}"
        return HTMLEntityError(message)

    def parse(self) -> tuple[str, list[Entity]]:
        markup, i = self.markup, 0
        while i < len(markup):
            char = markup[i]
            if char == "&" and (decoded := _reference(markup, i)):
                char, i = decoded
            elif char == "<":
                i = self.end_tag(i) if markup.startswith("</", i) else self.start_tag(i)
                continue
            else:
                i += 1
            self.text.append(char)
            self.position += 2 if ord(char) > 0xFFFF else 1
        if self.stack:
            raise self.error(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.text), self.entities

    def _skip_space(self, i: int) -> int:
        while i < len(self.markup) and self.markup[i].isspace():
            i += 1
        return i

    def _word_end(self, i: int, stops: str) -> int:
        while i < len(self.markup) and not self.markup[i].isspace() and self.markup[i] not in stops:
            i += 1
        return i

    def start_tag(self, begin: int) -> int:
        markup = self.markup
        i = self._word_end(begin + 1, ">")
        if i >= len(markup):
            raise self.error("Unclosed start tag", begin)
        tag = markup[begin + 1 : i].lower()
        if tag not in TAGS:
            raise self.error(f'Unsupported start tag "{tag}"', begin)
        opened = _Open(tag, self.position)
        while True:
            i = self._skip_space(i)
            if i >= len(markup):
                raise self.error("Unclosed start tag", begin)
            if markup[i] == ">":
                break
            name_start = i
            i = self._word_end(i, "=>")
            name = markup[name_start:i].lower()
            if not name:
                raise self.error(f'Empty attribute name in the tag "{tag}"', begin)
            i = self._skip_space(i)
            if i >= len(markup) or markup[i] != "=":
                if tag == "blockquote" and name == "expandable":
                    opened.argument = "expandable"
                    continue
                raise self.error(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}"',
                    begin,
                )
            i = self._skip_space(i + 1)
            if i >= len(markup):
                raise self.error("Unclosed start tag", begin)
            value, i = self.attribute_value(i)
            if i >= len(markup):
                raise self.error("Unclosed start tag", begin)
            self.apply_attribute(opened, name, value)
        if tag == "span" and opened.argument != "tg-spoiler":
            raise self.error('Tag "span" must have class "tg-spoiler"', begin)
        self.stack.append(opened)
        return i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        markup = self.markup
        quote = markup[i]
        if quote not in "'\"":
            match = _NAME_TOKEN_RE.match(markup, i)
            assert match is not None  # the pattern matches the empty string
            end = match.end()
            if end < len(markup) and not markup[end].isspace() and markup[end] != ">":
                raise self.error("Unexpected end of name token", end)
            return match.group().lower(), end
        i += 1
        value: list[str] = []
        while i < len(markup) and markup[i] != quote:
            if markup[i] == "&" and (decoded := _reference(markup, i)):
                char, i = decoded
                value.append(char)
            else:
                value.append(markup[i])
                i += 1
        return "".join(value), i + 1 if i < len(markup) else i

    @staticmethod
    def apply_attribute(opened: _Open, name: str, value: str) -> None:
        if (
            (opened.tag == "a" and name == "href")
            or (opened.tag == "span" and name == "class")
            or (opened.tag == "code" and name == "class" and value.startswith("language-"))
        ):
            opened.argument = value

    def end_tag(self, begin: int) -> int:
        markup = self.markup
        if not self.stack:
            raise self.error("Unexpected end tag", begin)
        i = self._word_end(begin + 2, ">")
        name = markup[begin + 2 : i].lower()
        i = self._skip_space(i)
        if i >= len(markup) or markup[i] != ">":
            raise self.error("Unclosed end tag", begin)
        opened = self.stack.pop()
        if name and name != opened.tag:
            raise self.error(
                f"Unmatched end tag at byte offset {_byte_offset(markup, begin)}, "
                f'expected "</{opened.tag}>", found "</{name}>"'
            )
        self.close(opened)
        return i + 1

    def close(self, opened: _Open) -> None:
        length = self.position - opened.offset
        kind = TAGS[opened.tag]
        if opened.tag == "code" and self.stack and self.stack[-1].tag == "pre":
            self.stack[-1].language = opened.argument.removeprefix("language-")
            return
        if length == 0 or (kind == "text_link" and not opened.argument):
            return
        entity: Entity = {"type": kind, "offset": opened.offset, "length": length}
        if kind == "text_link":
            entity["url"] = opened.argument
        elif kind == "pre" and opened.language:
            entity["language"] = opened.language
        elif kind == "blockquote" and opened.argument == "expandable":
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)


def parse_html(markup: str) -> tuple[str, list[Entity]]:
    """The visible text of Telegram HTML and its entities; HTMLEntityError if it is invalid."""
    return _HTMLParser(markup).parse()


def _strip(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Trim surrounding whitespace as Telegram does, keeping entities on the same characters."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    kept: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def message_text(
    text: object, parse_mode: object = None, entities: object = None, *, limit: int = MAX_TEXT
) -> tuple[str, list[Entity]]:
    """Check a message text as sendMessage does; return the visible text and its entities.

    Only HTML is parsed; with MarkdownV2/Markdown the text is kept as sent, without entities.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    found: list[Entity] = list(entities) if isinstance(entities, list) else []
    mode = parse_mode.lower() if isinstance(parse_mode, str) else ""
    if mode == "html":
        try:
            text, found = parse_html(text)
        except HTMLEntityError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
    elif mode not in ("", "markdown", "markdownv2"):
        raise ApiError(400, "Bad Request: unsupported parse_mode")
    text, found = _strip(text, found)
    if not text:
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_len(text) > limit:
        raise ApiError(400, "Bad Request: message is too long")
    return text, found


def _span(text: str, start: int, end: int) -> tuple[int, int]:
    """UTF-16 offset and length of ``text[start:end]``."""
    return utf16_len(text[:start]), utf16_len(text[start:end])


def detect_entities(text: str) -> list[Entity]:
    """The entities Telegram adds to what a user types: bot commands and links."""
    found: list[Entity] = []
    for match in _COMMAND_RE.finditer(text):
        offset, length = _span(text, match.start(), match.end())
        found.append({"type": "bot_command", "offset": offset, "length": length})
    for match in _URL_RE.finditer(text):
        url = match.group()
        while url and (
            url[-1] in _URL_TAIL or (url[-1] == ")" and url.count("(") < url.count(")"))
        ):
            url = url[:-1]
        if "." not in url.split("//", 1)[-1]:
            continue
        offset, length = _span(text, match.start(), match.start() + len(url))
        found.append({"type": "url", "offset": offset, "length": length})
    return sorted(found, key=lambda e: e["offset"])
