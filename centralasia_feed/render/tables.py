"""One day's rates as a table, in HTML and in plain text: what the rates feeds' items, the landing
page and the rates page show, people's quote first.

A row reads ``KZT/USD | 1 USD = 524 KZT | 1 KZT = 0.00191 USD | -0.52% ▼``: the pair, what people
say (to the ticker's digits, see ``quotes``), the ticker's own quote as written, and its change
since the day before, signed wherever its direction is known. Every value is escaped.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from ..models import Rate, currency_name
from . import quotes, safe

COLUMNS = ("Pair", "Rate", "Ticker", "Change")
EXPLANATION = (
    "Rate: what people say, worked out from the ticker's quote to its significant digits "
    "(a range where it has fewer than three). Ticker: the site's own quote, as written, "
    "and its change since the day before."
)

Cells = tuple[str, str, str, str]


def provenance(name: str, url: str) -> str:
    """Where the rates come from, in a sentence: the site's ticker, never an official rate."""
    return f"From the currency ticker of {name} ({url}), a news site: not an official rate."


def cells(rate: Rate) -> Cells:
    """The plain-text cells of one row, in COLUMNS order."""
    return (_pair_text(rate.pair), quotes.lead(rate), quotes.ticker(rate), _change_text(rate))


def _change_text(rate: Rate) -> str:
    if rate.direction is None:
        return f"{quotes.change(rate)} (direction unknown)"
    return f"{quotes.change(rate)} {quotes.arrow(rate.direction)}"


@functools.lru_cache(maxsize=256)
def _pair_text(pair: str) -> str:
    """Cached: a few pairs recur on every date of a feed."""
    return safe.line(pair)


def table_text(rates: Sequence[Rate], notes: Sequence[str] = ()) -> str:
    """An aligned plain-text table, then the explanation and ``notes``, a paragraph each."""
    rows = [COLUMNS, *(cells(rate) for rate in rates)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    return "\n".join([*lines, "", EXPLANATION, *notes])


HEAD = "".join(f'<th scope="col">{name}</th>' for name in COLUMNS)  # the header row's cells


def table_html(rates: Sequence[Rate], caption: str = EXPLANATION) -> str:
    """A ``<table>`` of rates, captioned (already plain text; it is escaped here)."""
    rows = "\n".join(row_html(rate) for rate in rates)
    return (
        f"<table>\n<caption>{safe.escape(caption)}</caption>\n"
        f"<thead><tr>{HEAD}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>"
    )


def row_html(rate: Rate, *, named: bool = True) -> str:
    """One row, its pair's currencies ``named`` in ``<abbr title>`` tags (the rates page, a row for
    every pair of every day, names them once instead). Codes are escaped; the figures need nothing
    more: ``quotes.number`` writes only digits, commas, a sign and a point, whatever the Decimal."""
    lead, ticker = _said(quotes.lead(rate)), _said(quotes.ticker(rate))
    pair = _pair_html(rate.base, rate.quote) if named else safe.escape(_pair_text(rate.pair))
    return (
        f'<tr><th scope="row">{pair}</th><td>{lead}</td>'
        f"<td>{ticker}</td><td>{quotes.change(rate)} {_direction_html(rate.direction)}</td></tr>"
    )


def _said(quote: str) -> str:
    """``1 USD = 524 KZT`` escaped, breakable only at its equals sign, so that a narrow column
    shows ``1 USD =`` over ``524 KZT`` rather than splitting a figure from its currency."""
    return " = ".join(safe.escape(side).replace(" ", "&nbsp;") for side in quote.split(" = "))


@functools.lru_cache(maxsize=256)
def _pair_html(base: str, quote: str) -> str:
    """``KGS/USD`` with each code's name in an ``<abbr title>``; cached, as a few pairs recur."""
    base_html = f'<abbr title="{safe.escape(currency_name(base))}">{safe.escape(base)}</abbr>'
    return f'{base_html}/<abbr title="{safe.escape(currency_name(quote))}">{safe.escape(quote)}</abbr>'


@functools.lru_cache(maxsize=64)
def _direction_html(direction: str | None) -> str:
    """The arrow, named for those who cannot see it; cached, as a direction is one of a few words."""
    word, arrow = safe.escape(quotes.direction_word(direction)), safe.escape(quotes.arrow(direction))
    return f'<span class="arrow" title="{word}">{arrow}</span>'
