"""Render articles as Telegram HTML messages that always fit Telegram's size limit.

Length is counted conservatively: Telegram measures a message in UTF-16 code units *after*
parsing the entities, but every function here counts the raw HTML string (tags and entity
references included) in UTF-16 code units, so a message accepted here is never too long
for Telegram. Characters outside the Basic Multilingual Plane (most emoji) count as 2.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from bot.models import Article, Story
from bot.storage import Feed
from bot.when import published_label

MAX_MESSAGE = 4096

TITLE_MAX_CHARS = 256  # longer titles are cut before escaping, so a header stays small
SOURCE_MAX_CHARS = 100
LINE_MAX_CHARS = 160  # the one line of an article in a compact list
URL_MAX_CHARS = 1024  # longer (or non-http) URLs are not linked
ELLIPSIS = "…"
BULLET = "•"

# One indivisible piece of our HTML: a tag, an entity reference, or a single character.
_PIECE_RE = re.compile(r"<[^>]*>|&[^;&<>\s]*;|.", re.DOTALL)
_TAG_RE = re.compile(r"<(/?)([a-z]+)")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit Telegram's limits are given in."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def escape(text: str) -> str:
    """Escape plain text for Telegram HTML text content (``&``, ``<`` and ``>``)."""
    return html.escape(text, quote=False)


def truncate_html(markup: str, limit: int) -> str:
    """Cut well-formed ``markup`` to at most ``limit`` UTF-16 units, ending with "…".

    The cut falls between characters, never inside a tag or an entity reference, and every
    tag still open at the cut is closed. Markup that already fits is returned unchanged.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if utf16_len(markup) <= limit:
        return markup
    budget = limit - utf16_len(ELLIPSIS)
    kept: list[str] = []
    open_tags: list[str] = []
    used = 0
    closing = 0  # length of the closing tags needed for open_tags
    for match in _PIECE_RE.finditer(markup):
        piece = match.group()
        cost = utf16_len(piece)
        tag = _TAG_RE.match(piece)
        if tag and tag.group(1):
            # A closing tag shrinks what must be appended later: always affordable.
            if open_tags:
                closing -= len(open_tags.pop()) + 3
        elif tag:
            closer = len(tag.group(2)) + 3
            if used + cost + closing + closer > budget:
                break
            open_tags.append(tag.group(2))
            closing += closer
        elif used + cost + closing > budget:
            break
        kept.append(piece)
        used += cost
    while kept and kept[-1].isspace():
        kept.pop()
    closers = "".join(f"</{name}>" for name in reversed(open_tags))
    return "".join(kept) + ELLIPSIS + closers


def pack_blocks(
    blocks: list[str], limit: int = MAX_MESSAGE, separator: str = "\n\n"
) -> list[list[int]]:
    """Which blocks go in which message: the indexes of each message's blocks, in order.

    Blocks are packed into as few messages of at most ``limit`` units as possible, counting
    each block as :func:`truncate_html` cuts it; messages are only split between blocks.
    """
    groups: list[list[int]] = []
    current_len = 0
    sep_len = utf16_len(separator)
    for number, block in enumerate(blocks):
        size = min(utf16_len(block), limit)
        if groups and current_len + sep_len + size <= limit:
            groups[-1].append(number)
            current_len += sep_len + size
        else:
            groups.append([number])
            current_len = size
    return groups


def split_messages(
    blocks: list[str], limit: int = MAX_MESSAGE, separator: str = "\n\n"
) -> list[str]:
    """Pack rendered blocks into as few messages of at most ``limit`` units as possible.

    Messages are only split between blocks; a block that alone exceeds the limit is cut
    with :func:`truncate_html` and sent as its own message.
    """
    return [
        separator.join(truncate_html(blocks[n], limit) for n in group)
        for group in pack_blocks(blocks, limit, separator)
    ]


def _clean(text: str | None, max_chars: int | None = None) -> str:
    """Collapse whitespace (titles and points are one line each), optionally cap the length."""
    words = " ".join((text or "").split())
    if max_chars is None or len(words) <= max_chars:
        return words
    return words[: max_chars - 1].rstrip() + ELLIPSIS


