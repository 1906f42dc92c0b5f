"""Lines to page drafts: text lines grouped into blocks, blocks and structural lines into pages.

A page starts at a ticker, a date line or a results counter once the current page has gone past it
(a second date, a ticker after the articles...). A text block sitting inside the header (between two
ticker lines, or before the date or counter of a page that has no articles yet) is not an article:
it is reported line by line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from ._decode import IGNORED
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
from ._report import Report
from ._tickers import Ticker, TickerRun, learn

_GAPS = re.compile("\n+")
# What the tokenizer remembers, bounded so that junk cannot grow it: ticker texts read cleanly (a
# real dump has a few dozen), learned runs of them, and a run's length (a real ticker block is a
# few dozen lines; a longer run is learned at this length, so its repeats become runs too).
_KNOWN_TEXTS = 4096
_KNOWN_RUNS = 256
_LONGEST_RUN = 256


@dataclass(slots=True)
class Block:
    """Consecutive non-blank text lines: a title, or a paragraph the scrape may have wrapped.

    Its lines are one string, ``body``, joined by newlines: a paragraph of a million short lines
    costs its characters, not a million objects. A line of invisible characters only inside it
    (which neither ends nor joins a block) is an empty line there, so that each line's number
    follows from the first. A ``rejected`` block is such a line standing alone where a title
    would be: it has no lines, but the paragraph after it is its own (``_assemble.pair_blocks``).
    """

    line: int  # its first line
    body: str
    last: int  # its last line
    count: int = 1  # its lines, invisible ones aside
    rejected: bool = False
    joined: str | None = field(default=None, repr=False, compare=False)  # ``text``, once read

    @classmethod
    def of(cls, lines: Sequence[tuple[int, str]]) -> Block:
        """The block of these numbered lines, in order (a number skipped is an invisible line)."""
        parts: list[str] = []
        for number, text in lines:
            parts.extend([""] * (number - lines[0][0] - len(parts)))
            parts.append(text)
        return cls(lines[0][0], "\n".join(parts), lines[-1][0], len(lines))

    @property
    def text(self) -> str:
        """The lines joined by spaces; read only once the block is complete, and kept. (A slot,
        not ``functools.cached_property``, whose lock and dict lookups cost more than the join of
        a one-line block.)"""
        text = self.joined
        if text is None:
            if self.count == 1:
                text = self.body
            elif self.last - self.line + 1 == self.count:
                text = self.body.replace("\n", " ")
            else:
                text = _GAPS.sub(" ", self.body)
            self.joined = text
        return text

    def numbered(self) -> Iterator[tuple[int, str]]:
        """Its lines with their numbers, one at a time (never all split at once)."""
        body, number, start = self.body, self.line, 0
        while True:
            end = body.find("\n", start)
            if text := body[start:] if end == -1 else body[start:end]:
                yield number, text
            if end == -1:
                return
            number, start = number + 1, end + 1

    def numbers(self) -> list[int]:
        return [number for number, _ in self.numbered()]

    def lines_at(self) -> Callable[[int], int]:
        """A function from an offset in ``text`` to the number of its line, for offsets met in
        increasing order (as a scan finds them): each call walks on from the last one's line."""
        if self.count == 1:
            return lambda offset: self.line
        lines = self.numbered()
        number, text = next(lines)
        start = 0

        def line_at(offset: int) -> int:
            nonlocal lines, number, text, start
            if offset < start:
                lines, start = self.numbered(), 0
                number, text = next(lines)
            while offset > start + len(text) and (following := next(lines, None)) is not None:
                start += len(text) + 1
                number, text = following
            return number

        return line_at


Token = Structural | TickerRun | Block


@dataclass
class Draft:
    """A page as read, before dates are inherited and articles are paired with their paragraphs.

    Its header (tickers, date, counter) is complete when ``paginate`` hands it on; ``blocks`` then
    reads its blocks from the dump as they come.
    """

    line: int
    date: dt.date | None = None
    date_line: int = 0  # its date line, read or not; 0 for none
    counted: bool = False
    counter: tuple[int, int, int] | None = None
    counter_line: int = 0
    ticked: bool = False  # whether it has ticker lines, read or not
    tickers: list[TickerLine | TickerRun] = field(default_factory=list)  # those that read
    blocks: Iterable[Block] = ()

    @property
    def dated(self) -> bool:
        """Whether the page has a date line, read or not."""
        return self.date_line > 0


def tokenize(chunks: Iterable[list[str]], report: Report) -> Iterator[Token]:
    """Structural lines as they are; runs of text lines as blocks; blank lines end a block. Lines
    come a chunk at a time (``_decode.lines``); tokens go as soon as they are complete. Says in
    ``report.last_line`` the last non-blank line read so far."""
    return _Tokenizer(report).read(chunks)


