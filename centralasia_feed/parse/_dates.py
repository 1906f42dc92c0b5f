"""An edition's date line: read in one of three unambiguous forms, or refused, never guessed.

``05 January 2025``, ``January 5, 2025`` and ``2025-01-05``, a weekday before them or not. A
numeric day and month (``01/05/2025``) are refused as ambiguous, and so are dates no edition can
have. dateutil's parser is not used: it guesses the order of ``01/05/2025``, fills in a missing
day or year, reads the year ``0001`` as 2001, ignores a weekday that does not match, and does not
know ``Thurs``, where a dump's date line must be read exactly or said to be unusable.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ._report import Report

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ),
        1,
    )
    for name in names.split()
}
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            "mon monday",
            "tue tues tuesday",
            "wed wednesday",
            "thu thur thurs thursday",
            "fri friday",
            "sat saturday",
            "sun sunday",
        )
    )
    for name in names.split()
}
_WEEKDAY = re.compile(r"([A-Za-z]{3,9})\.?,?\s{1,3}")
_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})\s{1,3}([A-Za-z]{3,9})\.?,?\s{1,3}([0-9]{4})")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]{3,9})\.?\s{1,3}([0-9]{1,2}),?\s{1,3}([0-9]{4})")
_YEAR_MONTH_DAY = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})")
_AMBIGUOUS = re.compile(r"[0-9]{1,2}([-/.])[0-9]{1,2}\1[0-9]{2,4}")
# No date pattern matches more: a weekday (9 letters, ``.``, ``,``, 3 spaces) before a day, month
# and year (2 digits, 3 spaces, 9 letters, ``.``, ``,``, 3 spaces, 4 digits). Titles are longer.
LONGEST_DATE = (9 + 1 + 1 + 3) + (2 + 3 + 9 + 1 + 1 + 3 + 4)
# Edition dates a news site can have: before 1990 the W3C validator calls a feed date implausible,
# and years near 1 or 9999 overflow once a time zone and a listing position are applied.
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2199, 12, 31)


@dataclass(frozen=True, slots=True)
class DateLine:
    line: int
    text: str
    date: dt.date | None  # None: a date line that cannot be used (and says why)


def read_date(number: int, text: str, report: Report) -> DateLine | None:
    """The date line ``text`` is (its date None if it cannot be used, which is reported), or None
    for a line that is no date line."""
    if len(text) > LONGEST_DATE:
        return None
    if _AMBIGUOUS.fullmatch(text):
        return _unusable(number, text, "ambiguous date, day and month order unknown", report)
    weekday, rest = _weekday(text)
    parts = _date_parts(rest)
    if parts is None:
        return None
    try:
        date = dt.date(*parts)
    except ValueError:
        return _unusable(number, text, "no such date", report)
    if not EARLIEST <= date <= LATEST:
        return _unusable(number, text, f"edition date outside {EARLIEST.year}-{LATEST.year}", report)
    if weekday is not None and weekday != date.weekday():
        report.line(number, "the weekday does not match the date", text)
    return DateLine(number, text, date)


def _unusable(number: int, text: str, why: str, report: Report) -> DateLine:
    report.line(number, why, text)
    return DateLine(number, text, None)


def _weekday(text: str) -> tuple[int | None, str]:
    """The weekday a line opens with (``Monday, ``), if any, and the rest of the line."""
    match = _WEEKDAY.match(text)
    weekday = _WEEKDAYS.get(match.group(1).lower()) if match else None
    if match is None or weekday is None:
        return None, text
    return weekday, text[match.end() :]


def _date_parts(text: str) -> tuple[int, int, int] | None:
    """Year, month and day, if ``text`` is a date in one of the three forms."""
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = match.groups()
    elif match := _MONTH_DAY_YEAR.fullmatch(text):
        month, day, year = match.groups()
    elif match := _YEAR_MONTH_DAY.fullmatch(text):
        return int(match.group(1)), int(match.group(3)), int(match.group(4))
    else:
        return None
    if month.lower() not in _MONTHS:
        return None
    return int(year), _MONTHS[month.lower()], int(day)
