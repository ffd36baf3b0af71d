"""Build a page fixture from a real test page: scripts, styles, SVG drawings, comments and
inline data URLs taken out (they carry no article text), gzipped.

    python -m tests.support.pages.make_fixture SOURCE_DIR NAME

SOURCE_DIR holds `source.html` and `expected.html` (mozilla/readability's test-page layout);
writes NAME.html.gz and NAME.expected.txt.gz beside this file.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

from bot.ingest.feeds import html_to_text

HERE = Path(__file__).parent
_NOISE = re.compile(
    rb"<(script|style|svg)\b[^>]*>.*?</\1\s*>|<!--.*?-->|data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+",
    re.S | re.I,
)
_SPACE = re.compile(rb"[ \t]*\n\s*")


def trim(html: bytes) -> bytes:
    """`html` without what never holds article text."""
    return _SPACE.sub(b"\n", _NOISE.sub(b"", html))


def main(source: str, name: str) -> None:
    folder = Path(source)
    html = trim((folder / "source.html").read_bytes())
    expected = html_to_text((folder / "expected.html").read_text(encoding="utf-8"))
    (HERE / f"{name}.html.gz").write_bytes(gzip.compress(html, mtime=0))
    (HERE / f"{name}.expected.txt.gz").write_bytes(gzip.compress(expected.encode(), mtime=0))


if __name__ == "__main__":
    main(*sys.argv[1:])