def last_nonblank(lines: list[str]) -> int:
    """The number of the last line of ``lines`` (the first is 1) that is not blank, or 0."""
    for number in range(len(lines), 0, -1):
        line = lines[number - 1]
        if line is not IGNORED and line.strip():
            return number
    return 0


class _Tokenizer:
    """Reads lines into tokens, remembering what the ticker repeats.

    A ticker line read without a problem is remembered by its text (a repeat costs a lookup), and
    a run of them as a ``Ticker`` (a repeat of the whole run costs one list comparison).

    The block being read is its first and last line numbers, its lines of this chunk (``open``)
    and those of earlier chunks joined (``pieces``), so a block never holds more line objects than
    a chunk has. ``gap`` counts invisible lines since its last line, which become its lines if
    another text line follows; ``rejected`` is an invisible line met outside any block, a title
    slot if a blank line and then text follow it.
    """

    def __init__(self, report: Report) -> None:
        self.report = report
        self.tokens: list[Token] = []  # complete, not yet handed on
        self.start = self.end = self.count = self.gap = 0
        self.open: list[str] = []
        self.pieces: list[str] = []
        self.rejected = self.rejected_last = 0
        self.quotes: dict[str, tuple[str, Quote]] = {}  # a clean ticker line's text: it, and its Quote
        self.tickers: dict[str, Ticker] = {}  # by the run's first line as read
        self.longest = -1  # the longest such first line: longer lines are not looked up
        self.run: list[tuple[str, str, Quote]] = []

    def read(self, chunks: Iterable[list[str]]) -> Iterator[Token]:
        first = 1
        for lines in chunks:
            self._chunk(lines, first)
            if last := last_nonblank(lines):
                self.report.last_line = first - 1 + last
            if self.open and self.start:
                self.pieces.append("\n".join(self.open))  # a block across chunks: one string
                self.open = []
            yield from self.tokens
            self.tokens = []
            first += len(lines)
        self._end_block()
        self._end_run()
        yield from self.tokens

    def _chunk(self, lines: list[str], first: int) -> None:
        index = 0
        while index < len(lines):
            raw = lines[index]
            if not raw:  # an empty line, a third of a dump: what ``_line`` would do, without the calls
                if self.run:
                    self._end_run()
                if self.start:
                    self._end_block()
                index += 1
                continue
            ticker = self.tickers.get(raw) if len(raw) <= self.longest else None
            if ticker is not None and lines[index : index + len(ticker.raws)] == ticker.raws:
                self._end_run()
                self._break()
                self.tokens.append(TickerRun(first + index, ticker))
                index += len(ticker.raws)
            else:
                self._line(first + index, raw)
                index += 1

    def _line(self, number: int, raw: str) -> None:
        if raw is IGNORED:
            self._ignored(number)
            return
        text = raw.strip()
        if not text or len(text) > _LONGEST_STRUCTURAL:  # blank, or too long to be structural
            self._end_run()
            self._text(number, text)
            return
        known = self.quotes.get(text) if len(text) <= _LONGEST_TICKER else None
        if known is None:
            self._read(number, raw, text)
            return
        self._break()
        text, quote = known  # the text kept, not this line's copy of it
        self.tokens.append(TickerLine(number, text, quote))
        self._ran(raw, text, quote)

    def _read(self, number: int, raw: str, text: str) -> None:
        """A line not known yet: blank, text or structural (a clean ticker line is remembered)."""
        problems = self.report.total
        structural = classify(number, text, self.report) if text else None
        if structural is None:
            self._end_run()
            self._text(number, text)
            return
        self._break()
        self.tokens.append(structural)
        if isinstance(structural, TickerLine) and structural.quote and self.report.total == problems:
            if len(self.quotes) < _KNOWN_TEXTS:
                self.quotes[text] = (text, structural.quote)
            self._ran(raw, text, structural.quote)
        else:
            self._end_run()

    def _ran(self, raw: str, text: str, quote: Quote) -> None:
        """A clean ticker line joins the run (learned at ``_LONGEST_RUN`` lines)."""
        self.run.append((raw, text, quote))
        if len(self.run) == _LONGEST_RUN:
            self._end_run()

    def _text(self, number: int, text: str) -> None:
        """A text line joins the current block (a blank line, ``text`` empty, ends it)."""
        if not text:
            self._end_block()
            return
        glued = glued_ticker(text)
        line = text[:glued].rstrip() if glued > 0 else text
        if self.start:
            if self.gap:
                self.open.extend([""] * self.gap)
                self.gap = 0
            self.open.append(line)
            self.end = number
            self.count += 1
        else:
            if self.rejected:
                self._reject(number)
            self.start = self.end = number
            self.count = 1
            self.open = [line]
        if glued > 0:
            self._break()
            self.tokens.append(_unglue(number, text[glued:], self.report))

    def _ignored(self, number: int) -> None:
        """A line of invisible characters only: inside a block, a gap it may close over; outside
        one, perhaps a title that shows nothing."""
        if self.start:
            self.gap += 1
        else:
            self.rejected = self.rejected or number
            self.rejected_last = number

    def _reject(self, number: int) -> None:
        """Text after invisible lines outside a block: with a blank line between them, they stood
        where a title would (a rejected block); without, they only preceded its first line."""
        if number > self.rejected_last + 1:
            self.tokens.append(Block(self.rejected, "", self.rejected, 0, True))
        self.rejected = 0

    def _break(self) -> None:
        """A structural line: the block ends, and invisible lines before it stood for no title."""
        if self.start:
            self._end_block()
        self.rejected = 0

    def _end_block(self) -> None:
        if not self.start:
            return
        if self.pieces:
            if self.open:
                self.pieces.append("\n".join(self.open))
            body = "\n".join(self.pieces)
            self.pieces = []
        else:
            body = self.open[0] if len(self.open) == 1 else "\n".join(self.open)
        self.tokens.append(Block(self.start, body, self.end, self.count))
        self.start = self.gap = 0
        self.open = []

    def _end_run(self) -> None:
        if not self.run:
            return
        if len(self.tickers) < _KNOWN_RUNS and (ticker := learn(self.run)):
            self.tickers[ticker.raws[0]] = ticker
            self.longest = max(self.longest, len(ticker.raws[0]))
        self.run = []


