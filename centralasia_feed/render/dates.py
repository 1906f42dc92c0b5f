"""Dates as the documents write them: for people (``5 January 2025``), for RSS (RFC 822), and a
feed's updated time, which comes from its items and never from the clock.

Month and day names come from tables, never from the locale, so every machine writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..config import FeedConfig

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_SHORT_MONTHS = tuple(month[:3] for month in MONTHS)  # Jan, Feb...: RFC 822's
_SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_ZONES: dict[dt.timedelta | None, str] = {}


def long_date(day: dt.date) -> str:
    """``5 January 2025``: no leading zero, the month in words."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def rfc822(when: dt.datetime) -> str:
    """``Sun, 05 Jan 2025 00:00:00 +0500``: feedgen's ``%a, %d %b %Y %H:%M:%S %z`` in the C locale.

    ``%z`` (which may carry seconds for a historical zone) is formatted once per distinct offset.
    """
    offset = when.utcoffset()
    zone = _ZONES.get(offset)
    if zone is None:
        zone = _ZONES[offset] = when.strftime("%z")
    return (
        f"{_SHORT_DAYS[when.weekday()]}, {when.day:02d} {_SHORT_MONTHS[when.month - 1]} {when.year} "
        f"{when.hour:02d}:{when.minute:02d}:{when.second:02d} {zone}"
    )


def feed_updated(times: Sequence[dt.datetime], config: FeedConfig) -> dt.datetime:
    """The newest of the items' updated ``times``; an empty feed gets ``config.id_date``'s first midnight.

    Never the clock: the same items always give the same time. The empty-feed constant is a
    date the id authority already owned (``FeedConfig.id_day``), so it is never in the future.
    """
    if times:
        return max(times)
    return dt.datetime.combine(config.id_day, dt.time(), config.tz)
