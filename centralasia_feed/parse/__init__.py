"""Dumps in, typed values out: ``parse_dump(data) -> Dump``, losing nothing.

    >>> dump = parse_dump(open("seeds/000_caa332ea3062df9c.txt", "rb").read(), source="seed")
    >>> dump.pages[0].date, len(dump.articles), [str(rate.value) for rate in dump.rates][:2]
    (datetime.date(2025, 1, 5), 6, ['0.01149', '0.00191'])

Every non-blank line of the input ends up in a returned value or in a Problem (``source:line:
message``); problems of one kind past the first few are grouped into one (see ``_report``), so a
dump of junk costs memory in proportion to its size. ``strict=True`` raises DumpError at the first
problem instead. The stages, each in its own module: ``_decode`` (bytes to text to lines), ``_lines``
(what each line is), ``_pages`` (lines to page drafts), ``_assemble`` (drafts to Pages), with
``_shortcodes`` and ``_slug`` for article text and ``_tickers`` for the ticker block every page
repeats (read once, then recognised whole). The stages stream: lines are split a chunk at a time,
and a page's blocks are paired as they are read, so no stage holds an object for every line.
"""

from __future__ import annotations

from .._gc import paused
from ..errors import DumpError
from ..models import Dump, Page
from ._assemble import Assembler
from ._decode import NotUtf8, decode, lines
from ._pages import paginate, tokenize
from ._report import Report
from ._slug import slugify

__all__ = ["parse_dump", "slugify"]

DEFAULT_SOURCE = "<dump>"


def parse_dump(data: str | bytes, *, source: str | None = None, strict: bool = False) -> Dump:
    """Parse one dump (text or bytes in any encoding we read); problems are collected, not raised.

    Raises DumpError for input that is not a dump at all (binary, or no article and no rate), and in
    ``strict`` mode for the first problem, with its line.
    """
    return _read(data, source, strict, Report(DEFAULT_SOURCE if source is None else source))[0]


def _parse(
    data: str | bytes, *, source: str | None = None, strict: bool = False
) -> tuple[Dump, frozenset[int]]:
    """``parse_dump``, plus the numbers of the lines its values were made from (for the tests)."""
    report = Report(DEFAULT_SOURCE if source is None else source, track=True)
    dump, report = _read(data, source, strict, report)
    return dump, frozenset(report.used)


def _read(data: str | bytes, source: str | None, strict: bool, report: Report) -> tuple[Dump, Report]:
    """The parse, with the cyclic garbage collector paused (see ``_gc``)."""
    with paused():
        return _stages(data, strict, report)


def _stages(data: str | bytes, strict: bool, report: Report) -> tuple[Dump, Report]:
    try:
        pages = _read_pages(data, report, utf8=True)
    except NotUtf8:  # seen only once the bytes at fault are read: start again
        report.restart()
        pages = _read_pages(data, report, utf8=False)
    dump = Dump(report.source, pages, report.sorted_problems())
    if strict and dump.problems:
        first = dump.problems[0]
        raise DumpError(first.message, source=first.source, line=first.line)
    if not dump.articles and not dump.rates:
        raise DumpError(_nothing(dump, report.total), source=report.source, line=_first_line(dump))
    return dump, report


def _read_pages(data: str | bytes, report: Report, *, utf8: bool) -> tuple[Page, ...]:
    pieces, printable = decode(data, report, utf8=utf8)
    assembler = Assembler(report, printable)
    drafts = paginate(tokenize(lines(pieces, report, printable), report), report)
    pages = [assembler.page(draft) for draft in drafts]
    assembler.finish(pages)
    return tuple(pages)


def _nothing(dump: Dump, total: int) -> str:
    """Why a dump is refused, with its first problem, which is often the cause (a date that
    cannot be read leaves every article under it undated); ``total`` counts grouped ones too."""
    if not dump.problems:
        return "no articles or rates"
    first = dump.problems[0].message
    return f"no articles or rates ({total:,} problem{'s' if total > 1 else ''}; the first: {first})"


def _first_line(dump: Dump) -> int:
    return dump.problems[0].line if dump.problems else 0
