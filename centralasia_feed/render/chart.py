"""An inline SVG line chart of one pair's rate history, for the landing page and the rates page.

No script and no external resource, and readable as a person reads a chart:

- the vertical axis has gridlines at round values, labelled, and spans at least ``MIN_SPAN`` of the
  rates' level (2%): a move of a quarter of a percent is a small step, not a cliff, and a flat
  series is a flat line in the middle, with its one value labelled, not two;
- a point on each dated value, with a ``<title>`` (the browser's tooltip) giving the date, the
  ticker's quote, people's quote and the change; the latest value labelled at the end of the line;
- days are spaced by date, not by index, so days without rates stretch the line between the days
  around them; the first and last dates and the months between are labelled below;
- its colours come from the page's stylesheet (``chart`` classes), so it follows the page's light
  or dark scheme; the ``<title>`` of the whole chart says the same for screen readers.

It draws the ticker's own quote (``1 KZT = 0.00191 USD``), whose direction the arrows and signed
changes give, so a rise on the chart is a rise in the tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal

from ..models import Rate
from . import quotes, safe
from .dates import MONTHS, long_date

WIDTH, HEIGHT = 370, 170
LEFT, RIGHT, TOP, BOTTOM = 64.0, 296.0, 16.0, 142.0  # the plot; the latest value is labelled right of it
MIN_SPAN = Decimal("0.02")  # the vertical axis spans at least this share of the rates' level
STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))  # round gridline steps
GRIDLINES = 4  # about this many steps between the lowest and highest gridline
LABEL_GAP = 16.0  # the least room between two date labels
CHAR_WIDTH = 6.5  # about the width of a character of the labels, for keeping them apart


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
    ticks = gridlines(min(values), max(values), unit_of(values))
    scale = _Scale(rates[0].date, rates[-1].date, ticks[0], ticks[-1])
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" class="chart" role="img" aria-labelledby="{chart_id}">',
        f'<title id="{chart_id}">{safe.escape(_summary(rates))}</title>',
        *_grid(ticks, scale),
        _scale_label(rates[-1], ticks),
        *_date_labels(rates[0].date, rates[-1].date, scale),
        _line(rates, scale),
        *(_point(rate, scale) for rate in rates),
        _latest(rates[-1], scale),
        "</svg>",
    ]
    return "\n".join(parts)


class _Scale:
    """Where a date and a value stand in the plot."""

    def __init__(self, first: dt.date, last: dt.date, low: Decimal, high: Decimal) -> None:
        self.first, self.days = first, max((last - first).days, 1)
        self.low, self.span = low, high - low

    def x(self, day: dt.date) -> float:
        return LEFT + (RIGHT - LEFT) * (day - self.first).days / self.days

    def y(self, value: Decimal) -> float:
        return BOTTOM - (BOTTOM - TOP) * float((value - self.low) / self.span)


def gridlines(low: Decimal, high: Decimal, unit: Decimal | None = None) -> tuple[Decimal, ...]:
    """Round values from at or below ``low`` to at or above ``high``, a round step apart.

    They span at least ``MIN_SPAN`` of the values' level and at least two of the ``unit`` the
    ticker writes them in (0.00001 for 0.00008), centred on the values where these span less, and
    no step is finer than that unit: a ticker that moves only by a unit is drawn to that scale,
    and its axis claims no digits it never writes."""
    middle, unit = (low + high) / 2, unit or Decimal(0)
    least = max(abs(middle) * MIN_SPAN, 2 * unit) or Decimal(1)
    if high - low < least:
        low, high = middle - least / 2, middle + least / 2
    step = max(_round_step((high - low) / GRIDLINES), unit)
    first = (low / step).to_integral_value(ROUND_FLOOR) * step
    last = (high / step).to_integral_value(ROUND_CEILING) * step
    count = int((last - first) / step)
    return tuple(first + step * index for index in range(count + 1))


def unit_of(values: Sequence[Decimal]) -> Decimal:
    """The coarsest unit the values are written in: 0.00001 for 0.00191 and 0.00008."""
    exponents = [value.as_tuple().exponent for value in values]
    return Decimal(1).scaleb(max(exponent for exponent in exponents if isinstance(exponent, int)))


def _round_step(rough: Decimal) -> Decimal:
    """The least of 1, 2, 2.5 and 5 times a power of ten at or above ``rough``."""
    power = rough.adjusted()
    mantissa = rough.scaleb(-power)
    return next(step for step in STEPS if step >= mantissa).scaleb(power)


def _tick_text(value: Decimal, step: Decimal) -> str:
    places = max(0, -step.normalize().as_tuple().exponent)  # type: ignore[operator]
    digits = max(value.adjusted(), 0) + places + 2  # every digit kept, however large the value
    return quotes.number(value.quantize(Decimal(1).scaleb(-places), context=Context(prec=digits)))


def _grid(ticks: Sequence[Decimal], scale: _Scale) -> list[str]:
    step = ticks[1] - ticks[0]
    lines = []
    for tick in ticks:
        y = scale.y(tick)
        lines.append(f'<line x1="{LEFT:.0f}" y1="{y:.1f}" x2="{RIGHT:.0f}" y2="{y:.1f}" class="grid"/>')
        lines.append(_text(LEFT - 6, y + 4, "end", _tick_text(tick, step), "tick"))
    return lines


def _scale_label(rate: Rate, ticks: Sequence[Decimal]) -> str:
    """What the axis counts (``1 KZT in USD``) and how far apart its gridlines are, as a share of
    the rates' level: the scale, in words."""
    said = f"1 {rate.base} in {rate.quote}"
    middle = (ticks[0] + ticks[-1]) / 2
    if middle:
        share = abs((ticks[1] - ticks[0]) / middle * 100)
        figure = quotes.number(share.quantize(Decimal("0.1") if share < 10 else Decimal(1)))
        said += f", gridlines {figure}% apart"
    return _text(LEFT, TOP - 5, "start", said, "note")


