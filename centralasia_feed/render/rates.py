"""The exchange-rate feed (JSON Feed 1.1, one item per edition date) and the rate tables it shares.

A person reads the text or HTML table; a program reads the ``_centralasia_feed`` object, which keeps
every decimal exactly as the site wrote it (``0.00000001``, never ``1E-8``) and says base and quote,
since some banks quote the other way round. ``direction`` is null where neither the dump nor history tells.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .._chars import clean
from .._gc import paused as gc_paused
from .._jsonable import rate_values
from ..config import FeedConfig
from ..models import Rate, Stamp, currency_name
from . import safe
from .dates import long_date
from .jsonfeed import EXTENSION, feed_bytes, header

ARROWS = {"up": "▲", "down": "▼", "flat": "▬"}
UNKNOWN_ARROW = "?"
COLUMNS = ("Pair", "Value", "Inverse", "Change", "Direction")
EXPLANATION = (
    "1 unit of the first currency of a pair is worth Value units of the second; Inverse is the reverse."
)


def render_rates_feed(rates: Sequence[Rate], config: FeedConfig) -> bytes:
    """One item per edition date, newest first, at most ``config.limit`` dates."""
    with gc_paused():
        return feed_bytes(_document(rates, config))  # the document is freed before collection resumes


def _document(rates: Sequence[Rate], config: FeedConfig) -> dict[str, Any]:
    description = f"Daily exchange rates of the Central Asian currencies, from {config.title}."
    feed = header(config, "rates.json", f"{config.title}: exchange rates", description)
    feed["items"] = [_item(day, group, config) for day, group in by_date(rates)[: config.limit]]
    return feed


def by_date(rates: Sequence[Rate]) -> list[tuple[dt.date, tuple[Rate, ...]]]:
    """Rates grouped by date, newest date first, each group sorted by pair and each pair once."""
    groups: dict[dt.date, dict[str, Rate]] = {}
    for rate in rates:
        groups.setdefault(rate.date, {}).setdefault(rate.pair, rate)
    return [(day, tuple(sorted(groups[day].values(), key=lambda r: r.pair))) for day in sorted(groups)[::-1]]


def _item(day: dt.date, rates: tuple[Rate, ...], config: FeedConfig) -> dict[str, Any]:
    paired = [(rate, inverse(rate)) for rate in rates]  # each inverse once: a Decimal division per rate
    rows = [cells(rate, inverted) for rate, inverted in paired]
    return {
        "id": config.tag("rates", day.isoformat()),
        "title": f"Exchange rates, {long_date(day)}",
        "content_text": _table_text(rows),
        "content_html": _table_html(rates, rows, EXPLANATION),
        "date_published": Stamp(day).midnight(config.tz).astimezone(config.tz).isoformat(),  # the day's start
        EXTENSION: {"rates": [rate_values(rate, inverted, _code) for rate, inverted in paired]},
    }


@functools.lru_cache(maxsize=256)
def _code(code: str) -> str:
    """Cached: a few currency codes recur on every date of the feed."""
    return clean(code)


def inverse(rate: Rate) -> Decimal | None:
    """The inverse rate, or None for a value with no inverse (zero), so no input crashes a build."""
    try:
        return rate.inverse
    except ArithmeticError:
        return None


def plain(number: Decimal | None) -> str:
    """A decimal in positional notation (never ``8E-8``) for people to read; a missing one is a dash."""
    return "–" if number is None else format(number, "f")


def change(rate: Rate) -> str:
    return f"{plain(rate.change_percent)}%"


def arrow(direction: str | None) -> str:
    return ARROWS.get(direction or "", UNKNOWN_ARROW)


def direction_word(direction: str | None) -> str:
    return direction or "unknown"


def pair_html(rate: Rate) -> str:
    """``KGS/USD`` with each code's name in an ``<abbr title>``."""
    return _pair_html(rate.base, rate.quote)


@functools.lru_cache(maxsize=256)
def _pair_html(base: str, quote: str) -> str:
    """Cached: a few pairs recur on every date of the feed."""
    base_html = f'<abbr title="{safe.escape(currency_name(base))}">{safe.escape(base)}</abbr>'
    return f'{base_html}/<abbr title="{safe.escape(currency_name(quote))}">{safe.escape(quote)}</abbr>'


Cells = tuple[str, str, str, str, str]


def cells(rate: Rate, inverted: Decimal | None) -> Cells:
    """The plain-text cells of one row, in COLUMNS order; ``inverted`` is ``inverse(rate)``."""
    direction = f"{arrow(rate.direction)} {direction_word(rate.direction)}"
    return (_pair_text(rate.pair), plain(rate.value), plain(inverted), change(rate), direction)


@functools.lru_cache(maxsize=256)
def _pair_text(pair: str) -> str:
    """Cached: a few pairs recur on every date of the feed."""
    return safe.line(pair)


def _table_text(cells: Sequence[Cells]) -> str:
    """An aligned plain-text table: text columns left, numbers right."""
    rows = [COLUMNS, *cells]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(_align(i, cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    return "\n".join([*lines, "", EXPLANATION])


def _align(column: int, cell: str, width: int) -> str:
    return cell.rjust(width) if column in (1, 2, 3) else cell.ljust(width)


def table_html(rates: Sequence[Rate]) -> str:
    """A ``<table>`` of rates; every value is escaped."""
    return _table_html(rates, [cells(rate, inverse(rate)) for rate in rates], EXPLANATION)


_HEAD = "".join(f'<th scope="col">{name}</th>' for name in COLUMNS)


def _table_html(rates: Sequence[Rate], cells: Sequence[Cells], caption: str) -> str:
    rows = "\n".join(_row_html(rate, row) for rate, row in zip(rates, cells, strict=True))
    return (
        f"<table>\n<caption>{safe.escape(caption)}</caption>\n"
        f"<thead><tr>{_HEAD}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>"
    )


def _row_html(rate: Rate, cells: Cells) -> str:
    """One row; the number cells need no escaping: ``plain`` writes only digits, sign and point
    (or a dash), whatever the Decimal."""
    _, value, inverted, changed, _ = cells
    return (
        f'<tr><th scope="row">{pair_html(rate)}</th><td>{value}</td><td>{inverted}</td>'
        f"<td>{changed}</td><td>{_direction_html(rate.direction)}</td></tr>"
    )


@functools.lru_cache(maxsize=64)
def _direction_html(direction: str | None) -> str:
    """Cached: a direction is one of a few words."""
    word = safe.escape(direction_word(direction))
    return f'<span title="{word}">{safe.escape(arrow(direction))}</span> {word}'
