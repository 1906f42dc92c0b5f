"""One measurement, run in a child process of its own: ``python benchmarks/tasks.py '<json>'``.

A fresh process per measurement keeps measurements from polluting each other (heap, caches, page
faults) and gives each its own peak RSS: the kernel's high-water mark of this process's memory
(``VmHWM``, which unlike ``ru_maxrss`` does not inherit the parent's footprint across exec).
Prints one JSON object: best seconds of the runs, the number of runs, peak RSS in MB, a note.
"""

from __future__ import annotations

import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tests"), str(ROOT)]  # its modules, tools.dumpgen, the package

import baselines  # noqa: E402
import items  # noqa: E402

from centralasia_feed._gc import paused  # noqa: E402
from centralasia_feed.config import FeedConfig  # noqa: E402

Task = dict[str, Any]
Result = dict[str, Any]


def peak_rss_mb() -> float:
    """This process's peak resident set size, in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_of(
    run: Callable[[], object], task: Task, setup: Callable[[], object] | None = None
) -> tuple[float, int]:
    """The best time of up to ``repeats`` runs, stopping once ``budget`` seconds were spent, but
    after two runs at least: a process's first run pays to map fresh memory (a fifth to a half more
    at 100,000 articles here), so one cold run beside another measurement's warm best compares
    unlike with like."""
    best, spent, runs = math.inf, 0.0, 0
    while runs < task.get("repeats", 1) and (runs < 2 or spent < task.get("budget", 0.0)):
        if setup is not None:
            setup()
        start = time.perf_counter()
        run()
        elapsed = time.perf_counter() - start
        best, spent, runs = min(best, elapsed), spent + elapsed, runs + 1
    return best, runs


def floor(task: Task) -> Result:
    path = Path(task["path"])
    seconds, runs = best_of(lambda: _floor(path), task)
    return {"seconds": seconds, "runs": runs}


def _floor(path: Path) -> list[str]:
    """What any parser must do: read the file, decode it, split it into lines."""
    return path.read_bytes().decode("utf-8").splitlines()


def values(task: Task) -> Result:
    """The floor, then the values our parse returns for the file, built from their fields found
    beforehand (see ``baselines.dump``): a parser whose scanning cost nothing. The floor alone is
    timed in this process too, as ``floor_seconds``: the ratio of the two is measured like for
    like, both warmed by the parse that found the fields."""
    from centralasia_feed.parse import parse_dump

    path = Path(task["path"])
    fields = baselines.dump_fields(parse_dump(path.read_bytes(), source=path.name))
    built: list[object] = [None]  # kept and freed as ``parse`` keeps its dump (its strings live on)

    def run() -> None:
        built[0] = None
        with paused():  # as our parse runs: no cyclic collection among the new objects, one after
            _floor(path)
            built[0] = baselines.dump(fields)

    floor_seconds, _ = best_of(lambda: _floor(path), task)
    seconds, runs = best_of(run, task)
    return {"seconds": seconds, "runs": runs, "floor_seconds": floor_seconds}


def parse(task: Task) -> Result:
    from centralasia_feed.parse import parse_dump

    path = Path(task["path"])
    found: list[Any] = [None]  # the last run's dump only: a peak RSS of one parse, not of five

    def run() -> None:
        found[0] = None
        found[0] = parse_dump(path.read_bytes(), source=path.name)

    seconds, runs = best_of(run, task)
    dump = found[0]
    return {
        "seconds": seconds,
        "runs": runs,
        "note": f"{len(dump.articles)} articles, {len(dump.problems)} problems",
    }


def render(task: Task) -> Result:
    """Render ``count`` items with ours (``side: ours``), the plain script (``side: baseline``) or,
    for RSS and Atom, plain feedgen (``side: feedgen``)."""
    count, kind = task["count"], task["kind"]
    config = FeedConfig(limit=max(count, 1))
    values = (
        items.rates(count, seed=task["seed"]) if kind == "rates" else items.entries(count, seed=task["seed"])
    )
    function = _renderer(kind) if task["side"] == "ours" else _baseline(kind, task["side"])
    sizes: list[int] = []
    seconds, runs = best_of(lambda: sizes.append(len(function(values, config))), task)
    return {"seconds": seconds, "runs": runs, "note": f"{sizes[-1] / 1e6:.1f} MB"}


_BASELINES = {"rss": "rss", "atom": "atom", "json": "json_feed", "rates": "rates_feed"}


def _baseline(kind: str, side: str) -> Callable[..., bytes]:
    function: Callable[..., bytes] = getattr(
        baselines, f"feedgen_{kind}" if side == "feedgen" else _BASELINES[kind]
    )
    return function


def _renderer(kind: str) -> Callable[..., bytes]:
    from centralasia_feed import render

    name = {
        "rss": "render_rss",
        "atom": "render_atom",
        "json": "render_json_feed",
        "rates": "render_rates_feed",
    }
    function: Callable[..., bytes] = getattr(render, name[kind])
    return function


def backfill(task: Task) -> Result:
    """Every dump of a list in one build, into a new archive and output folder (kept for later)."""
    from centralasia_feed.pipeline import build

    dumps = Path(task["dumps"]).read_text(encoding="utf-8").split()
    report: list[Any] = []
    seconds, runs = best_of(lambda: report.append(build(dumps, task["out"], archive=task["archive"])), task)
    problems = len(report[-1].problems)
    return {"seconds": seconds, "runs": runs, "note": f"{report[-1].archived} archived, {problems} problems"}


def backfill_baseline(task: Task) -> Result:
    """``baselines.backfill`` of the same dumps, into a new database and folder of its own."""
    dumps = Path(task["dumps"]).read_text(encoding="utf-8").split()
    out, database = Path(task["out"]), Path(task["archive"])
    written: list[dict[str, int]] = []

    def setup() -> None:
        shutil.rmtree(out, ignore_errors=True)
        database.unlink(missing_ok=True)

    seconds, runs = best_of(lambda: written.append(baselines.backfill(dumps, out, database, 50)), task, setup)
    items = sum(written[-1].values())
    return {"seconds": seconds, "runs": runs, "note": f"{items} items in {len(written[-1])} files"}


def _fresh_folder(work: Path, out: str | None) -> None:
    """Empty ``work``, then hard-link ``out``'s files into ``work/out``, in a child: listing the
    40,000 page files of a million articles would leave this process's heap (and so the peak RSS
    reported for the build) several MB larger than any build needs."""
    script = (
        "import os, shutil, sys\n"
        "shutil.rmtree(sys.argv[1], ignore_errors=True)\n"
        "os.makedirs(sys.argv[1])\n"
        "for out in sys.argv[2:]:\n"
        "    shutil.copytree(out, os.path.join(sys.argv[1], 'out'), copy_function=os.link)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(work), *([out] if out else [])], check=True)


def _sync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def daily(task: Task) -> Result:
    """One new day's dump into a copy of a prepared archive and of its output folder."""
    from centralasia_feed.pipeline import build

    work = Path(task["work"])

    def setup() -> None:
        _fresh_folder(work, task.get("out"))
        if task.get("archive"):
            shutil.copyfile(task["archive"], work / "archive.sqlite")
            _sync(work / "archive.sqlite")  # else the build's first fsync pays to write the copy back

    report: list[Any] = []
    seconds, runs = best_of(
        lambda: report.append(build([task["dump"]], work / "out", archive=work / "archive.sqlite")),
        task,
        setup,
    )
    _fresh_folder(work, None)
    changed = len(report[-1].changed)
    return {
        "seconds": seconds,
        "runs": runs,
        "note": f"{report[-1].archived} archived, {changed} files changed",
    }


