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


@dataclass
class Block:
    """Consecutive non-blank text lines: a title, or a paragraph the scrape may have wrapped."""

    lines: list[tuple[int, str]] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.lines[0][0]

    @property
    def text(self) -> str:
        return " ".join(text for _, text in self.lines)


Token = Structural | Block


@dataclass
class Draft:
    """A page as read, before dates are inherited and articles are paired with their paragraphs."""

    line: int
    date: dt.date | None = None
    dated: bool = False
    counted: bool = False
    counter: tuple[int, int, int] | None = None
    counter_line: int = 0
    tickers: list[TickerLine] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


def tokenize(lines: list[str], report: Report) -> list[Token]:
    """Structural lines as they are; runs of text lines as blocks; blank lines end a block.

    A ticker line read without a problem is remembered by its text: the ticker repeats its few
    quotes dozens of times a page, and a repeat then costs a dictionary lookup.
    """
    tokens: list[Token] = []
    block: Block | None = None
    quotes: dict[str, Quote] = {}
    for number, raw in enumerate(lines, 1):
        text = raw.strip()
        if not text:
            block = None
            continue
        if (known := quotes.get(text)) is not None:
            block = None
            tokens.append(TickerLine(number, text, known))
            continue
        problems = len(report.problems)
        structural = classify(number, text, report)
        if structural is not None:
            block = None
            tokens.append(structural)
            if isinstance(structural, TickerLine) and structural.quote and len(report.problems) == problems:
                quotes[text] = structural.quote
            continue
        glued = glued_ticker(text)
        if block is None:
            block = Block()
            tokens.append(block)
        block.lines.append((number, text[:glued].rstrip() if glued > 0 else text))
        if glued > 0:
            block = None
            tokens.append(_unglue(number, text[glued:], report))
    return tokens


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
    if isinstance(token, TickerLine):
        return page.dated or page.counted or bool(page.blocks)
    if isinstance(token, DateLine):
        return page.dated or bool(page.blocks)
    if isinstance(token, CounterLine):
        return page.counted or bool(page.blocks)
    return False


def _add_structural(page: Draft, token: Structural, report: Report) -> None:
    if isinstance(token, TickerLine):
        page.tickers.append(token)
    elif isinstance(token, DateLine):
        page.dated, page.date = True, token.date
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
    if isinstance(previous, TickerLine) and isinstance(following, TickerLine):
        return "unexpected line in the ticker"
    if isinstance(following, DateLine) and not page.dated:
        return "unexpected line before the edition date"
    if isinstance(following, CounterLine) and not page.counted:
        return "unexpected line before the results counter"
    return None
