"""Benchmarks of parse, render, the daily build and a backfill, each beside a baseline of the same run.

    python tests/benchmarks/bench.py              # 1k, 10k, 100k articles: a few minutes on 2 cores
    python tests/benchmarks/bench.py --quick      # small sizes, a smoke run
    python tests/benchmarks/bench.py --sizes 1000 10000 200000

``--sizes A B C`` parses dumps of A, B and C articles, renders 50, A, B and C items, backfills B and
C articles as daily dumps of twenty, and builds one new day into archives of 0, B and C articles.
Every measurement runs in a child process of its own (see tasks.py); ratios compare two figures of
this run, so they hold when the machine's speed drifts. No test asserts any of these times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(HERE), str(HERE.parent), str(ROOT)]

import dumpgen  # noqa: E402
import report  # noqa: E402

FULL = (1_000, 10_000, 100_000)
QUICK = (100, 500, 1_000)
KINDS = ("rss", "atom", "json", "rates")
FEEDGEN_KINDS = ("rss", "atom")  # also measured through plain feedgen: what feedgen itself costs
PER_DAY = 20
FULL_FEEDS = 60  # the smallest archive whose feeds are full (limit 50): history of three days


SECTIONS = ("parse", "render", "build")


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    sizes = sorted(args.sizes or (QUICK if args.quick else FULL))
    budget = 0.5 if args.quick else 3.0
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
    return 0


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK} unless --sizes says otherwise")
    parser.add_argument("--sizes", type=int, nargs="+", metavar="N", help=f"article counts (default {FULL})")
    parser.add_argument("--repeats", type=int, default=5, help="best of at most this many runs (default 5)")
    parser.add_argument("--seed", type=int, default=7, help="dumpgen's seed (default 7)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
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
            ours = self.run({"task": "parse", "path": str(path)}, once=count >= 100_000)
            self.results.append((f"parse {count:,}", ours, floor))
            rows.append((count, megabytes, ours, floor))
            path.unlink()
        print(report.parse(rows), flush=True)

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
        days = self._write_days(max(FULL_FEEDS, *archives))
        backfills, prepared = [], dict[int, tuple[Path, Path]]()
        for count in (FULL_FEEDS, *archives):
            listing = self.folder / f"days-{count}.list"
            listing.write_text("\n".join(str(p) for p in days[: count // PER_DAY]), encoding="utf-8")
            out, archive = self.folder / f"out-{count}", self.folder / f"archive-{count}.sqlite"
            task = {"task": "backfill", "dumps": str(listing), "out": str(out), "archive": str(archive)}
            result = self.run(task, once=True)
            prepared[count] = (archive, out)
            if count != FULL_FEEDS:
                self.results.append((f"backfill {count:,}", result, None))
                backfills.append((count, count // PER_DAY, result))
        dump = self._write_new_day(max(archives), len(days))
        daily = []
        for count in (0, FULL_FEEDS, *archives):
            start = [str(path) for path in prepared.get(count, ())] or ["", ""]
            task = {"task": "daily", "dump": str(dump), "work": str(self.folder / "daily")}
            task.update(archive=start[0], out=start[1])
            result = self.run(task)
            self.results.append((f"daily build, archive {count:,}", result, None))
            daily.append((count, result))
        print(report.daily(daily), flush=True)
        print(report.backfill(backfills), flush=True)

    def _write_days(self, articles: int) -> list[Path]:
        folder = self.folder / "days"
        folder.mkdir()
        paths = []
        for day, text in dumpgen.generate_days(articles, max(1, articles // PER_DAY), seed=self.seed):
            paths.append(folder / f"{day}.txt")
            paths[-1].write_text(text, encoding="utf-8")
        return paths

    def _write_new_day(self, published: int, days: int) -> Path:
        """The next day: twenty new articles above six of yesterday's."""
        ids = [*range(published + PER_DAY - 1, published - 1, -1), *range(published - 1, published - 7, -1)]
        day = dumpgen.FIRST_DAY + dt.timedelta(days=days)
        path = self.folder / f"new-{day}.txt"
        path.write_text(
            dumpgen.generate_dump(day, [i for i in ids if i >= 0], seed=self.seed), encoding="utf-8"
        )
        return path


if __name__ == "__main__":
    sys.exit(main())
