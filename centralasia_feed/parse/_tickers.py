"""Ticker runs: the block of ticker lines every listing page repeats, read once, then known whole.

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

from ._lines import LONGEST_TICKER, Tick, TickerLine

Reading = tuple[int, str, Tick]  # a readable ticker line: its number, its text and its Tick
SHORTEST_RUN = 2  # a single line gains nothing from being remembered
# What the memo holds, bounded so that junk cannot grow it: ticker texts read cleanly (a real dump
# has a few dozen), learned runs of them, and a run's length (a real ticker block is a few dozen
# lines; a longer run is learned at this length, so its repeats become runs too).
KNOWN_TEXTS = 4096
KNOWN_RUNS = 256
LONGEST_RUN = 256


@dataclass(frozen=True, slots=True)
class Ticker:
    """Consecutive ticker lines, each read without a problem, with one Tick per pair.

    ``raws`` are the lines as read (what a later page's lines are compared with); ``firsts`` holds
    each pair's Tick with the offset of its first line, in line order: every other line of the
    run repeats one of them.
    """

    raws: list[str]
    texts: tuple[str, ...]
    ticks: tuple[Tick, ...]
    firsts: tuple[tuple[int, Tick], ...]


@dataclass(frozen=True, slots=True)
class TickerRun:
    """A ``Ticker`` met again, its first line at ``line``."""

    line: int
    ticker: Ticker

    @property
    def last(self) -> int:
        """The number of its last line."""
        return self.line + len(self.ticker.raws) - 1

    def lines(self) -> list[Reading]:
        """The run's lines, as they would be read one by one."""
        ticker = self.ticker
        return [
            (self.line + offset, text, tick)
            for offset, (text, tick) in enumerate(zip(ticker.texts, ticker.ticks, strict=True))
        ]

    def firsts(self) -> list[Reading]:
        """The first line of each pair: the others repeat them."""
        texts = self.ticker.texts
        return [(self.line + offset, texts[offset], tick) for offset, tick in self.ticker.firsts]


def learn(run: list[tuple[str, str, Tick]]) -> Ticker | None:
    """A Ticker of clean ticker lines (as read, stripped, their Tick), or None when the run is too
    short or quotes a pair twice with different Ticks (then its lines must be compared one by one).
    """
    if len(run) < SHORTEST_RUN:
        return None
    firsts: dict[str, tuple[int, Tick]] = {}
    for offset, (_, _, tick) in enumerate(run):
        if firsts.setdefault(tick.pair, (offset, tick))[1] is not tick:
            return None
    raws, texts, ticks = zip(*run, strict=True)
    return Ticker(list(raws), texts, ticks, tuple(firsts.values()))


def readings(tickers: Iterable[TickerLine | TickerRun]) -> Iterator[Reading]:
    """The readable lines of ticker lines and runs, runs expanded."""
    for ticker in tickers:
        if isinstance(ticker, TickerRun):
            yield from ticker.lines()
        elif ticker.tick is not None:
            yield ticker.line, ticker.text, ticker.tick


class Memo:
    """What the tokenizer remembers of the ticker: a clean line's Tick by its text (a repeat costs
    a lookup, and shares the Tick and the text), and runs of such lines as Tickers (a repeat of the
    whole run costs one list comparison)."""

    __slots__ = ("longest", "run", "runs", "ticks")

    def __init__(self) -> None:
        self.ticks: dict[str, tuple[str, Tick]] = {}  # a clean ticker line's text: it, and its Tick
        self.runs: dict[str, Ticker] = {}  # by the run's first line as read
        self.longest = -1  # the longest such first line: longer lines are not looked up
        self.run: list[tuple[str, str, Tick]] = []  # the clean lines read since the last other one

    def run_at(self, lines: list[str], index: int) -> Ticker | None:
        """The Ticker whose lines ``lines`` holds from ``index``, if one is known."""
        raw = lines[index]
        ticker = self.runs.get(raw) if len(raw) <= self.longest else None
        if ticker is None or lines[index : index + len(ticker.raws)] != ticker.raws:
            return None
        return ticker

    def known(self, text: str) -> tuple[str, Tick] | None:
        """The Tick of a clean ticker line's (stripped) text, and the text as first read."""
        return self.ticks.get(text) if len(text) <= LONGEST_TICKER else None

    def clean(self, raw: str, text: str, tick: Tick) -> None:
        """A ticker line read without a problem: its Tick is remembered, and it joins the run."""
        if len(self.ticks) < KNOWN_TEXTS:
            self.ticks[text] = (text, tick)
        self.again(raw, text, tick)

    def again(self, raw: str, text: str, tick: Tick) -> None:
        """A known ticker line joins the run (learned at ``LONGEST_RUN`` lines)."""
        self.run.append((raw, text, tick))
        if len(self.run) == LONGEST_RUN:
            self.end_run()

    def end_run(self) -> None:
        """Another line: the run so far is learned, if it is worth it."""
        if not self.run:
            return
        if len(self.runs) < KNOWN_RUNS and (ticker := learn(self.run)):
            self.runs[ticker.raws[0]] = ticker
            self.longest = max(self.longest, len(ticker.raws[0]))
        self.run = []
