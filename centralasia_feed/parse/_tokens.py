"""Lines to tokens: structural lines as they are, runs of text lines as blocks, a ticker met again
as one run.

Lines come a chunk at a time (``_decode.decode``); tokens go as soon as they are complete, so no
token holds more line objects than a chunk has.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ._blocks import Block
from ._decode import IGNORED
from ._lines import LONGEST_STRUCTURAL, Structural, TickerLine, classify, glued_ticker, read_ticker
from ._report import Report
from ._tickers import Memo, TickerRun

Token = Structural | TickerRun | Block


def tokenize(chunks: Iterable[list[str]], report: Report) -> Iterator[Token]:
    """Structural lines as they are; runs of text lines as blocks; blank lines end a block. Says in
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
    """Reads lines into tokens, the ticker's through its ``Memo``.

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
        self.memo = Memo()

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
        self.memo.end_run()
        yield from self.tokens

    def _chunk(self, lines: list[str], first: int) -> None:
        index = 0
        while index < len(lines):
            if not lines[index]:  # a third of a dump: what ``_line`` does with an empty line, inlined
                if self.memo.run:
                    self.memo.end_run()
                if self.start:
                    self._end_block()
                index += 1
            elif ticker := self.memo.run_at(lines, index):
                self.memo.end_run()
                self._break()
                self.tokens.append(TickerRun(first + index, ticker))
                index += len(ticker.raws)
            else:
                self._line(first + index, lines[index])
                index += 1

    def _line(self, number: int, raw: str) -> None:
        if raw is IGNORED:
            self._ignored(number)
            return
        text = raw.strip()
        if not text or len(text) > LONGEST_STRUCTURAL:  # blank, or too long to be structural
            self.memo.end_run()
            self._text(number, text)
        elif known := self.memo.known(text):
            self._break()
            text, tick = known  # the text kept, not this line's copy of it
            self.tokens.append(TickerLine(number, text, tick))
            self.memo.again(raw, text, tick)
        else:
            self._read(number, raw, text)

    def _read(self, number: int, raw: str, text: str) -> None:
        """A line not known yet: text or structural (a clean ticker line is remembered)."""
        problems = self.report.total
        structural = classify(number, text, self.report)
        if structural is None:
            self.memo.end_run()
            self._text(number, text)
            return
        self._break()
        self.tokens.append(structural)
        if isinstance(structural, TickerLine) and structural.tick and self.report.total == problems:
            self.memo.clean(raw, text, structural.tick)
        else:
            self.memo.end_run()

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


def _unglue(number: int, ticker: str, report: Report) -> TickerLine:
    """The ticker line that lost its line break, reported and read as a line of its own."""
    report.line(number, "no line break before the ticker, split", ticker)
    return TickerLine(number, ticker, read_ticker(number, ticker, report))
