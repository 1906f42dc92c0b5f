"""A rate as people say it: the way round the region quotes it, with no more digits than the ticker's.

The ticker quotes ``1 KZT = 0.00191 USD``; people, and the National Bank of Kazakhstan, say ``1 USD =
524 KZT``. So every title and text leads with the quote whose figure is one or more (``lead``) and
gives the ticker's own beside it, with its change. A figure derived from the ticker's carries its
significant digits and no more (``0.00191`` has three: 523.56 is written 524); where the ticker
gives fewer than three, one figure would claim more than it knows, so the range its rounding
allows is given instead: ``0.00008`` is anything from 0.000075 to 0.000085, so ``1 USD =
11,765–13,333 UZS``. The machine-readable fields keep the exact values (see ``_jsonable``).

The change is the ticker's, of its own quote, signed wherever the direction is known
(``Rate.signed_change``): ``+0.52%`` up, ``-0.52%`` down, ``0%`` flat, ``0.44%`` with the direction
unknown.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_EVEN, Context, Decimal, DecimalTuple
from typing import NamedTuple

from .._chars import clean
from ..models import Rate, inverse_range

RANGE_BELOW = 3  # a ticker figure of fewer significant digits gets a range, not a figure
MOST_DIGITS = 6  # however many the ticker writes, a derived figure stops here
RANGE_DASH = "–"  # an en dash: a hyphen would read as a minus
ARROWS = {"up": "▲", "down": "▼", "flat": "▬"}
UNKNOWN_ARROW = "?"


class Said(NamedTuple):
    """Everything a rate is said as, worked out once (see ``said``)."""

    ticker: str  # 1 KZT = 0.00191 USD
    derived: str | None  # 1 USD = 524 KZT; None where there is no inverse
    lead: str  # what people say: whichever of the two has a figure of one or more
    change: str  # -0.52%
    headline: str  # 1 USD = 524 KZT (1 KZT = 0.00191 USD, -0.52%)
    note: str  # why the derived figure reads as it does, in a sentence; "" where there is none


def said(rate: Rate) -> Said:
    """How ``rate`` is said. Cached by what it depends on (the value as written: 0.00191 and
    0.001910 are equal, but not in digits): a pair's value and change recur day after day, and a
    build says each rate in several files. The cache holds about a daily build's rates said twice
    (the feeds' ``limit`` days of every pair: 250 by default), and no more: a rates page of years,
    each rate said once, would fill a larger one with what no other file says."""
    return _said(rate.base, rate.quote, rate.value.as_tuple(), rate.signed_change)


@functools.lru_cache(maxsize=1024)  # about 0.9 KB an entry
def _said(base: str, quote: str, written: DecimalTuple, signed: str) -> Said:
    base, quote, value = clean(base), clean(quote), Decimal(written)  # type: ignore[arg-type]
    mine = f"1 {base} = {number(value)} {quote}"
    figure, change = _inverse_figure(written), f"{signed}%"
    if figure is None:
        return Said(mine, None, mine, change, f"{mine}, {change}", "")
    other = f"1 {quote} = {figure} {base}"
    note = _note(base, quote, value, figure)
    if value < 1:  # people say it the other way round
        return Said(mine, other, other, change, f"{other} ({mine}, {change})", note)
    return Said(mine, other, mine, change, f"{mine}, {change} ({other})", note)


def ticker(rate: Rate) -> str:
    """The ticker's own quote, as written: ``1 KZT = 0.00191 USD``."""
    return said(rate).ticker


def derived(rate: Rate) -> str | None:
    """The other way round, to the ticker's digits: ``1 USD = 524 KZT``; None for a value with no
    inverse (zero)."""
    return said(rate).derived


def lead(rate: Rate) -> str:
    """What people say: the quote whose figure is one or more (``1 USD = 524 KZT``)."""
    return said(rate).lead


def headline(rate: Rate) -> str:
    """The lead quote with the other beside it, the change beside the ticker's own:
    ``1 USD = 524 KZT (1 KZT = 0.00191 USD, -0.52%)``."""
    return said(rate).headline


def change(rate: Rate) -> str:
    """The ticker's change, signed wherever its direction is known: ``+0.52%``, ``-0.52%``, ``0%``."""
    return said(rate).change


def precision_note(rate: Rate) -> str:
    """Why the derived figure reads as it does, in a sentence; "" where there is no derived figure."""
    return said(rate).note


def inverse(rate: Rate) -> Decimal | None:
    """``Rate.inverse``, or None for a value with no inverse (zero), so no input crashes a build."""
    try:
        return rate.inverse
    except ArithmeticError:
        return None


def inverse_figure(rate: Rate) -> str | None:
    """``1 / value`` for people: to the value's significant digits (``524``, ``12,500``), or the
    range the value allows where it has fewer than ``RANGE_BELOW`` (``11,765–13,333``); None where
    there is no inverse (zero, or no finite value)."""
    return _inverse_figure(rate.value.as_tuple())


def _inverse_figure(written: DecimalTuple) -> str | None:
    value = Decimal(written)  # type: ignore[arg-type]  # typeshed misses DecimalTuple
    if not value.is_finite() or value <= 0:
        return None
    digits = len(written.digits)
    if digits < RANGE_BELOW:
        low, high = inverse_range(value)
        return f"{number(_range_end(low))}{RANGE_DASH}{number(_range_end(high))}"
    return number(_context(min(digits, MOST_DIGITS)).divide(Decimal(1), value))  # 5.24E+2 reads 524


@functools.lru_cache(maxsize=64)
def _context(digits: int) -> Context:
    return Context(prec=digits, rounding=ROUND_HALF_EVEN)


def _range_end(end: Decimal) -> Decimal:
    """An end of a range to three significant digits, but never rounding its whole part: 11765, 1.82."""
    places = max(0, RANGE_BELOW - end.adjusted() - 1)
    digits = end.adjusted() + places + 2  # room for every digit kept, and one a carry adds (9.999: 10.0)
    return end.quantize(Decimal(1).scaleb(-places), context=_context(max(digits, 1)))


def number(figure: Decimal) -> str:
    """A decimal for people: positional (never ``8E-8``), thousands grouped (``12,500``)."""
    if abs(figure) >= 1000:
        return format(figure, ",f")
    return format(figure, "f")


def arrow(direction: str | None) -> str:
    return ARROWS.get(direction or "", UNKNOWN_ARROW)


def direction_word(direction: str | None) -> str:
    return direction or "unknown"


def _note(base: str, quote: str, value: Decimal, figure: str) -> str:
    digits = len(value.as_tuple().digits)
    written = number(value)
    if digits < RANGE_BELOW:
        low, high = (number(_range_end(end)) for end in inverse_range(value))
        half = Decimal(5).scaleb(_exponent(value) - 1)
        return (
            f"The ticker's {written} has {_digits(digits)}: it stands for anything from "
            f"{number(value - half)} to {number(value + half)}, so 1 {quote} buys from "
            f"{low} to {high} {base}."
        )
    return f"{figure} is rounded to the {_digits(min(digits, MOST_DIGITS))} of the ticker's {written}."


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def _digits(count: int) -> str:
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
    return f"{words.get(count, str(count))} significant digit{'s' if count != 1 else ''}"