def _date_labels(first: dt.date, last: dt.date, scale: _Scale) -> list[str]:
    """The first and last dates, and the first of each month between where there is room."""
    labels = [(scale.x(first), "start", _short(first)), (scale.x(last), "end", _short(last))]
    taken = [_extent(*label) for label in labels]
    month = dt.date(first.year, first.month, 1)
    while (month := _next_month(month)) < last:
        label = (scale.x(month), "middle", MONTHS[month.month - 1][:3])
        left, right = _extent(*label)
        if all(
            right + LABEL_GAP <= other_left or left >= other_right + LABEL_GAP
            for other_left, other_right in taken
        ):
            labels.append(label)
            taken.append((left, right))
    marks = [
        f'<line x1="{x:.1f}" y1="{BOTTOM:.0f}" x2="{x:.1f}" y2="{BOTTOM + 4:.0f}" class="axis"/>'
        for x, _, _ in labels
    ]
    texts = [_text(x, HEIGHT - 6, anchor, text, "tick") for x, anchor, text in labels]
    axis = f'<line x1="{LEFT:.0f}" y1="{BOTTOM:.0f}" x2="{RIGHT:.0f}" y2="{BOTTOM:.0f}" class="axis"/>'
    return [axis, *marks, *texts]


def _extent(x: float, anchor: str, text: str) -> tuple[float, float]:
    """Where a label stands, left to right, at about ``CHAR_WIDTH`` a character."""
    width = len(text) * CHAR_WIDTH
    start = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return start, start + width


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _short(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def _line(rates: Sequence[Rate], scale: _Scale) -> str:
    coords = " ".join(f"{scale.x(rate.date):.1f},{scale.y(rate.value):.1f}" for rate in rates)
    return f'<polyline points="{coords}" class="line"/>'


def _point(rate: Rate, scale: _Scale) -> str:
    tip = safe.escape(_tooltip(rate))
    return (
        f'<circle cx="{scale.x(rate.date):.1f}" cy="{scale.y(rate.value):.1f}" r="2.2" class="point">'
        f"<title>{tip}</title></circle>"
    )


def _tooltip(rate: Rate) -> str:
    derived = quotes.derived(rate)
    other = f" ({derived})" if derived else ""
    return f"{long_date(rate.date)}: {quotes.ticker(rate)}{other}, {quotes.change(rate)}"


def _latest(rate: Rate, scale: _Scale) -> str:
    """The latest value, ringed, and written right of the line's end."""
    x, y = scale.x(rate.date), scale.y(rate.value)
    ring = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" class="latest"/>'
    return ring + "\n" + _text(x + 8, y + 4, "start", quotes.number(rate.value), "value")


def _text(x: float, y: float, anchor: str, content: str, kind: str) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{kind}">{safe.escape(content)}</text>'
    )


def _summary(rates: Sequence[Rate]) -> str:
    first, last = rates[0], rates[-1]
    values = [rate.value for rate in rates]
    return (
        f"{safe.line(last.pair)}, 1 {safe.line(last.base)} in {safe.line(last.quote)}, from "
        f"{long_date(first.date)} to {long_date(last.date)}: lowest {quotes.number(min(values))}, "
        f"highest {quotes.number(max(values))}, latest {quotes.number(last.value)}"
    )


def figures(history: Mapping[str, Sequence[Rate]]) -> str:
    """One ``<figure>`` per pair with two or more dates, sorted by pair, its caption the pair and
    what people say of its latest rate; "" when there is none."""
    drawn = []
    for number, pair in enumerate(sorted(history), 1):
        svg = chart_svg(history[pair], f"chart-{number}")
        if svg:
            latest = points(history[pair])[-1]
            said = safe.escape(quotes.lead(latest))
            caption = f"<figcaption>{safe.escape(safe.line(pair))} <span>{said}</span></figcaption>"
            drawn.append(f"<figure>\n{caption}\n{svg}\n</figure>")  # the name above its chart
    return '<div class="charts">\n' + "\n".join(drawn) + "\n</div>" if drawn else ""
