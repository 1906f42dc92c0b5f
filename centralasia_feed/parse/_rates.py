"""A page's rates: one per pair, its ticker's repeats collapsed.

A ticker quotes each pair many times: a line that repeats the page's first rate of its pair is
used by that rate; one that quotes the pair with another rate is reported, and the first is kept.
A rate that differs from an earlier page's of the same date is reported too, though the page keeps
it (the dump's rates keep the first: ``Dump.rates``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..models import Rate
from ._lines import Tick, TickerLine
from ._report import Report, cite
from ._tickers import Reading, TickerRun, readings


class Rates:
    """Makes each page's rates, remembering each pair's first rate of each date."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.seen: dict[tuple[str, dt.date], Tick] = {}

    def page(self, tickers: Iterable[TickerLine | TickerRun], date: dt.date) -> tuple[Rate, ...]:
        """The rates of a page's ticker lines and runs, the first line of each pair giving it."""
        kept: dict[str, Reading] = {}  # each pair's first line
        for item in tickers:
            if isinstance(item, TickerRun) and self._whole(item, kept):
                continue
            for reading in readings((item,)):
                self._line(reading, kept)
        return tuple(self._rate(reading, date) for reading in kept.values())

    def _whole(self, run: TickerRun, kept: dict[str, Reading]) -> bool:
        """Take a run at once by its pairs' first lines (the others repeat them: see
        ``_tickers.learn``), unless one differs from a rate kept before it on the page: then
        nothing is done, and its lines go one by one."""
        firsts = run.firsts()
        if any(_differs(kept.get(tick.pair), tick) for _, _, tick in firsts):
            return False
        for reading in firsts:
            kept.setdefault(reading[2].pair, reading)
        self.report.use(run.line, run.last)
        return True

    def _line(self, reading: Reading, kept: dict[str, Reading]) -> None:
        """A ticker line gives its pair's rate, repeats it, or quotes it otherwise (reported)."""
        number, text, tick = reading
        if same(kept.setdefault(tick.pair, reading)[2], tick):
            self.report.use(number)
            return
        self.report.problem(
            number,
            f"{tick.pair} quoted again with another rate, the first kept: {cite(text)}",
            text,
            kind="a pair quoted again with another rate, the first kept",
        )

    def _rate(self, reading: Reading, date: dt.date) -> Rate:
        """The rate of a pair's first line on a page, checked against an earlier page's."""
        number, text, tick = reading
        if not same(self.seen.setdefault((tick.pair, date), tick), tick):
            self.report.problem(
                number,
                f"{tick.pair} differs from an earlier page of the same date, "
                f"which the dump's rates keep: {cite(text)}",
                text,
                kind="a rate differs from an earlier page of the same date, which the dump's rates keep",
            )
        source = self.report.source
        return Rate(tick.base, tick.quote, tick.value, tick.change, tick.direction, date, source, number)


def same(one: Tick, other: Tick) -> bool:
    """The same rate as written: the same digits and direction. Lines of one text share one Tick
    (the tokenizer reads a text once), which says so at once."""
    if one is other:
        return True
    return (str(one.value), str(one.change), one.direction) == (
        str(other.value),
        str(other.change),
        other.direction,
    )


def _differs(first: Reading | None, tick: Tick) -> bool:
    """Whether a pair's first line on the page, if any, gives another rate than ``tick``."""
    return first is not None and not same(first[2], tick)
