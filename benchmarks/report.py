"""The benchmark's tables: one per section, each figure beside its baseline and its target."""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from typing import Any

Result = dict[str, Any]
BASELINE_NAMES = {"rss": "raw lxml", "atom": "raw lxml", "json": "json.dumps", "rates": "json.dumps"}


def machine() -> str:
    """nproc, CPU model and Python version, for the figures' caption."""
    model = "unknown CPU"
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            models = (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
            model = next(models, model)
    return f"Machine: {os.cpu_count()} CPUs, {model}, Python {platform.python_version()}, {platform.system()}"


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    lines = [f"\n{title}"]
    for row in (header, *rows):
        cells = [
            str(cell).ljust(w) if i == 0 else str(cell).rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines)


def seconds(result: Result | None) -> str:
    if not result or "error" in result:
        return "n/a"
    return f"{result['seconds']:.3f}"


def ratio(ours: Result | None, base: Result | None, target: float) -> tuple[str, str]:
    """``ours / base`` and whether it meets the target (a ratio at most ``target``)."""
    value = _over(ours, base)
    if value is None:
        return "n/a", ""
    return f"{value:.2f}", "ok" if value <= target else "MISS"


def quotient(ours: Result | None, base: Result | None, base_key: str = "seconds") -> str:
    """``ours / base`` (``base[base_key]``), for a column with no target."""
    value = _over(ours, base, base_key)
    return "n/a" if value is None else f"{value:.2f}"


def _over(ours: Result | None, base: Result | None, base_key: str = "seconds") -> float | None:
    if not ours or not base or "error" in ours or "error" in base or base.get(base_key, 0) <= 0:
        return None
    return float(ours["seconds"] / base[base_key])


def note(*results: Result | None) -> str:
    return "; ".join(
        r.get("error") or r.get("note", "") for r in results if r and (r.get("error") or r.get("note"))
    )


def parse(rows: Sequence[tuple[int, float, Result, Result, Result]]) -> str:
    """Ours beside the floor (the target's ratio), and the floor plus building the values ours
    returns beside the floor: the least a parser that builds these values through their
    constructors can reach, even one whose scanning cost nothing."""
    body = []
    for count, megabytes, ours, floor, values in rows:
        shown, verdict = ratio(ours, floor, 1.25)
        body.append(
            (
                f"{count:,}",
                f"{megabytes:.1f}",
                seconds(ours),
                _per_second(megabytes, ours, ".1f"),
                _per_second(megabytes, floor, ".1f"),
                shown,
                verdict,
                quotient(values, values, "floor_seconds"),  # both timed in its process (tasks.values)
                note(ours),
            )
        )
    header = (
        "articles",
        "MB",
        "parse s",
        "parse MB/s",
        "floor MB/s",
        "ratio",
        "<= 1.25",
        "values/floor",
        "note",
    )
    return table(
        "1. Parse throughput, beside the read + decode + splitlines floor of the same file; and that floor"
        " plus building the values ours returns, beside the floor",
        header,
        body,
    )


def _per_second(amount: float, result: Result | None, spec: str) -> str:
    if not result or "error" in result or result["seconds"] <= 0:
        return "n/a"
    return format(amount / result["seconds"], spec)


def render(rows: Sequence[tuple[str, int, Result, Result, Result | None]]) -> str:
    """Ours beside the plain script (the target's ratio) and, for RSS and Atom, plain feedgen beside
    the same script and ours beside plain feedgen: how much of the ratio is feedgen's own."""
    body = []
    for kind, count, ours, base, plain in rows:
        shown, verdict = ratio(ours, base, 1.3)
        feedgen = quotient(plain, base) if plain else "-"
        over_feedgen = quotient(ours, plain) if plain else "-"
        body.append(
            (
                kind,
                f"{count:,}",
                seconds(ours),
                seconds(base),
                BASELINE_NAMES[kind],
                shown,
                verdict,
                feedgen,
                over_feedgen,
                note(ours, base),
            )
        )
    header = (
        "feed",
        "items",
        "ours s",
        "baseline s",
        "baseline",
        "ratio",
        "<= 1.3",
        "feedgen/baseline",
        "ours/feedgen",
        "output / note",
    )
    return table("2. Render time, beside a plain script writing the same document", header, body)


def daily(rows: Sequence[tuple[int, Result]], full: int) -> str:
    """Ratios to the empty archive (the issue's) and to the smallest one whose every output is full
    (``full`` articles): past it, a larger archive adds only history."""
    results = dict(rows)
    body = []
    for count, result in rows:
        shown, verdict = ratio(result, results[0], 1.5)
        to_full = quotient(result, results[full])
        body.append((f"{count:,}", seconds(result), shown, verdict, to_full, note(result)))
    header = ("archived articles", "build s", "ratio to empty", "<= 1.5", f"ratio to {full:,}", "note")
    return table("3. Daily build: one new day's dump (26 articles) into an archive", header, body)


def backfill(rows: Sequence[tuple[int, int, Result, Result]]) -> str:
    """Ours beside the baseline of the same dumps (read, parse, ``executemany``, raw lxml: see
    ``baselines.backfill``), in articles per second and peak RSS."""
    body = []
    for count, dumps, ours, base in rows:
        shown, verdict = ratio(ours, base, 1.5)
        body.append(
            (
                f"{count:,}",
                f"{dumps:,}",
                seconds(ours),
                _per_second(count, ours, ",.0f"),
                _rss(ours),
                seconds(base),
                _per_second(count, base, ",.0f"),
                _rss(base),
                shown,
                verdict,
                note(ours),
            )
        )
    header = (
        "articles",
        "daily dumps",
        "ours s",
        "articles/s",
        "peak MB",
        "baseline s",
        "articles/s",
        "peak MB",
        "ratio",
        "<= 1.5",
        "note",
    )
    return table(
        "4. Backfill: every daily dump in one build, into a new archive, beside read + parse +"
        " executemany + raw lxml of the same dumps",
        header,
        body,
    )


def multiples(rows: Sequence[tuple[str, int, Result, Result | None]], startup: Result) -> str:
    """Peak RSS over the input's size, for parse and for build, and the same with what a child
    holds before it reads anything taken off (the interpreter and the package: what a small input's
    figure is mostly made of)."""
    base = startup.get("rss_mb", 0.0) if "error" not in startup else 0.0
    body = []
    for name, size, parsed, built in rows:
        megabytes = size / 1e6
        cells: list[str] = [name, f"{megabytes:.1f}"]
        for result in (parsed, built):
            if result is None or "error" in result:
                cells += ["-" if result is None else "n/a"] * 4
                continue
            rss = result["rss_mb"]
            cells += [
                f"{result['seconds']:.1f}",
                f"{rss:.0f}",
                f"{rss / megabytes:.1f}",
                f"{(rss - base) / megabytes:.1f}",
            ]
        cells.append(note(parsed))
        body.append(cells)
    header = (
        "input",
        "MB",
        "parse s",
        "peak MB",
        "peak/input",
        "less startup",
        "build s",
        "peak MB",
        "peak/input",
        "less startup",
        "parse note",
    )
    title = f"6. Peak memory over the input's size (a child that only imports holds {base:.0f} MB)"
    return table(title, header, body)


def memory(results: Sequence[tuple[str, Result, Result | None]]) -> str:
    body = [(name, _rss(ours), _rss(base)) for name, ours, base in results]
    header = ("measurement", "peak RSS MB", "its baseline's peak RSS MB")
    return table("5. Peak memory (VmHWM of the measuring child process, inputs included)", header, body)


def _rss(result: Result | None) -> str:
    if result is None:
        return "-"
    return "n/a" if "error" in result else f"{result['rss_mb']:.0f}"
