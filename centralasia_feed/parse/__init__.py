"""Dumps in, typed values out: ``parse_dump(data) -> Dump``, losing nothing.

    >>> dump = parse_dump(open("seeds/000_caa332ea3062df9c.txt", "rb").read(), source="seed")
    >>> dump.pages[0].date, len(dump.articles), [str(rate.value) for rate in dump.rates][:2]
    (datetime.date(2025, 1, 5), 6, ['0.01149', '0.00191'])

Every non-blank line of the input ends up in a returned value or in a Problem (``source:line:
message``); ``strict=True`` raises DumpError at the first problem instead. The stages, each in its own
module: ``_decode`` (bytes to lines), ``_lines`` (what each line is), ``_pages`` (lines to page
drafts), ``_assemble`` (drafts to Pages), with ``_shortcodes`` and ``_slug`` for article text and
``_tickers`` for the ticker block every page repeats (read once, then recognised whole).
"""

from __future__ import annotations

from .._gc import paused
from ..errors import DumpError
from ..models import Dump
from ._assemble import Assembler
from ._decode import decode
from ._json import dump_to_dict, rate_to_dict
from ._pages import paginate, tokenize
from ._report import Report
from ._slug import slugify

__all__ = ["dump_to_dict", "parse_dump", "rate_to_dict", "slugify"]

DEFAULT_SOURCE = "<dump>"


def parse_dump(data: str | bytes, *, source: str | None = None, strict: bool = False) -> Dump:
    """Parse one dump (text or bytes in any encoding we read); problems are collected, not raised.

    Raises DumpError for input that is not a dump at all (binary, or no article and no rate), and in
    ``strict`` mode for the first problem, with its line.
    """
    return _read(data, source, strict)[0]


def _parse(
    data: str | bytes, *, source: str | None = None, strict: bool = False
) -> tuple[Dump, frozenset[int]]:
    """``parse_dump``, plus the numbers of the lines its values were made from (for the tests)."""
    dump, report = _read(data, source, strict)
    return dump, frozenset(report.used)


def _read(data: str | bytes, source: str | None, strict: bool) -> tuple[Dump, Report]:
    """The parse, with the cyclic garbage collector paused (see ``_gc``)."""
    with paused():
        return _stages(data, source, strict)


def _stages(data: str | bytes, source: str | None, strict: bool) -> tuple[Dump, Report]:
    report = Report(DEFAULT_SOURCE if source is None else source)
    lines, printable = decode(data, report)
    assembler = Assembler(report, _last_nonblank(lines), printable)
    pages = tuple(assembler.page(draft) for draft in paginate(tokenize(lines, report), report))
    dump = Dump(report.source, pages, report.sorted_problems())
    if strict and dump.problems:
        first = dump.problems[0]
        raise DumpError(first.message, source=first.source, line=first.line)
    if not dump.articles and not dump.rates:
        raise DumpError(_nothing(dump), source=report.source, line=_first_line(dump))
    return dump, report


def _nothing(dump: Dump) -> str:
    """Why a dump is refused, with its first problem, which is often the cause (a date that
    cannot be read leaves every article under it undated)."""
    if not dump.problems:
        return "no articles or rates"
    count, first = len(dump.problems), dump.problems[0].message
    return f"no articles or rates ({count} problem{'s' if count > 1 else ''}; the first: {first})"


def _last_nonblank(lines: list[str]) -> int:
    return next((number for number in range(len(lines), 0, -1) if lines[number - 1].strip()), 0)


def _first_line(dump: Dump) -> int:
    return dump.problems[0].line if dump.problems else 0
