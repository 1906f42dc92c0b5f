"""Rates in SQL: one row per (pair, date) as written; directions filled from history when read.

The stored direction is only what a dump wrote. The one history tells is computed on every read
from the pair's previous archived value, so it cannot depend on the order dumps arrived in.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any, cast

from ..errors import ConfigError
from ..models import Direction, Problem, Rate
from ._derive import direction_from

_RATES = """
    SELECT r.base, r.quote, r.date, r.value, r.change, r.direction, r.source, r.line,
           (SELECT p.value FROM rates AS p
            WHERE p.base = r.base AND p.quote = r.quote AND p.date < r.date
            ORDER BY p.date DESC LIMIT 1) AS previous
    FROM rates AS r
"""


def record(conn: sqlite3.Connection, rates: Sequence[Rate], source: str) -> list[Problem]:
    """Store a dump's rates; a different value for a known (pair, date) is a contradiction.

    The value archived first stays: readers have already seen it. Agreeing dumps merge in an
    order-free way: a sign the first lacked and a later one gives is kept, and of two spellings of
    one number (``0.0115``, ``0.01150``) the one with more digits. The dump's rates are taken in
    order, as if one at a time; the archive is read once and written with one statement per kind.
    """
    known = _known(conn, {rate.date.isoformat() for rate in rates})
    added: dict[tuple[str, str, str], list[Any]] = {}
    merged: dict[tuple[str, str, str], list[Any]] = {}
    problems = []
    for rate in rates:
        key = (rate.base, rate.quote, rate.date.isoformat())
        row = known.get(key)
        if row is None:
            row = [str(rate.value), str(rate.change_percent), rate.direction, source, rate.line]
            known[key] = added[key] = row
        elif problem := _differs(rate, key[2], row, source):
            problems.append(problem)
        elif (fuller := _merged(row, rate)) != tuple(row[:3]):
            row[:3] = fuller
            merged.setdefault(key, row)
    conn.executemany(
        "INSERT INTO rates (base, quote, date, value, change, direction, source, line)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(*key, *row) for key, row in added.items()],
    )
    conn.executemany(
        "UPDATE rates SET value = ?, change = ?, direction = ? WHERE base = ? AND quote = ? AND date = ?",
        [(*row[:3], *key) for key, row in merged.items() if key not in added],
    )
    return problems


def _known(conn: sqlite3.Connection, days: set[str]) -> dict[tuple[str, str, str], list[Any]]:
    """The archived rates of these dates by (base, quote, date): a dump's few dates, a seek each."""
    found = {}
    query = "SELECT base, quote, date, value, change, direction, source, line FROM rates WHERE date = ?"
    for day in sorted(days):
        for base, quote, date, *row in conn.execute(query, (day,)):
            found[base, quote, date] = row
    return found


def _differs(rate: Rate, day: str, row: list[Any], source: str) -> Problem | None:
    """The problem of a rate that contradicts the one archived (``row``), if it does."""
    value, change, direction, first_source, first_line = row
    same = Decimal(value) == rate.value and Decimal(change) == rate.change_percent
    if same and (None in (direction, rate.direction) or direction == rate.direction):
        return None
    archived = replace(rate, value=Decimal(value), change_percent=Decimal(change), direction=direction)
    message = (
        f"{rate.pair} on {day}: {_written(rate)} differs from {_written(archived)} archived from "
        f"{first_source}:{first_line}; the archived value is kept"
    )
    return Problem(source, rate.line, message, kind="rate differs from the one archived, which is kept")


def _merged(row: list[Any], rate: Rate) -> tuple[str, str, str | None]:
    value, change, direction = row[:3]
    return _fuller(value, rate.value), _fuller(change, rate.change_percent), direction or rate.direction


def _fuller(stored: str, written: Decimal) -> str:
    """Of two spellings of one number, the longer (then the larger string): the same whatever came first."""
    return max(stored, str(written), key=lambda text: (len(text), text))


def _written(rate: Rate) -> str:
    """A rate as a problem names it, its change signed by the one rule every output follows."""
    return f"{rate.value} ({rate.signed_change}%)"


