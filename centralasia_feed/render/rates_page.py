"""The rates page, rates.html: every archived day, newest first, under one chart per pair.

The items of the rates feeds link their day here (``rates.html#2025-01-07``): one table of every
day, people's quote first (see ``tables``), each day a ``<tbody>`` whose id is its date, which the
browser scrolls to and highlights. Same rules as the landing page (see ``html``): no script,
inline style, inline SVG.

It is the one page of the folder that grows with the history, by about 0.36 MB a year of five
pairs (13 KB gzipped, as served). A daily build does not render it whole: the days older than any
its dumps could change are the same bytes as in the page the last build wrote, so they are copied
from it (``kept_days``) and only the newer days are rendered. Where the old page cannot be trusted
to hold them (no page, another format), everything is rendered.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence

from ..config import FeedConfig
from ..models import Rate
from . import chart, html, safe, tables
from .dates import long_date
from .rates import RATES_CSV, by_date

DAYS_START = "<!-- days, newest first: format 1 -->"
DAYS_END = "<!-- end of days -->"
DAY_MARK = b'\n<tbody id="'  # where each day starts: the page holds as many days as these
_START, _END = f"\n{DAYS_START}\n".encode(), f"\n{DAYS_END}\n".encode()
BATCH = 64 * 1024  # about the bytes of days a piece of the page holds
_HOLE = b"\x00days\x00"  # where the days go into the page: a NUL, which no escaped text holds


def render_rates_page(
    rates: Sequence[Rate], config: FeedConfig, *, history: Mapping[str, Sequence[Rate]] | None = None
) -> bytes:
    """The whole page: every day of ``rates``; ``history`` maps a pair to its rates, oldest first,
    for the charts and the pairs' own feeds."""
    history = history or {}
    pieces = page_pieces(by_date(rates), b"", config, html.pairs_of(history), chart.figures(history))
    return b"".join(pieces)


def page_pieces(
    days: Iterable[tuple[dt.date, Sequence[Rate]]],
    kept: bytes,
    config: FeedConfig,
    pairs: Sequence[tuple[str, str]],
    charts: str,
) -> Iterator[bytes]:
    """The page of ``days`` (newest first, each its rates by pair, as ``by_date`` or ``days_of``
    give them), then ``kept``: the older days as an earlier page wrote them (``kept_days``), copied
    as bytes; the pairs whose feeds it offers, and its ``charts`` already drawn (``chart.figures``),
    which the landing page shows too. In pieces, the days rendered as they come, a batch of about
    ``BATCH`` bytes at a time, so that a history of any length is never held whole."""
    days = iter(days)
    first = next(days, None)
    before, after = _frame(first is not None or bool(kept), config, pairs, charts)
    yield before
    if first is not None:
        yield from _batches(day_html(day, rates) for day, rates in itertools.chain([first], days))
    if kept:
        yield kept
    yield after


def _frame(
    any_days: bool, config: FeedConfig, pairs: Sequence[tuple[str, str]], charts: str
) -> tuple[bytes, bytes]:
    """The page before its days and after them."""
    offered = html.feeds(config, pairs)
    title = f"Exchange rates: {safe.line(config.title)}"
    source = tables.provenance(config.author, config.source_url)
    head = html.head(config, title, offered, f"Every day's exchange rates. {source}")
    body = [
        "<header>",
        f"<h1>Exchange rates</h1>\n<p>{safe.escape(source)}</p>",
        f'<p><a href="index.html">{safe.escape(safe.line(config.title))}</a> · <a href="{RATES_CSV}" '
        'type="text/csv">all rates as CSV</a> · <a href="#subscribe">feeds</a></p>',
        "</header>",
        "<main>",
        html.section("charts", "History", charts) if charts else "",
        html.section("days", "Day by day", _days_table(any_days)),
        html.section("subscribe", "Subscribe", html.feed_list(offered)),
        "</main>",
    ]
    page = html.document(config, head, [part for part in body if part])
    before, _, after = page.partition(_HOLE)
    return before, after


def _batches(texts: Iterable[str]) -> Iterator[bytes]:
    """The texts encoded, joined into pieces of about ``BATCH`` bytes (a day is about 1 KB)."""
    batch: list[str] = []
    size = 0
    for text in texts:
        batch.append(text)
        size += len(text)
        if size >= BATCH:
            yield "".join(batch).encode("utf-8")
            batch, size = [], 0
    if batch:
        yield "".join(batch).encode("utf-8")


def _days_table(any_days: bool) -> str:
    if not any_days:
        return "<p>No exchange rates yet.</p>"
    return (
        f'<div class="scroll">\n<table class="days">\n<caption>{safe.escape(tables.EXPLANATION)}</caption>\n'
        f"<thead><tr>{tables.HEAD}</tr></thead>\n{DAYS_START}{_HOLE.decode()}\n{DAYS_END}\n</table>\n</div>"
    )


def day_html(day: dt.date, rates: Sequence[Rate]) -> str:
    """One day: a ``<tbody>`` named by its date, a heading row linking to itself, a row a pair;
    it starts with a newline, so that days stand one after another on lines of their own."""
    iso = day.isoformat()
    rows = "\n".join(tables.row_html(rate, named=False) for rate in rates)
    link = f'<a href="#{iso}">{long_date(day)}</a>'
    heading = f'<tr><th colspan="{len(tables.COLUMNS)}" scope="rowgroup">{link}</th></tr>'
    return f'\n<tbody id="{iso}">\n{heading}\n{rows}\n</tbody>'


def kept_days(old: bytes | None, before: dt.date) -> bytes | None:
    """The days of an earlier page ``old`` dated before ``before``, as it wrote them; None when
    ``old`` is no page of this format, so that it cannot be trusted to hold them.

    Days stand newest first, so they are a tail of the old page's days: a daily build looks at its
    newest days alone, however long the page."""
    if old is None:
        return None
    start, end = old.find(_START), old.rfind(_END)
    if start < 0 or end < start or old.find(_START, start + 1) >= 0:
        return None
    position = start + len(_START) - 1  # at the newline before the first day
    mark = before.isoformat().encode()
    while position < end:
        if not old.startswith(DAY_MARK, position):
            return None
        if old[position + len(DAY_MARK) : position + len(DAY_MARK) + 10] < mark:
            return old[position:end]
        following = old.find(DAY_MARK, position + 1, end)
        position = end if following < 0 else following
    return b""