def _unglue(number: int, ticker: str, report: Report) -> Structural:
    """The ticker line that lost its line break, reported and read as a line of its own."""
    report.quoting(number, "no line break before the ticker, split", ticker)
    return TickerLine(number, ticker, read_ticker(number, ticker, report))


def paginate(tokens: Iterable[Token], report: Report) -> Iterator[Draft]:
    """Pages as they come. A page is handed on once its header is read; its ``blocks`` then read
    the dump on (``_blocks``), and the caller reads them before it asks for the next page: a
    page of a million blocks never holds them all."""
    stream = iter(tokens)
    page: Draft | None = None
    previous: Token | None = None
    token = next(stream, None)
    while token is not None:
        following = next(stream, None)
        if page is None or _starts_page(page, token):
            if page is not None:
                yield page
            page = Draft(token.line)
        if not isinstance(token, Block):
            _add_structural(page, token, report)
        elif why := _misplaced(page, previous, following):
            report.lines(why, token.numbered(), token.count, token.last)
        else:
            ahead = [following]
            page.blocks = blocks = _blocks(token, ahead, stream)
            yield page
            for _ in blocks:  # what the caller left unread
                pass
            page, following = None, ahead[0]  # a structural token, or None: it starts the next page
        previous, token = token, following
    if page is not None:
        yield page


def _blocks(first: Block, ahead: list[Token | None], stream: Iterator[Token]) -> Iterator[Block]:
    """A page's blocks: ``first``, then each block that follows it in the stream (``ahead[0]`` is
    the token after the last one read), up to the next structural token."""
    yield first
    while isinstance(following := ahead[0], Block):
        ahead[0] = next(stream, None)
        yield following


def _starts_page(page: Draft, token: Token) -> bool:
    """Whether ``token`` starts a page after a header (a page whose articles were read is over)."""
    if isinstance(token, TickerLine | TickerRun):
        return page.dated or page.counted
    if isinstance(token, DateLine):
        return page.dated
    if isinstance(token, CounterLine):
        return page.counted
    return False


def _add_structural(page: Draft, token: Structural | TickerRun, report: Report) -> None:
    if isinstance(token, TickerLine | TickerRun):
        page.ticked = True
        if not isinstance(token, TickerLine) or token.quote is not None:
            page.tickers.append(token)
    elif isinstance(token, DateLine):
        page.date, page.date_line = token.date, token.line
        if token.date is not None:
            report.use(token.line)
    else:
        page.counted, page.counter, page.counter_line = True, token.counts, token.line
        if token.counts is not None:
            report.use(token.line)


def _misplaced(page: Draft, previous: Token | None, following: Token | None) -> str | None:
    """Why a block in a page's header is no article, or None when it may be one."""
    if isinstance(previous, TickerLine | TickerRun) and isinstance(following, TickerLine | TickerRun):
        return "unexpected line in the ticker"
    if isinstance(following, DateLine) and not page.dated:
        return "unexpected line before the edition date"
    if isinstance(following, CounterLine) and not page.counted:
        return "unexpected line before the results counter"
    return None
