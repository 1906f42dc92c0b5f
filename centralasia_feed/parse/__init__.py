"""Dumps in, typed values out: ``parse_dump(data) -> Dump``, losing nothing.

    >>> dump = parse_dump(open("seeds/000_caa332ea3062df9c.txt", "rb").read(), source="seed")
    >>> dump.pages[0].date, len(dump.articles), [str(rate.value) for rate in dump.rates][:2]
    (datetime.date(2025, 1, 5), 6, ['0.01149', '0.00191'])

Every non-blank line of the input ends up in a returned value or in a Problem (``source:line:
message``); problems of one kind past the first few are grouped into one (see ``_report``), so a
dump of junk costs memory in proportion to its size. ``strict=True`` raises DumpError for the
first problem in line order, once the whole dump is read.

The stages, each in its own module, in the order the data flows: ``_decode`` (bytes to text to
lines), ``_tokens`` (lines to tokens: structural lines, as ``_lines`` and ``_dates`` read them,
``_blocks`` of text, and the ticker every page repeats, read once, then recognised whole:
``_tickers``), ``_drafts`` (tokens to page drafts), ``_assemble`` (drafts to Pages: ``_editions``
date them, ``_pairing`` pairs titles with paragraphs, ``_articles`` makes articles, with
``_shortcodes``, ``_spaces`` and ``_slug``, ``_repeats`` keeps one per slug and ``_rates`` one
rate per pair). The stages stream: lines are split a chunk at a time, and a page's blocks are
paired as they are read, so no stage holds an object for every line.
"""

from __future__ import annotations

from .._gc import paused
from ..errors import DumpError
from ..models import Dump, Page
from ._assemble import assemble
from ._decode import NotUtf8, decode
from ._drafts import paginate
from ._report import Report
from ._slug import slugify
from ._tokens import tokenize

__all__ = ["parse_dump", "slugify"]

DEFAULT_SOURCE = "<dump>"


def parse_dump(data: str | bytes, *, source: str | None = None, strict: bool = False) -> Dump:
    """Parse one dump (text or bytes in any encoding we read); problems are collected, not raised.

    Raises DumpError for input that is not a dump at all (binary, or no article and no rate), and in
    ``strict`` mode for the first problem, with its line.
    """
    return parse_into(data, Report(DEFAULT_SOURCE if source is None else source), strict=strict)


def parse_into(data: str | bytes, report: Report, *, strict: bool = False) -> Dump:
    """``parse_dump``, its problems met in ``report`` (which names the source), with the cyclic
    garbage collector paused (see ``_gc``)."""
    with paused():
        try:
            pages = _pages(data, report, utf8=True)
        except NotUtf8:  # seen only once the bytes at fault are read: start again
            report.restart()
            pages = _pages(data, report, utf8=False)
        dump = Dump(report.source, pages, report.sorted_problems())
        if strict and dump.problems:
            first = dump.problems[0]
            raise DumpError(first.message, source=first.source, line=first.line)
        if not dump.articles and not dump.rates:
            raise DumpError(_nothing(dump, report.total), source=report.source, line=_first_line(dump))
        return dump


def _pages(data: str | bytes, report: Report, *, utf8: bool) -> tuple[Page, ...]:
    lines, printable = decode(data, report, utf8=utf8)
    return assemble(paginate(tokenize(lines, report), report), report, printable)


def _nothing(dump: Dump, total: int) -> str:
    """Why a dump is refused, with its first problem, which is often the cause (a date that
    cannot be read leaves every article under it undated); ``total`` counts grouped ones too."""
    if not dump.problems:
        return "no articles or rates"
    first = dump.problems[0].message
    return f"no articles or rates ({total:,} problem{'s' if total > 1 else ''}; the first: {first})"


def _first_line(dump: Dump) -> int:
    return dump.problems[0].line if dump.problems else 0