def _link_target(url: str | None) -> str | None:
    """The URL if it is worth linking: absolute http(s) and not absurdly long."""
    if not url:
        return None
    url = url.strip()
    if len(url) > URL_MAX_CHARS or any(ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def _heading(article: Article, index: int | None) -> str:
    """The bold title, linked to the article when its URL is worth linking, maybe numbered."""
    title = escape(_clean(article.title, TITLE_MAX_CHARS) or "Untitled")
    target = _link_target(article.shown_url)
    if target is not None:
        title = f'<a href="{html.escape(target, quote=True)}">{title}</a>'
    heading = f"<b>{title}</b>"
    return heading if index is None else f"{index}. {heading}"


def _meta(article: Article) -> str:
    """The italic "source · date · #id" line."""
    parts = (
        escape(_clean(article.source, SOURCE_MAX_CHARS)),
        published_label(article.published),
        f"#{article.id}",
    )
    return f"<i>{' · '.join(part for part in parts if part)}</i>"


def render_article(article: Article, *, with_points: bool = True, index: int | None = None) -> str:
    """One article as a block: bold linked title, "source · date · #id", then its key points.

    The result is at most :data:`MAX_MESSAGE` UTF-16 units however long the fields are.
    """
    lines = [_heading(article, index), _meta(article)]
    if with_points:
        # Points are not capped one by one: the block-level cut below keeps as many as fit.
        lines.extend(f"{BULLET} {escape(_clean(point))}" for point in article.points)
    return truncate_html("\n".join(lines), MAX_MESSAGE)


ALSO_SHOWN = 3  # other outlets linked by name under a story; the rest are counted


def render_also(story: Story) -> str:
    """ "also: BBC, Guardian (+2)": the story's other outlets, each linked to its article."""
    others = story.also
    if not others:
        return ""
    names = []
    for article in others[:ALSO_SHOWN]:
        name = escape(_clean(article.source, SOURCE_MAX_CHARS) or f"#{article.id}")
        target = _link_target(article.shown_url)
        names.append(f'<a href="{html.escape(target, quote=True)}">{name}</a>' if target else name)
    more = f" (+{len(others) - ALSO_SHOWN})" if len(others) > ALSO_SHOWN else ""
    return f"also: {', '.join(names)}{more}"


def render_story(story: Story, *, with_points: bool = True, index: int | None = None) -> str:
    """A story as its best article's block, then the "also:" line of its other outlets."""
    block = render_article(story.best, with_points=with_points, index=index)
    also = render_also(story)
    return truncate_html(f"{block}\n{also}" if also else block, MAX_MESSAGE)


def render_headline(article: Article, index: int, story: Story | None = None) -> str:
    """One article of a compact list: numbered title, "source · date · #id", one line of it,
    and the "also:" line of its story's other outlets."""
    lines = [_heading(article, index), _meta(article)]
    line = _clean(article.points[0] if article.points else article.text, LINE_MAX_CHARS)
    if line:
        lines.append(escape(line))
    if story is not None and (also := render_also(story)):
        lines.append(also)
    return truncate_html("\n".join(lines), MAX_MESSAGE)


def render_headlines(
    articles: Sequence[Article],
    *,
    header: str,
    note: str | None = None,
    stories: Mapping[int, Story] | None = None,
) -> list[tuple[str, list[Article]]]:
    """A compact numbered list under a bold header (and an optional note), split into messages.

    Each message comes with the articles it lists, so that it can carry their buttons;
    `stories` (article id -> its story) adds each story's "also:" line.
    """
    lead = f"<b>{escape(header)}</b>" + (f"\n{escape(note)}" if note else "")
    stories = stories or {}
    blocks = [lead] + [
        render_headline(article, number, stories.get(article.id))
        for number, article in enumerate(articles, start=1)
    ]
    return [
        (
            "\n\n".join(truncate_html(blocks[n], MAX_MESSAGE) for n in group),
            [articles[n - 1] for n in group if n > 0],
        )
        for group in pack_blocks(blocks)
    ]


def render_articles(
    articles: Iterable[Article], *, header: str | None = None, with_points: bool = True
) -> list[str]:
    """A numbered list of articles under an optional bold header, split into messages."""
    blocks = [f"<b>{escape(header)}</b>"] if header else []
    blocks.extend(
        render_article(article, with_points=with_points, index=number)
        for number, article in enumerate(articles, start=1)
    )
    return split_messages(blocks)


def render_digest(
    topic: str, articles: Iterable[Article], more: dict[str, int] | None = None
) -> list[str]:
    """An alert digest: "🔔 New on <topic>: N articles" followed by the articles, and for
    each topic in `more` a last line "…and N more on <topic>"."""
    items = list(articles)
    noun = "article" if len(items) == 1 else "articles"
    messages = render_articles(items, header=f"🔔 New on {topic}: {len(items)} {noun}")
    if more:
        lines = "\n".join(
            escape(f"…and {n} more on {name} (the button below shows them)")
            for name, n in more.items()
        )
        messages = split_messages([*messages, truncate_html(lines, MAX_MESSAGE)])
    return messages


def render_daily_digest(day: str, stories: Sequence[Story], on_topics: bool) -> str:
    """The daily digest as one message: as many of the stories as fit, then "and N more"."""
    local = date.fromisoformat(day)
    when = f"{local:%a} {local.day} {local:%b %Y}"
    header = f"<b>☀️ Your daily digest · {when}</b>"
    if not stories:
        what = "on your topics " if on_topics else ""
        return f"{header}\nNo news {what}in the last 24 hours."
    lead = header + (
        "\nTop stories on your topics, last 24 h" if on_topics else "\nTop stories, last 24 h"
    )
    blocks = [render_headline(story.best, n, story) for n, story in enumerate(stories, start=1)]
    for shown in range(len(blocks), 0, -1):
        rest = len(blocks) - shown
        tail = [f"… and {rest} more: /top"] if rest else []
        text = "\n\n".join([lead, *blocks[:shown], *tail])
        if utf16_len(text) <= MAX_MESSAGE:
            return text
    return truncate_html(lead + "\n\n" + blocks[0], MAX_MESSAGE)


def duration(seconds: float) -> str:
    """A rough, readable length of time: "40 min", "5 h", "3 days"."""
    minutes = round(seconds / 60)
    if minutes < 120:
        return f"{max(minutes, 1)} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} days"


def feed_health(feed: Feed, now: datetime | None = None) -> str:
    """How a feed's polling goes, for /sources and /stats: ok, never read, or failing for
    how long, how often and why, and when it is tried next."""
    failing = feed.failing_for(now)
    if failing is None:
        return "✅ never read yet" if feed.never_polled else "✅ ok"
    tries = "try" if feed.failures == 1 else "tries"
    note = f"⚠️ failing for {duration(failing.total_seconds())} ({feed.failures} {tries})"
    if feed.next_poll_at:
        wait = datetime.fromisoformat(feed.next_poll_at) - (now or datetime.now(UTC))
        note += f", next try in {duration(max(wait.total_seconds(), 0))}"
    return f"{note}: {escape((feed.last_error or '')[:200])}"
