"""rates.csv (and ``centralasia-feed rates --csv``): every archived rate, oldest first, a row a rate.

    date,base,quote,value,inverse,change_percent,direction
    2025-01-05,KZT,USD,0.00191,523.560,0,flat
    2025-01-06,KZT,USD,0.00192,520.833,+0.52,up

As RFC 4180 has it: a header row, CRLF line ends, a field quoted only where it must be (a comma,
a quote or a line break in it, which no date, ISO 4217 code, plain decimal or direction holds), so
``csv.DictReader`` and spreadsheets read it as they read any CSV. ASCII alone, with no byte order
mark. Rows are sorted by date, then base, then quote, so the same archive always gives the same
bytes.

The values are the machine-readable ones (``_jsonable.rate_values``): ``value`` exactly as the
ticker wrote it; ``change_percent`` signed by its direction (``+0.52``, ``-0.52``, ``0``; unsigned,
``0.44``, only where the direction is unknown); ``direction`` ``up``, ``down``, ``flat`` or empty where
unknown. ``inverse`` is ``1 / value`` to six significant digits (``Rate.inverse``), a computation
for arithmetic that knows no more than ``value`` does: 0.00008's is 12500, which stands for
anything from 11,765 to 13,333. Empty where there is none.

A daily build does not write every row anew: the rows dated before any its dumps could change are
the bytes the last build wrote (``kept_rows``), and only the later ones are rendered, so that its
cost follows the new days, not the years of history.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Iterable, Iterator

from .._chars import clean
from ..models import Rate
from . import quotes

HEADER = ("date", "base", "quote", "value", "inverse", "change_percent", "direction")
NEWLINE = "\r\n"
BATCH = 1024  # rows a piece of the file holds: about 45 KB
_HEADER_LINE = (",".join(HEADER) + NEWLINE).encode("ascii")


def render_rates_csv(rates: Iterable[Rate]) -> bytes:
    """The header, then a row for each of ``rates``, sorted by date, base and quote."""
    return b"".join(csv_pieces(sorted(rates, key=lambda rate: (rate.date, rate.base, rate.quote))))


def csv_pieces(rates: Iterable[Rate], kept: bytes = b"") -> Iterator[bytes]:
    """The header (or ``kept``: the header and older rows as ``kept_rows`` found them), then a row
    for each of ``rates``, which come sorted by date, base and quote. In pieces, ``BATCH`` rows at
    a time as the rates come, so that a history of any length is never held whole."""
    yield kept or _HEADER_LINE
    rates = iter(rates)
    while batch := list(itertools.islice(rates, BATCH)):
        text = io.StringIO()
        csv.writer(text, lineterminator=NEWLINE).writerows(_row(rate) for rate in batch)
        yield text.getvalue().encode("utf-8")


def _row(rate: Rate) -> tuple[str, ...]:
    inverse = quotes.inverse(rate)
    return (
        rate.date.isoformat(),
        clean(rate.base),
        clean(rate.quote),
        format(rate.value, "f"),
        "" if inverse is None else format(inverse, "f"),
        rate.signed_change,
        rate.direction or "",
    )


def kept_rows(old: bytes | None, before: dt.date) -> bytes | None:
    """The header and the rows of an earlier CSV ``old`` dated before ``before``, as it wrote them;
    None when ``old`` is no CSV of this form, so that it cannot be trusted to hold them.

    Rows stand oldest first, so they are a head of the old file, found from its end: a daily build
    looks at its newest rows alone, however long the file."""
    if old is None or not old.startswith(_HEADER_LINE) or not old.endswith(b"\n"):
        return None
    mark = before.isoformat().encode()
    end = len(old)
    while end > len(_HEADER_LINE):
        start = old.rfind(b"\n", 0, end - 1) + 1
        if old[start : start + 10] < mark:
            return old[:end]
        end = start
    return old[:end]