def _rate(row: tuple[str, str, str, str, str, str | None, str, int, str | None]) -> Rate:
    base, quote, date, value, change, written, source, line, previous = row
    amount = Decimal(value)
    direction = cast(Direction | None, written) or direction_from(
        amount, None if previous is None else Decimal(previous)
    )
    return Rate(base, quote, amount, Decimal(change), direction, dt.date.fromisoformat(date), source, line)


def split_pair(pair: str) -> tuple[str, str]:
    base, slash, quote = pair.strip().upper().partition("/")
    if not slash or not base.isalpha() or not quote.isalpha():
        raise ConfigError(f"a pair is written BASE/QUOTE, like KZT/USD, not {pair!r}")
    return base, quote


def rates(conn: sqlite3.Connection, pair: str | None) -> tuple[Rate, ...]:
    """The history, oldest first within each pair, pairs sorted."""
    where, params = ("WHERE r.base = ? AND r.quote = ?", split_pair(pair)) if pair else ("", ())
    rows = conn.execute(f"{_RATES} {where} ORDER BY r.base, r.quote, r.date", params).fetchall()
    return tuple(_rate(row) for row in rows)


def iter_rates_since(conn: sqlite3.Connection, day: dt.date | None, *, newest_first: bool) -> Iterator[Rate]:
    """The rates dated ``day`` or later (every one, without a day), one at a time from the cursor
    through the index by date, pairs sorted within a date and dates in the order a file shows them:
    what a build streams into the rates page (newest first) and CSV (oldest first), never all at once."""
    where, params = ("WHERE r.date >= ?", (day.isoformat(),)) if day else ("", ())
    order = "r.date DESC, r.base, r.quote" if newest_first else "r.date, r.base, r.quote"
    for row in conn.execute(f"{_RATES} {where} ORDER BY {order}", params):
        yield _rate(row)


def rate_dates(conn: sqlite3.Connection, limit: int | None) -> tuple[dt.date, ...]:
    rows = conn.execute(
        "SELECT DISTINCT date FROM rates ORDER BY date DESC LIMIT ?", (-1 if limit is None else limit,)
    )
    return tuple(dt.date.fromisoformat(date) for (date,) in rows)


def rates_on(conn: sqlite3.Connection, dates: Iterable[dt.date]) -> tuple[Rate, ...]:
    """The rates of the given edition dates, newest date first, pairs sorted within a date."""
    days = sorted({date.isoformat() for date in dates})
    if not days:
        return ()
    marks = ", ".join("?" * len(days))
    query = f"{_RATES} WHERE r.date IN ({marks}) ORDER BY r.date DESC, r.base, r.quote"
    return tuple(_rate(row) for row in conn.execute(query, days).fetchall())


def rate_history(conn: sqlite3.Connection, last: int | None) -> dict[str, tuple[Rate, ...]]:
    """Each pair's history, oldest first, cut to its ``last`` archived dates when given."""
    if last is not None and last < 1:
        raise ConfigError(f"must be at least 1, not {last}", field="last")
    pairs = _pairs(conn)
    query = f"{_RATES} WHERE r.base = ? AND r.quote = ? ORDER BY r.date DESC LIMIT ?"
    history: dict[str, tuple[Rate, ...]] = {}
    for base, quote in pairs:
        rows = conn.execute(query, (base, quote, -1 if last is None else last)).fetchall()
        history[f"{base}/{quote}"] = tuple(_rate(row) for row in reversed(rows))
    return history


def _pairs(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Every pair once, sorted: a seek per pair in the primary key, where ``DISTINCT`` would read
    every day's row of every pair (and a row-value ``(base, quote) > (?, ?)`` every row of one)."""
    found: list[tuple[str, str]] = []
    row = conn.execute("SELECT base, quote FROM rates ORDER BY base, quote LIMIT 1").fetchone()
    while row is not None:
        found.append((row[0], row[1]))
        row = conn.execute(_NEXT_QUOTE, row).fetchone() or conn.execute(_NEXT_BASE, (row[0],)).fetchone()
    return found


_NEXT_QUOTE = "SELECT base, quote FROM rates WHERE base = ? AND quote > ? ORDER BY quote LIMIT 1"
_NEXT_BASE = "SELECT base, quote FROM rates WHERE base > ? ORDER BY base, quote LIMIT 1"