def peak(task: Task) -> Result:
    """One parse or one build of a file (``side``), run once, for its peak RSS; or nothing but the
    imports (``startup``), what every child holds before it reads anything. Junk that holds no
    article is refused, as it should be: that is measured too."""
    from centralasia_feed.errors import DumpError
    from centralasia_feed.parse import parse_dump
    from centralasia_feed.pipeline import build

    start = time.perf_counter()
    note = ""
    try:
        if task["side"] == "parse":
            dump = parse_dump(Path(task["path"]).read_bytes(), source="memory.txt")
            note = f"{len(dump.articles)} articles, {sum(p.count for p in dump.problems):,} problems"
        elif task["side"] == "build":
            shutil.rmtree(task["out"], ignore_errors=True)
            report = build([task["path"]], task["out"], max_bytes=1 << 40)  # 100,000 articles: 329 MB
            note = f"{report.archived} articles, {sum(p.count for p in report.problems):,} problems"
    except DumpError as error:
        note = f"refused: {error.message[:40]}"
    return {"seconds": time.perf_counter() - start, "runs": 1, "note": note}


TASKS: dict[str, Callable[[Task], Result]] = {
    "floor": floor,
    "values": values,
    "parse": parse,
    "render": render,
    "backfill": backfill,
    "backfill_baseline": backfill_baseline,
    "daily": daily,
    "peak": peak,
}


def main(argv: list[str]) -> int:
    task = json.loads(argv[1])
    result = TASKS[task["task"]](task)
    result["rss_mb"] = peak_rss_mb()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
