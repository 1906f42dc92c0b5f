"""The benchmark command runs end to end at tiny sizes and prints its five sections (no timing asserts);
its generated history reads as a real one."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from helpers.paths import ROOT
from tools import dumpgen

from benchmarks import bench
from centralasia_feed.parse import parse_dump

SECTIONS = (
    "Machine:",
    "1. Parse",
    "2. Render",
    "3. Daily build",
    "4. Backfill",
    "5. Peak memory",
    "6. Peak memory",
)
BENCH = ROOT / "benchmarks" / "bench.py"


def test_quick_benchmark_prints_every_section_with_no_failed_measurement() -> None:
    command = [sys.executable, str(BENCH), "--quick", "--sizes", "12", "30"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    positions = [done.stdout.find(section) for section in SECTIONS]
    assert -1 not in positions and positions == sorted(positions), done.stdout
    assert "n/a" not in done.stdout and "Error" not in done.stdout, done.stdout
    assert "render rates 30" in done.stdout and "daily build, archive 30" in done.stdout
    assert "render atom 30, plain feedgen" in done.stdout and "ours/feedgen" in done.stdout
    assert "parse 30, floor + values" in done.stdout and "values/floor" in done.stdout
    assert "ab lines" in done.stdout and "tiny articles" in done.stdout and "less startup" in done.stdout


def test_the_history_ends_before_the_new_day_and_starts_no_earlier_than_the_parser_reads() -> None:
    assert bench._first_day(90) == bench.LAST_DAY - dt.timedelta(days=90)
    longest = bench._first_day(1_000_000 // bench.PER_DAY)  # 137 years of twenty a day
    assert longest == bench.EARLIEST == bench._first_day(100_000)
    day_before = longest - dt.timedelta(days=1)
    text = dumpgen.generate_dump(longest, 2, seed=1) + "\n" + dumpgen.generate_dump(day_before, 2, seed=1)
    dump = parse_dump(text, source="history.txt")
    first, second = dump.pages
    assert first.date == longest and not [p for p in dump.problems if p.line < second.line]
    assert second.date is None  # the day before is refused: the clamp is the parser's own limit
    refusal = f"edition date outside {longest.year}-"
    assert [p.text for p in dump.problems if p.message.startswith(refusal)] == [
        dumpgen.edition_date(day_before)
    ]
