"""Benchmarks of parse, render, the daily build and a backfill, each beside a baseline of the same run.

    python benchmarks/bench.py              # 1k, 10k, 100k articles: a few minutes on 2 cores
    python benchmarks/bench.py --quick      # small sizes, a smoke run
    python benchmarks/bench.py --sizes 1000 10000 200000
    python benchmarks/bench.py --only memory --junk-mb 100

``--sizes A B C`` parses dumps of A, B and C articles, renders 50, A, B and C items, backfills B and
C articles as daily dumps of twenty, and builds one new day into archives of 0, B and C articles
and of 1,800 (the smallest whose every output is full: the ratio that shows what history costs).
The memory section parses and builds the parse sizes' dumps and junk of ``--junk-mb`` MB (each kind
after a real dump's two articles, so that a build goes through) and divides each peak RSS by the
input's size. Every measurement runs in a child process of its own (see tasks.py); ratios compare
two figures of this run, so they hold when the machine's speed drifts. No test asserts any of these
times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tests"), str(ROOT)]  # its modules, tools.dumpgen, the package

import report  # noqa: E402
from tools import dumpgen  # noqa: E402

from centralasia_feed.config import FeedConfig  # noqa: E402
from centralasia_feed.parse._dates import EARLIEST  # noqa: E402  (the first date it reads)
from centralasia_feed.pipeline import HISTORY_DAYS  # noqa: E402

FULL = (1_000, 10_000, 100_000)
QUICK = (100, 500, 1_000)
KINDS = ("rss", "atom", "json", "rates")
FEEDGEN_KINDS = ("rss", "atom")  # also measured through plain feedgen: what feedgen itself costs
PER_DAY = 20
LAST_DAY = dt.date(2025, 12, 31)  # the new day of the daily build: a fixed date, in the past
# The smallest archive whose every output is full, so that a larger one only adds history: 50
# articles in the feeds (three days), 50 dates in the rates feed, 90 in the landing page's charts.
FULL_FEEDS = max(FeedConfig().limit, HISTORY_DAYS) * PER_DAY


SECTIONS = ("parse", "render", "build", "memory")
# Junk for the memory section: what one unit of each kind is, repeated to the size asked after two
# real articles (and a title, for the long paragraph). The tiny articles are values, not junk: the
# most objects a dump's bytes can give; they are only parsed (a build of them takes minutes).
JUNK: dict[str, tuple[str, str]] = {
    "ab lines": ("", "ab\n"),
    "ab blocks": ("", "ab\n\n"),
    "invisible lines": ("", "\u200b\n"),
    "unreadable tickers": ("", "\u2022 KGS/USD = x 0%\n"),
    "one long paragraph": ("A Long Title\n\n", "word "),
    "tiny articles": ("", "T{n}\n\nx.\n\n"),
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    sizes = sorted(args.sizes or (QUICK if args.quick else FULL))
    budget = 0.5 if args.quick else 3.0
    junk_mb = args.junk_mb or (0.2 if args.quick else 20.0)
    with tempfile.TemporaryDirectory(prefix="cafeed-bench-") as folder:
        bench = Bench(Path(folder), args.seed, args.repeats, budget)
        print(report.machine(), flush=True)
        only = set(args.only or SECTIONS)
        if "parse" in only:
            bench.parse(sizes)
        if "render" in only:
            bench.render([50, *sizes] if sizes[0] > 50 else sizes)
        if "build" in only:
            bench.backfill_and_daily(sizes[1:] or sizes)
        print(report.memory(bench.results), flush=True)
        if "memory" in only:
            bench.multiples(sizes, junk_mb)
    return 0


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK} unless --sizes says otherwise")
    parser.add_argument("--sizes", type=int, nargs="+", metavar="N", help=f"article counts (default {FULL})")
    parser.add_argument("--repeats", type=int, default=5, help="best of at most this many runs (default 5)")
    parser.add_argument("--seed", type=int, default=7, help="dumpgen's seed (default 7)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--junk-mb", type=float, metavar="MB", help="junk size for memory (default 20)")
    return parser.parse_args(argv)


class Bench:
    """Prepares inputs in a scratch folder, runs each measurement in a child, prints each section."""

    def __init__(self, folder: Path, seed: int, repeats: int, budget: float) -> None:
        self.folder, self.seed, self.repeats, self.budget = folder, seed, repeats, budget
        self.results: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []

    def run(self, task: dict[str, Any], *, once: bool = False) -> dict[str, Any]:
        """One child process, one measurement; a failure becomes an ``error`` entry, not a crash."""
        task = {"repeats": 1 if once else self.repeats, "budget": self.budget, "seed": self.seed, **task}
        command = [sys.executable, str(HERE / "tasks.py"), json.dumps(task)]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
            return {"error": lines[-1][:100]}
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    def parse(self, sizes: Sequence[int]) -> None:
        rows = []
        for count in sizes:
            path = self.folder / f"parse-{count}.txt"
            path.write_text(
                dumpgen.generate_dump(dt.date(2025, 1, 5), count, seed=self.seed), encoding="utf-8"
            )
            megabytes = path.stat().st_size / 1e6
            floor = self.run({"task": "floor", "path": str(path)})
            values = self.run({"task": "values", "path": str(path)})
            ours = self.run({"task": "parse", "path": str(path)})
            self.results.append((f"parse {count:,}", ours, floor))
            self.results.append((f"parse {count:,}, floor + values (and its own parse)", values, None))
            rows.append((count, megabytes, ours, floor, values))
            path.unlink()
        print(report.parse(rows), flush=True)

    def multiples(self, sizes: Sequence[int], junk_mb: float) -> None:
        """Peak RSS over input size, for parse and build, of real dumps and of each kind of junk."""
        rows = []
        startup = self.run({"task": "peak", "side": "startup"}, once=True)
        path = self.folder / "memory.txt"
        for name, text in self._memory_inputs(sizes, junk_mb):
            path.write_text(text, encoding="utf-8")
            del text
            task = {"task": "peak", "path": str(path), "out": str(self.folder / "memory-out")}
            parsed = self.run({**task, "side": "parse"}, once=True)
            built = self.run({**task, "side": "build"}, once=True) if name != "tiny articles" else None
            rows.append((name, path.stat().st_size, parsed, built))
            path.unlink()
        print(report.multiples(rows, startup), flush=True)

    def _memory_inputs(self, sizes: Sequence[int], junk_mb: float) -> Iterator[tuple[str, str]]:
        """Each input of the memory section, made when its turn comes (the largest are hundreds of MB)."""
        for count in sizes:
            yield (
                f"real, {count:,} articles",
                dumpgen.generate_dump(dt.date(2025, 1, 5), count, seed=self.seed),
            )
        head = dumpgen.generate_dump(dt.date(2025, 1, 5), 2, seed=self.seed) + "\n\n"
        for kind, (first, unit) in JUNK.items():
            yield kind, head + first + _junk(unit, int(junk_mb * 1e6))

    def render(self, sizes: Sequence[int]) -> None:
        rows = []
        for count in sizes:
            for kind in KINDS:
                task = {"task": "render", "kind": kind, "count": count}
                ours = self.run({**task, "side": "ours"})
                baseline = self.run({**task, "side": "baseline"})
                self.results.append((f"render {kind} {count:,}", ours, baseline))
                plain = self.run({**task, "side": "feedgen"}) if kind in FEEDGEN_KINDS else None
                if plain is not None:
                    self.results.append((f"render {kind} {count:,}, plain feedgen", plain, None))
                rows.append((kind, count, ours, baseline, plain))
        print(report.render(rows), flush=True)

    def backfill_and_daily(self, archives: Sequence[int]) -> None:
        """Backfills that also prepare the archives (once per run) the daily builds start from."""
        largest = max(FULL_FEEDS, *archives)
        first = _first_day(max(1, largest // PER_DAY))  # as many days as _write_days writes
        days = self._write_days(largest, first)
        backfills, prepared = [], dict[int, tuple[Path, Path]]()
        for count in sorted({FULL_FEEDS, *archives}):
            listing = self.folder / f"days-{count}.list"
            listing.write_text("\n".join(str(p) for p in days[: count // PER_DAY]), encoding="utf-8")
            out, archive = self.folder / f"out-{count}", self.folder / f"archive-{count}.sqlite"
            task = {"task": "backfill", "dumps": str(listing), "out": str(out), "archive": str(archive)}
            result = self.run(task, once=True)
            prepared[count] = (archive, out)
            if count in archives:
                plain = self.folder / f"plain-{count}"
                task.update(task="backfill_baseline", out=str(plain), archive=f"{plain}.sqlite")
                baseline = self.run(task, once=True)
                self.results.append((f"backfill {count:,}", result, baseline))
                backfills.append((count, count // PER_DAY, result, baseline))
                shutil.rmtree(plain, ignore_errors=True)
        dump = self._write_new_day(largest, first + dt.timedelta(days=len(days)))
        daily = []
        for count in sorted({0, FULL_FEEDS, *archives}):
            start = [str(path) for path in prepared.get(count, ())] or ["", ""]
            task = {"task": "daily", "dump": str(dump), "work": str(self.folder / "daily")}
            task.update(archive=start[0], out=start[1])
            result = self.run(task)
            self.results.append((f"daily build, archive {count:,}", result, None))
            daily.append((count, result))
        print(report.daily(daily, FULL_FEEDS), flush=True)
        print(report.backfill(backfills), flush=True)

    def _write_days(self, articles: int, first: dt.date) -> list[Path]:
        folder = self.folder / "days"
        folder.mkdir()
        paths = []
        days = max(1, articles // PER_DAY)
        for day, text in dumpgen.generate_days(articles, days, seed=self.seed, first=first):
            paths.append(folder / f"{day}.txt")
            paths[-1].write_text(text, encoding="utf-8")
        return paths

    def _write_new_day(self, published: int, day: dt.date) -> Path:
        """The next day: twenty new articles above six of yesterday's."""
        ids = [*range(published + PER_DAY - 1, published - 1, -1), *range(published - 1, published - 7, -1)]
        path = self.folder / f"new-{day}.txt"
        path.write_text(
            dumpgen.generate_dump(day, [i for i in ids if i >= 0], seed=self.seed), encoding="utf-8"
        )
        return path


def _junk(unit: str, size: int) -> str:
    """``unit`` repeated to about ``size`` bytes (``{n}`` in it counts up)."""
    if "{n}" not in unit:
        return unit * max(1, size // len(unit.encode("utf-8")))
    pieces, total, n = [], 0, 0
    while total < size:
        piece = unit.format(n=n)
        pieces.append(piece)
        total, n = total + len(piece), n + 1
    return "".join(pieces)


def _first_day(days: int) -> dt.date:
    """The backfill's first day, so that its last and the new day are past, as a real history is
    (a build reports editions dated after today): as far back as the parser reads dates, for a
    history longer than that (a million articles is 137 years of twenty a day)."""
    return max(EARLIEST, LAST_DAY - dt.timedelta(days=days))


if __name__ == "__main__":
    sys.exit(main())
