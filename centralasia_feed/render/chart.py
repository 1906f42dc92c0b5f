"""A small inline SVG line chart of one pair's rate history, for the landing page.

No script and no external resource: a polyline in a fixed viewBox, the lowest and highest value
and the first and last date as labels, and a ``<title>`` that says the same for screen readers.
Days are spaced by date, not by index, so days without rates stretch the line between the days
around them instead of being skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from ..models import Rate
from . import safe
from .dates import long_date
from .rates import plain

WIDTH, HEIGHT = 320, 110
LEFT, RIGHT, TOP, BOTTOM = 70.0, 310.0, 12.0, 86.0


def points(history: Sequence[Rate]) -> tuple[Rate, ...]:
    """The history oldest first, one finite rate per date (the first given wins)."""
    by_day: dict[dt.date, Rate] = {}
    for rate in history:
        if rate.value.is_finite():
            by_day.setdefault(rate.date, rate)
    return tuple(by_day[day] for day in sorted(by_day))


def chart_svg(history: Sequence[Rate], chart_id: str) -> str:
    """The chart as SVG markup, or "" when fewer than two dates leave nothing to draw."""
    rates = points(history)
    if len(rates) < 2:
        return ""
    values = [rate.value for rate in rates]
    low, high = min(values), max(values)
    coords = " ".join(f"{_x(rate.date, rates):.1f},{_y(rate.value, low, high):.1f}" for rate in rates)
    label = safe.escape(_summary(rates, low, high))
    return "\n".join(
        [
            f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{chart_id}">',
            f'<title id="{chart_id}">{label}</title>',
            f'<line x1="{LEFT}" y1="{BOTTOM}" x2="{RIGHT}" y2="{BOTTOM}" class="axis"/>',
            f'<polyline points="{coords}" fill="none" stroke="currentColor" stroke-width="2"/>',
            _label(LEFT - 6, TOP + 4, "end", plain(high)),
            _label(LEFT - 6, BOTTOM, "end", plain(low)),
            _label(LEFT, HEIGHT - 4, "start", long_date(rates[0].date)),
            _label(RIGHT, HEIGHT - 4, "end", long_date(rates[-1].date)),
            "</svg>",
        ]
    )


def _x(day: dt.date, rates: Sequence[Rate]) -> float:
    span = (rates[-1].date - rates[0].date).days
    return LEFT + (RIGHT - LEFT) * (day - rates[0].date).days / span


def _y(value: Decimal, low: Decimal, high: Decimal) -> float:
    """Higher values higher up; a flat history is a line across the middle."""
    if high == low:
        return (TOP + BOTTOM) / 2
    return BOTTOM - (BOTTOM - TOP) * float((value - low) / (high - low))


def _label(x: float, y: float, anchor: str, content: str) -> str:
    return f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="{anchor}">{safe.escape(content)}</text>'


def _summary(rates: Sequence[Rate], low: Decimal, high: Decimal) -> str:
    first, last = rates[0], rates[-1]
    return (
        f"{safe.line(last.pair)} from {long_date(first.date)} to {long_date(last.date)}: "
        f"lowest {plain(low)}, highest {plain(high)}, latest {plain(last.value)}"
    )
