"""Tokens to page drafts: a listing page's header (tickers, date, counter), then its blocks.

A page starts at a ticker, a date line or a results counter once the current page has gone past it
(a second date, a ticker after the articles...). A text block sitting inside the header (between two
ticker lines, or before the date or counter of a page that has no articles yet) is not an article:
it is reported line by line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ._blocks import Block
from ._dates import DateLine
from ._lines import CounterLine, Structural, TickerLine
from ._report import Report
from ._tickers import TickerRun
from ._tokens import Token


@dataclass
class Draft:
    """A page as read, before dates are inherited and articles are paired with their paragraphs.

    Its header (tickers, date, counter) is complete when ``paginate`` hands it on; ``blocks`` then
    reads its blocks from the dump as they come.
    """

    line: int
    date: dt.date | None = None
    date_line: int = 0  # its date line, read or not; 0 for none
    counter: tuple[int, int, int] | None = None
    counter_line: int = 0  # its results counter line, read or not; 0 for none
    ticked: bool = False  # whether it has ticker lines, read or not
    tickers: list[TickerLine | TickerRun] = field(default_factory=list)  # those that read
    blocks: Iterable[Block] = ()

    @property
    def dated(self) -> bool:
        """Whether the page has a date line, read or not."""
        return self.date_line > 0

    @property
    def counted(self) -> bool:
        """Whether the page has a results counter line, read or not."""
        return self.counter_line > 0


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
        if not isinstance(token, TickerLine) or token.tick is not None:
            page.tickers.append(token)
    elif isinstance(token, DateLine):
        page.date, page.date_line = token.date, token.line
        if token.date is not None:
            report.use(token.line)
    else:
        page.counter, page.counter_line = token.counts, token.line
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
