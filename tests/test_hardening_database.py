"""A database newsbot cannot use is one clear line at start, never a traceback.

Each case runs `python -m bot latest` as a real process and expects exit status 1 with one line
on stderr naming the database. The tests run as root, who may write to any chmod-protected
folder: "unwritable" therefore means /proc, or a path under a regular file.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.storage import Storage
from tests.support.crash import newsbot_env


def run_latest(db: Path | str, workdir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "latest"],
        env=newsbot_env(Path(db)),
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=60,
    )


def stored_database(path: Path, articles: int = 300) -> Path:
    """A real newsbot database with `articles` articles of a few KB each."""
    storage = Storage(path)
    for n in range(articles):
        storage.articles.save(title=f"Story {n}", text="Words of the story. " * 150, points=["x"])
    storage.close()
    return path


def under_a_file(tmp: Path) -> Path:
    (tmp / "a-file").write_text("not a folder")
    return tmp / "a-file" / "newsbot.db"


def a_folder(tmp: Path) -> Path:
    (tmp / "a-folder").mkdir()
    return tmp / "a-folder"


def random_bytes(tmp: Path) -> Path:
    path = tmp / "noise.db"
    path.write_bytes(bytes(range(256)) * 80)
    return path


def sqlite_header_then_junk(tmp: Path) -> Path:
    path = tmp / "header.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xa5" * 5000)
    return path


def truncated(tmp: Path) -> Path:
    path = stored_database(tmp / "truncated.db")
    with path.open("r+b") as db:
        db.truncate(30_000)
    return path


def damaged_pages(tmp: Path) -> Path:
    """Valid header and schema, but table pages overwritten: opening alone does not notice."""
    path = stored_database(tmp / "damaged.db")
    with path.open("r+b") as db:
        db.seek(4096 * 3)
        db.write(b"\xff" * 8192)
    return path


CASES: dict[str, tuple[Callable[[Path], Path | str], str]] = {
    "unwritable folder": (lambda tmp: "/proc/newsbot.db", "unable to open database file"),
    "missing folder": (lambda tmp: tmp / "no" / "such" / "x.db", "does not exist"),
    "path under a file": (under_a_file, "does not exist"),
    "a folder": (a_folder, "unable to open database file"),
    "random bytes": (random_bytes, "file is not a database"),
    "header then junk": (sqlite_header_then_junk, "file is not a database"),
    "truncated": (truncated, "malformed"),
}


@pytest.mark.parametrize("case", CASES)
def test_an_unusable_database_is_one_line_and_exit_1(tmp_path: Path, case: str) -> None:
    make, reason = CASES[case]
    db = make(tmp_path)
    done = run_latest(db, tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("newsbot: cannot ") and str(db) in line and reason in line, line


def test_a_database_with_damaged_pages_is_refused_at_start(tmp_path: Path) -> None:
    db = damaged_pages(tmp_path)
    done = run_latest(db, tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("newsbot: cannot use database") and str(db) in line


def test_a_zero_byte_file_is_a_new_empty_database(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    db.touch()
    done = run_latest(db, tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "No articles stored yet. Run: newsbot ingest\n"
