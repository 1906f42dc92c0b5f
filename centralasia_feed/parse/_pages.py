"""Lines to page drafts: text lines grouped into blocks, blocks and structural lines into pages.

A page starts at a ticker, a date line or a results counter once the current page has gone past it
(a second date, a ticker after the articles...). A text block sitting inside the header (between two
ticker lines, or before the date or counter of a page that has no articles yet) is not an article:
it is reported line by line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ._lines import (
    _LONGEST_STRUCTURAL,
    _LONGEST_TICKER,
    CounterLine,
    DateLine,
    Quote,
    Structural,
    TickerLine,
    classify,
    glued_ticker,
    read_ticker,
)
from ._report import Report, quote
from ._tickers import Ticker, TickerRun, learn


@dataclass(slots=True)
class Block:
    """Consecutive non-blank text lines: a title, or a paragraph the scrape may have wrapped."""

    lines: list[tuple[int, str]] = field(default_factory=list)
    joined: str | None = field(default=None, repr=False, compare=False)  # ``text``, once read

    @property
    def line(self) -> int:
        return self.lines[0][0]

    @property
    def text(self) -> str:
        """The lines joined; read only once the block is complete (after tokenize), and kept.
        (A slot, not ``functools.cached_property``, whose lock and dict lookups cost more than the
        join of a one-line block.)"""
        text = self.joined
        if text is None:
            lines = self.lines
            text = self.joined = lines[0][1] if len(lines) == 1 else " ".join(text for _, text in lines)
        return text


Token = Structural | TickerRun | Block


@dataclass
class Draft:
    """A page as read, before dates are inherited and articles are paired with their paragraphs."""

    line: int
    date: dt.date | None = None
    date_line: int = 0  # its date line, read or not; 0 for none
    counted: bool = False
    counter: tuple[int, int, int] | None = None
    counter_line: int = 0
    tickers: list[TickerLine | TickerRun] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    @property
    def dated(self) -> bool:
        """Whether the page has a date line, read or not."""
        return self.date_line > 0


def tokenize(lines: list[str], report: Report) -> list[Token]:
    """Structural lines as they are; runs of text lines as blocks; blank lines end a block."""
    return _Tokenizer(report).read(lines)


class _Tokenizer:
    """Reads lines into tokens, remembering what the ticker repeats.

    A ticker line read without a problem is remembered by its text (a repeat costs a lookup), and
    a run of them as a ``Ticker`` (a repeat of the whole run costs one list comparison).
    """

    def __init__(self, report: Report) -> None:
        self.report = report
        self.tokens: list[Token] = []
        self.block: Block | None = None
        self.quotes: dict[str, Quote] = {}
        self.tickers: dict[str, Ticker] = {}  # by the run's first line as read
        self.longest = -1  # the longest such first line: longer lines are not looked up
        self.run: list[tuple[str, str, Quote]] = []

    def read(self, lines: list[str]) -> list[Token]:
        ignored = self.report.ignored
        index = 0
        while index < len(lines):
            raw = lines[index]
            if not raw:  # an empty line, a third of a dump: what ``_line`` would do, without the calls
                if ignored and index + 1 in ignored:  # invisible characters only: not even a blank
                    index += 1
                    continue
                if self.run:
                    self._end_run()
                self.block = None
                index += 1
                continue
            ticker = self.tickers.get(raw) if len(raw) <= self.longest else None
            if ticker is not None and lines[index : index + len(ticker.raws)] == ticker.raws:
                self._end_run()
                self.block = None
                self.tokens.append(TickerRun(index + 1, ticker))
                index += len(ticker.raws)
            else:
                self._line(index + 1, raw)
                index += 1
        return self.tokens

    def _line(self, number: int, raw: str) -> None:
        text = raw.strip()
        if not text or len(text) > _LONGEST_STRUCTURAL:  # blank, or too long to be structural
            self._end_run()
            self._text(number, text)
            return
        known = self.quotes.get(text) if len(text) <= _LONGEST_TICKER else None
        if known is None:
            self._read(number, raw, text)
            return
        self.block = None
        self.tokens.append(TickerLine(number, text, known))
        self.run.append((raw, text, known))

    def _read(self, number: int, raw: str, text: str) -> None:
        """A line not known yet: blank, text or structural (a clean ticker line is remembered)."""
        problems = len(self.report.problems)
        structural = classify(number, text, self.report) if text else None
        if structural is None:
            self._end_run()
            self._text(number, text)
            return
        self.block = None
        self.tokens.append(structural)
        if isinstance(structural, TickerLine) and structural.quote and len(self.report.problems) == problems:
            self.quotes[text] = structural.quote
            self.run.append((raw, text, structural.quote))
        else:
            self._end_run()

    def _text(self, number: int, text: str) -> None:
        """A text line joins the current block (a blank line, ``text`` empty, ends it)."""
        if not text:
            self.block = None
            return
        glued = glued_ticker(text)
        if self.block is None:
            self.block = Block()
            self.tokens.append(self.block)
        self.block.lines.append((number, text[:glued].rstrip() if glued > 0 else text))
        if glued > 0:
            self.block = None
            self.tokens.append(_unglue(number, text[glued:], self.report))

    def _end_run(self) -> None:
        if not self.run:
            return
        if ticker := learn(self.run):
            self.tickers[ticker.raws[0]] = ticker
            self.longest = max(self.longest, len(ticker.raws[0]))
        self.run = []


def _unglue(number: int, ticker: str, report: Report) -> Structural:
    """The ticker line that lost its line break, reported and read as a line of its own."""
    report.problem(number, f"no line break before the ticker, split: {quote(ticker)}", ticker)
    return TickerLine(number, ticker, read_ticker(number, ticker, report))


def paginate(tokens: list[Token], report: Report) -> list[Draft]:
    drafts: list[Draft] = []
    for index, token in enumerate(tokens):
        if not drafts or _starts_page(drafts[-1], token):
            drafts.append(Draft(token.line))
        page = drafts[-1]
        if isinstance(token, Block):
            previous = tokens[index - 1] if index else None
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            _add_block(page, token, previous, following, report)
        else:
            _add_structural(page, token, report)
    return drafts


def _starts_page(page: Draft, token: Token) -> bool:
    if isinstance(token, TickerLine | TickerRun):
        return page.dated or page.counted or bool(page.blocks)
    if isinstance(token, DateLine):
        return page.dated or bool(page.blocks)
    if isinstance(token, CounterLine):
        return page.counted or bool(page.blocks)
    return False


def _add_structural(page: Draft, token: Structural | TickerRun, report: Report) -> None:
    if isinstance(token, TickerLine | TickerRun):
        page.tickers.append(token)
    elif isinstance(token, DateLine):
        page.date, page.date_line = token.date, token.line
        if token.date is not None:
            report.use(token.line)
    else:
        page.counted, page.counter, page.counter_line = True, token.counts, token.line
        if token.counts is not None:
            report.use(token.line)


def _add_block(
    page: Draft, block: Block, previous: Token | None, following: Token | None, report: Report
) -> None:
    why = _misplaced(page, previous, following)
    if why is None:
        page.blocks.append(block)
        return
    for number, text in block.lines:
        report.problem(number, f"{why}: {quote(text)}", text)


def _misplaced(page: Draft, previous: Token | None, following: Token | None) -> str | None:
    """Why a block in a page's header is no article, or None when it may be one."""
    if page.blocks:
        return None
    if isinstance(previous, TickerLine | TickerRun) and isinstance(following, TickerLine | TickerRun):
        return "unexpected line in the ticker"
    if isinstance(following, DateLine) and not page.dated:
        return "unexpected line before the edition date"
    if isinstance(following, CounterLine) and not page.counted:
        return "unexpected line before the results counter"
    return None
