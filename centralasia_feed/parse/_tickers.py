"""Ticker runs: the block of quote lines every listing page repeats, read once, then known whole.

A page's ticker is dozens of lines quoting a handful of pairs, and the same block comes back on
every page of a dump. Once consecutive ticker lines have been read without a problem they are
remembered as a ``Ticker``; where the same lines come again, one list comparison (in C) finds
them and they become a single ``TickerRun`` token instead of a token per line. Everything after
gives a run the values and problems its lines would give one by one (``lines()`` expands it
wherever a page needs them singly).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ._lines import Quote, TickerLine

SHORTEST_RUN = 2  # a single line gains nothing from being remembered


@dataclass(frozen=True, slots=True)
class Ticker:
    """Consecutive ticker lines, each read without a problem, with one Quote per pair.

    ``raws`` are the lines as read (what a later page's lines are compared with); ``firsts`` holds
    each pair's Quote with the offset of its first line, in line order: every other line of the
    run repeats one of them.
    """

    raws: list[str]
    texts: tuple[str, ...]
    quotes: tuple[Quote, ...]
    firsts: tuple[tuple[int, Quote], ...]


@dataclass(frozen=True, slots=True)
class TickerRun:
    """A ``Ticker`` met again, its first line at ``line``."""

    line: int
    ticker: Ticker

    @property
    def end(self) -> int:
        """The number of the line after the run."""
        return self.line + len(self.ticker.raws)

    def lines(self) -> list[TickerLine]:
        """The run as the ticker lines it stands for."""
        ticker = self.ticker
        return [
            TickerLine(self.line + offset, text, quote)
            for offset, (text, quote) in enumerate(zip(ticker.texts, ticker.quotes, strict=True))
        ]


def learn(run: list[tuple[str, str, Quote]]) -> Ticker | None:
    """A Ticker of clean ticker lines (as read, stripped, their Quote), or None when the run is too
    short or quotes a pair twice with different Quotes (then its lines must be compared one by one).
    """
    if len(run) < SHORTEST_RUN:
        return None
    firsts: dict[tuple[str, str], tuple[int, Quote]] = {}
    for offset, (_, _, quote) in enumerate(run):
        if firsts.setdefault((quote.base, quote.quote), (offset, quote))[1] is not quote:
            return None
    raws, texts, quotes = zip(*run, strict=True)
    return Ticker(list(raws), texts, quotes, tuple(firsts.values()))


def each_line(tickers: Iterable[TickerLine | TickerRun]) -> Iterator[TickerLine]:
    """Ticker lines, runs expanded."""
    for ticker in tickers:
        if isinstance(ticker, TickerRun):
            yield from ticker.lines()
        else:
            yield ticker
