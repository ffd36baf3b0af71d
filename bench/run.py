"""Run every benchmark: key-point quality and speed, then speed and scale with a summary.

    python -m bench.run           # small sizes: a few minutes
    python -m bench.run --full    # all 2,225 BBC articles, 20x50 feed items, 100,000 articles,
                                  # 100k subscriptions, 200 feeds x 300 chats delivering

Each benchmark prints its own detailed table first (see bench/README.md); the summary at the
end has one line per goal. Timings are medians, and every baseline runs in this same process.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from bench import delivery, handlers, ingest, keypoints_speed, matching, memory, quality

Row = tuple[str, str, str, str, str]  # figure, baseline, now, ratio, goal


def machine() -> str:
    """Cores, CPU model, Python and SQLite versions, and the load when the run started."""
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line)
    except (OSError, StopIteration):
        pass
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{len(os.sched_getaffinity(0))} cores ({model}), Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}; load average {load}"
    )


def print_table(rows: Sequence[Row]) -> None:
    header = ("figure", "baseline", "now", "ratio", "goal")
    widths = [max(len(row[n]) for row in [header, *rows]) for n in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the full sizes (slower)")
    args = parser.parse_args(argv)
    flags = ["--full"] if args.full else []
    started, when, setting = time.perf_counter(), datetime.now(UTC), machine()
    rows: list[Row] = []
    print("\n== key-point quality (bench.quality) ==")
    quality.main(["--limit", "0" if args.full else "300"])
    print("\n== key-point speed (bench.keypoints_speed) ==")
    speed_flags = ["--rounds", "5", "--limit", "500"] if args.full else ["--limit", "200"]
    keypoints_speed.main(speed_flags)
    for name, run in (("ingest", ingest.main), ("handlers", handlers.main)):
        print(f"\n== {name} ==")
        rows += run(flags)
    print("\n== alert matching (bench.matching) ==")
    matching.main(flags)
    rows.append(("alert matching: see its table above", "naive", "TopicIndex", "", ""))
    print("\n== memory ==")
    rows += memory.main(flags)
    print("\n== alert delivery under load (bench.delivery) ==")
    rows += delivery.main(flags)
    minutes = (time.perf_counter() - started) / 60
    print(f"\n== summary: python -m bench.run{' --full' if args.full else ''} ==")
    print(f"{when:%Y-%m-%d %H:%M} UTC, {setting}; took {minutes:.1f} minutes\n")
    print_table(rows)


if __name__ == "__main__":
    main()
