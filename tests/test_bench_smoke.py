"""The benchmark command runs end to end at tiny sizes and prints its five sections (no timing asserts)."""

from __future__ import annotations

import subprocess
import sys

from paths import ROOT

SECTIONS = ("Machine:", "1. Parse", "2. Render", "3. Daily build", "4. Backfill", "5. Peak memory")
BENCH = ROOT / "tests" / "benchmarks" / "bench.py"


def test_quick_benchmark_prints_every_section_with_no_failed_measurement() -> None:
    command = [sys.executable, str(BENCH), "--quick", "--sizes", "12", "30"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    positions = [done.stdout.find(section) for section in SECTIONS]
    assert -1 not in positions and positions == sorted(positions), done.stdout
    assert "n/a" not in done.stdout and "Error" not in done.stdout, done.stdout
    assert "render rates 30" in done.stdout and "daily build, archive 30" in done.stdout
    assert "render atom 30, plain feedgen" in done.stdout and "ours/feedgen" in done.stdout
    assert "parse 30, floor + values" in done.stdout and "ours/values" in done.stdout
