"""One line at a time: is it a ticker line, an edition date, a results counter, or text?

Every pattern is anchored and bounded, so a 50 MB line costs one linear scan at most; lines longer
than a structural line can be are text without trying the patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..models import Direction
from ._dates import DateLine, read_date
from ._report import Report

LONGEST_STRUCTURAL = 200
# What every structural line has but a counter (which opens with "Viewing"): a ticker's slash, a
# date's digits. A line without is text, found at the cost of one search.
_STRUCTURAL_SIGN = re.compile("[/0-9]")
LIST_BULLETS = "•·∙●▪◦‣"  # the bullets of a list (and of the ticker)
_BULLETS = LIST_BULLETS + "*-–"  # and the ASCII ones a scrape may turn them into
_BULLET = f"[{re.escape(_BULLETS)}]"
# A short line that starts like ``• KZT/USD =``, or like ``KZT/USD 0.00191`` and ends in ``%``, or
# with a bulleted pair of currency codes (``• KZT/USD N/A``, however broken): a ticker line, read
# or reported. Titles such as ``US/China: Trade War Looms``, ``UAE/KSA Deal Worth $5bn, Up 3%`` or
# ``Yes/No.`` stay text, and so does a bulleted line of prose (a flattened list in an article:
# ``• KGS/USD fell 3%``, ``• USD/KZT, the pair, rose.``: a lower-case word or a comma after the
# codes, or a full stop at the end). Any white space may follow the bullet (a scrape can keep an
# NBSP there).
_TICKERISH = re.compile("(?:" + _BULLET + r"\s{0,3})?[A-Za-z]{1,8}\s{0,3}/\s{0,3}[A-Za-z]{1,8}\s{0,3}(=?)")
_CODES_AFTER_BULLET = re.compile(_BULLET + r"\s{0,3}[A-Z]{3}\s{0,3}/\s{0,3}[A-Z]{3}\b")
_CODES_AND_FIGURE = re.compile(r"[A-Z]{3}\s{0,3}/\s{0,3}[A-Z]{3}[\s:]{0,4}[0-9.+\-−▲▼↑↓⬆⬇]")
_BULLETED_CODES = re.compile(_CODES_AFTER_BULLET.pattern + r"(?![,;]|\s{1,3}[a-z])")  # not prose
# A results counter, read or reported, has a number right after ``results``, before a dash or after
# ``of``, or ends there (cut short): ``Viewing Results of the 2024 Census`` is a title, ``Viewing
# results one - six of 20`` and ``Viewing results 7`` counters that cannot be read.
_COUNTERISH = re.compile(
    r"viewing\s{1,3}results(?:[\s:]{0,4}(?:[0-9]|$)|\b(?=.*(?:[0-9]\s{0,3}[-–—]|\bof\s{1,3}[0-9])))", re.I
)
LONGEST_TICKER = 100
_GLUED = re.compile(r"•\s{0,3}[A-Z]{3}/[A-Z]{3}\s{0,3}=\s{0,3}[0-9]{1,40}(?:\.[0-9]{1,40})?\s{1,3}\S{1,20}")
_PAIR = re.compile(r"([^\s/=]{1,20})\s*/\s*([^\s/=]{1,20})")
_CODE = re.compile(r"[A-Z]{3}")
_PLAIN_DECIMAL = re.compile(r"[0-9]{1,40}(?:\.[0-9]{1,40})?")
_CHANGE = re.compile(
    r"(?:(▲|▼|↑|↓|⬆|⬇|up|down)\s{0,3})?([+\-−]?)([0-9]{1,20}(?:\.[0-9]{1,20})?)\s{0,3}%", re.I
)
_ARROWS: dict[str, Direction] = {
    "▲": "up",
    "↑": "up",
    "⬆": "up",
    "up": "up",
    "▼": "down",
    "↓": "down",
    "⬇": "down",
    "down": "down",
}

_SIGNS: dict[str, Direction] = {"+": "up", "-": "down", "−": "down"}

_COUNTER = re.compile(
    r"viewing\s{1,3}results\s{1,3}([0-9]{1,9})\s{0,3}[-–—]\s{0,3}([0-9]{1,9})\s{1,3}of\s{1,3}([0-9]{1,9})",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Tick:
    """What a ticker line says: ``1 base = value quote``, changed by ``change`` percent (the quote
    currency being the counter currency, as in ISO 4217 and ``Rate``)."""

    base: str
    quote: str
    value: Decimal
    change: Decimal
    direction: Direction | None
    pair: str  # ``base/quote``, as ``Rate.pair``: read once per text, compared per line


@dataclass(frozen=True, slots=True)
class TickerLine:
    line: int
    text: str
    tick: Tick | None  # None: unreadable (reported)


@dataclass(frozen=True, slots=True)
class CounterLine:
    line: int
    text: str
    counts: tuple[int, int, int] | None


Structural = TickerLine | DateLine | CounterLine


def classify(number: int, text: str, report: Report) -> Structural | None:
    """The structural meaning of a stripped, non-blank line, or None for text (titles, paragraphs)."""
    if text[:1] not in "Vv" and not _STRUCTURAL_SIGN.search(text):
        return None
    if len(text) <= LONGEST_TICKER and _is_tickerish(text):
        return TickerLine(number, text, read_ticker(number, text, report))
    if len(text) > LONGEST_STRUCTURAL:
        return None
    if is_counterish(text):
        return CounterLine(number, text, _read_counter(number, text, report))
    return read_date(number, text, report)


def opens_with_codes(text: str) -> bool:
    """Whether a line opens with a bulleted pair of currency codes (``• USD/KZT``)."""
    return _CODES_AFTER_BULLET.match(text) is not None


def is_counterish(text: str) -> bool:
    """Whether a line reads as a results counter, any white space between its words."""
    return text[:1] in "Vv" and _COUNTERISH.match(text) is not None


def _is_tickerish(text: str) -> bool:
    match = _TICKERISH.match(text)
    if match is None:
        return False
    if match.group(1):
        return True
    if text.endswith("%") and _CODES_AND_FIGURE.match(text):
        return True
    return not text.endswith(".") and _BULLETED_CODES.match(text) is not None


def glued_ticker(text: str) -> int:
    """Where a ticker line starts at the end of a text line (``...peace....• KGS/USD = 0.01149 0%``,
    what ``cat`` makes of dumps without a final newline), or -1."""
    start = text.rfind("•")
    if start <= 0 or len(text) - start > LONGEST_TICKER or not _GLUED.fullmatch(text, start):
        return -1
    return start


def read_ticker(number: int, text: str, report: Report) -> Tick | None:
    """``• KZT/USD = 0.00191 0%``; None (and a problem) for anything it cannot fully read."""
    left, equals, right = text.lstrip(_BULLETS).partition("=")
    pair = _PAIR.fullmatch(left.strip())
    parts = right.split(None, 1)
    change = _CHANGE.fullmatch(parts[1].strip()) if len(parts) == 2 else None
    if not equals or pair is None or change is None:
        report.line(number, "unreadable ticker line", text)
        return None
    base, counter = pair.groups()
    if not (_CODE.fullmatch(base) and _CODE.fullmatch(counter)):
        return _refuse(number, text, "currency code is not three capital letters", report)
    if base == counter:
        return _refuse(number, text, "a currency quoted against itself", report)
    if not _PLAIN_DECIMAL.fullmatch(parts[0]) or not Decimal(parts[0]):
        return _refuse(number, text, "rate is not a plain positive decimal", report)
    arrow, sign, digits = change.groups()
    size = Decimal(digits)
    return Tick(
        base,
        counter,
        Decimal(parts[0]),
        -size if sign in ("-", "−") else size,
        _direction(number, text, arrow, sign, size, report),
        f"{base}/{counter}",
    )


def _refuse(number: int, text: str, why: str, report: Report) -> Tick | None:
    """Report why a well-formed ticker line gives no rate; None, for ``return _refuse(...)``."""
    report.line(number, why, text)
    return None


def _direction(
    number: int, text: str, arrow: str | None, sign: str, size: Decimal, report: Report
) -> Direction | None:
    """An arrow wins; else zero is flat, a sign says up or down, and a bare number says nothing."""
    pointed = _ARROWS.get(arrow.lower()) if arrow else None
    signed = _SIGNS.get(sign)
    if pointed and signed and size and pointed != signed:
        report.line(number, "the change's arrow and sign disagree", text)
        return None
    if pointed:
        return pointed
    return "flat" if not size else signed


def _read_counter(number: int, text: str, report: Report) -> tuple[int, int, int] | None:
    match = _COUNTER.fullmatch(text)
    if match is None:
        report.line(number, "unreadable results counter", text)
        return None
    first, last, total = (int(group) for group in match.groups())
    return first, last, total
