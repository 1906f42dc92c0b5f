"""Frozen values: what a dump says (Article, Rate, Page, Dump, Problem) and what publishing adds
(Entry, and EntryRow, an entry as the archive reads it back for rendering).

What the parser produces is kept apart from what the archive adds: an ``Article`` is the dump's text
and where it stood on the listing; an ``Entry`` is an article as published, with the edition it first
appeared in and the edition its current text first appeared in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Context, Decimal
from typing import Literal, NamedTuple

Direction = Literal["up", "down", "flat"]

CURRENCY_NAMES: dict[str, str] = {
    "CNY": "Chinese yuan",
    "EUR": "euro",
    "KGS": "Kyrgyzstani som",
    "KZT": "Kazakhstani tenge",
    "RUB": "Russian ruble",
    "TJS": "Tajikistani somoni",
    "TMT": "Turkmenistani manat",
    "USD": "US dollar",
    "UZS": "Uzbekistani sum",
}

_SIX_DIGITS = Context(prec=6)
KEPT_PER_KIND = 10  # problems of one kind given one by one before the rest are grouped
MAX_RANK_SECONDS = 3_599  # ranks past this share the edition's first second, so no item leaves its first hour


def _whole(number: Decimal) -> Decimal:
    """A Decimal with a positive exponent (1.25E+4) as the whole number it is (12500)."""
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return number.quantize(Decimal(1), context=Context(prec=number.adjusted() + 1))
    return number


def inverse_range(value: Decimal) -> tuple[Decimal, Decimal]:
    """``Rate.inverse_range`` of a value as written, for a figure that is no rate yet."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or value <= 0:
        raise ArithmeticError(f"{value} has no inverse range")
    half = Decimal(5).scaleb(exponent - 1)  # half a unit in the last written place
    one = Decimal(1)
    return _whole(_SIX_DIGITS.divide(one, value + half)), _whole(_SIX_DIGITS.divide(one, value - half))


def currency_name(code: str) -> str:
    """The English name of an ISO 4217 code, or the code itself when we do not know it."""
    return CURRENCY_NAMES.get(code, code)


@dataclass(frozen=True, slots=True)
class Problem:
    """A line of a dump that could not be used, or was used with a caveat; or a group of such lines.

    Problems of one kind that repeat are grouped, so that junk costs memory in proportion to its
    size, not to its lines: the first few of a kind come one by one, then one problem stands for
    the rest, ``count`` lines from ``line`` to ``last_line`` (its message says "and N more lines
    like this (lines a-b)"). ``kind`` is the message without what is particular to one line (the
    quoted text, a line number); it defaults to the message. A single problem has ``count`` 1 and
    ``last_line`` equal to ``line``.
    """

    source: str
    line: int
    message: str
    text: str = ""
    count: int = 1
    last_line: int = 0
    kind: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.last_line:
            object.__setattr__(self, "last_line", self.line)
        if not self.kind:
            object.__setattr__(self, "kind", self.message)

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"

    @classmethod
    def group(cls, kind: str, count: int, first: tuple[str, int], last: tuple[str, int]) -> Problem:
        """The problem that stands for ``count`` lines of ``kind``, the first and last of them at
        ``first`` and ``last`` (source and line): ``kind: and N more lines like this (lines a-b)``,
        or ``(from a.txt:3 to b.txt:9)`` across dumps."""
        (source, line), (last_source, last_line) = first, last
        if source != last_source:
            where = f"from {source}:{line} to {last_source}:{last_line}"
        else:
            where = f"line {line}" if line == last_line else f"lines {line}-{last_line}"
        more = f"{count:,} more line{'s' if count > 1 else ''}"
        return cls(source, line, f"{kind}: and {more} like this ({where})", "", count, last_line, kind)


@dataclass(frozen=True, slots=True)
class Figure:
    """An image caption the site left as a ``[caption ...]...[/caption]`` shortcode."""

    caption: str
    attachment_id: int | None = None
    width: int | None = None
    align: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """One article as the listing page shows it.

    ``position`` is its rank on the edition's listing (0 is the top, the newest); with
    ``date`` it orders articles and derives their times. ``source`` and ``line`` say where it
    was read and take no part in equality.
    """

    title: str
    summary: str
    date: dt.date
    slug: str
    truncated: bool = False
    figures: tuple[Figure, ...] = ()
    position: int = 0
    source: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Rate:
    """``1 base = value quote`` on ``date``, as the site's ticker quoted it.

    ``direction`` is None where the dump gives no sign (``0.44%``); the archive may fill it
    from history. ``change_percent`` keeps the sign and digits as written; ``signed_change`` is
    the change as every output shows it, signed wherever the direction is known.
    """

    base: str
    quote: str
    value: Decimal
    change_percent: Decimal
    direction: Direction | None
    date: dt.date
    source: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    @property
    def pair(self) -> str:
        return f"{self.base}/{self.quote}"

    @property
    def inverse(self) -> Decimal:
        """How much base one unit of quote buys, ``1 / value`` to six significant digits, for
        arithmetic: it knows no more than ``value`` does, whose digits may be fewer (0.00008 has
        one, so the true inverse is anywhere in ``inverse_range``). A large one is a whole number
        (12500, not 1.25E+4); write it with ``format(inverse, "f")`` for plain digits."""
        return _whole(_SIX_DIGITS.divide(Decimal(1), self.value))

    @property
    def significant_digits(self) -> int:
        """The significant digits of ``value`` as the ticker wrote it: 3 for 0.00191, 4 for 0.01150."""
        return len(self.value.as_tuple().digits)

    @property
    def inverse_range(self) -> tuple[Decimal, Decimal]:
        """The least and greatest inverse the written ``value`` allows, each to six significant
        digits: 0.00008 is anything from 0.000075 to 0.000085, so 1 / value lies from 11764.7 to
        13333.3. ArithmeticError for a value of zero."""
        try:
            return inverse_range(self.value)
        except ArithmeticError as error:
            raise ArithmeticError(f"{self.pair} {error}") from None

    @property
    def signed_change(self) -> str:
        """The change in percent, signed by its direction: ``+0.52`` up, ``-0.52`` down, ``0`` flat;
        as the ticker wrote it (``0.44``, no sign to give) where the direction is unknown.

        One rule for every output, whether the sign came from the ticker or from history;
        ``change_percent`` keeps what the ticker wrote."""
        size = format(abs(self.change_percent), "f")
        if self.direction == "up":
            return f"+{size}"
        if self.direction == "down":
            return f"-{size}"
        return size if self.direction == "flat" else format(self.change_percent, "f")

    @property
    def base_name(self) -> str:
        return currency_name(self.base)

    @property
    def quote_name(self) -> str:
        return currency_name(self.quote)


@dataclass(frozen=True, slots=True)
class Page:
    """One listing page: its edition date, articles, ticker rates and results counter.

    ``line`` is where the page starts; ``date_line`` is the line its date was read from, 0 when
    the page has no usable date line of its own (it continues the page before).
    """

    date: dt.date | None
    articles: tuple[Article, ...] = ()
    rates: tuple[Rate, ...] = ()
    first: int | None = None
    last: int | None = None
    total: int | None = None
    line: int = field(default=0, compare=False)
    date_line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Dump:
    """A parsed dump: its pages and every problem met reading it."""

    source: str
    pages: tuple[Page, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(article for page in self.pages for article in page.articles)

    @property
    def rates(self) -> tuple[Rate, ...]:
        """One rate per pair and date; where pages repeat a pair, the first is kept."""
        seen: dict[tuple[str, dt.date], Rate] = {}
        for page in self.pages:
            for rate in page.rates:
                seen.setdefault((rate.pair, rate.date), rate)
        return tuple(seen.values())


@dataclass(frozen=True)
class Stamp:
    """Where an item stood: an edition date and a rank on that edition's listing.

    Its time lies in the edition's first hour in the feed's zone: the top of the listing (rank 0,
    the newest) at 00:59:59, each rank below it one second earlier, and ranks past
    ``MAX_RANK_SECONDS`` (a listing deep in the site's archive, a hostile results counter) sharing
    00:00:00. So items of one edition keep page order, and every reader in the feed's zone shows
    each item on its edition's date, as Hugo and Jekyll date a date-only post.
    """

    date: dt.date
    position: int = 0

    def time(self, tz: dt.tzinfo) -> dt.datetime:
        return self.time_from(self.midnight(tz), tz)

    def midnight(self, tz: dt.tzinfo) -> dt.datetime:
        """The edition's first instant in ``tz``, in UTC: the same for every stamp of the edition.

        Of the two readings of a midnight a clock change makes twice (the clock goes back from
        00:00 to 23:00), the later, after which the day is the edition's for good; a midnight it
        skips reads as the first instant after the gap."""
        first = dt.datetime.combine(self.date, dt.time(), tz)
        return max(first.astimezone(dt.UTC), first.replace(fold=1).astimezone(dt.UTC))

    def time_from(self, midnight: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
        """``time(tz)`` given the edition's ``midnight(tz)``, which a feed works out once per edition.

        The seconds are counted from the day's first instant, not read off a wall clock, so a
        clock change in the first hour keeps items a second apart and on their day."""
        return rank_time(midnight, self.position, tz)


def rank_time(midnight: dt.datetime, position: int, tz: dt.tzinfo) -> dt.datetime:
    """The time of rank ``position`` on the edition whose first instant is ``midnight`` (see ``Stamp``)."""
    later = MAX_RANK_SECONDS - min(max(position, 0), MAX_RANK_SECONDS)
    return (midnight + dt.timedelta(seconds=later)).astimezone(tz)


@dataclass(frozen=True)
class Entry:
    """An article as published: its current text, when it first appeared, when its text last changed."""

    article: Article
    published: Stamp
    updated: Stamp

    @classmethod
    def first_seen(cls, article: Article) -> Entry:
        """An entry for an article with no history: published and updated where it stands."""
        stamp = Stamp(article.date, article.position)
        return cls(article, stamp, stamp)

    @property
    def slug(self) -> str:
        return self.article.slug


class EntryRow(NamedTuple):
    """An entry as the archive reads it back for rendering: what an ``Entry`` says, with no object
    made for it (a tuple; stamps as ISO dates and ranks), so a backfill's archive pages go from
    rows to items without the three values and two date parses an ``Entry`` costs each.
    """

    slug: str
    published: str  # the ISO date of the edition that first showed it
    published_position: int
    updated: str  # the ISO date of the edition that first showed its current text
    updated_position: int
    title: str
    summary: str
    truncated: bool
    figures: tuple[Figure, ...]

    @classmethod
    def of(cls, entry: Entry) -> EntryRow:
        article, published, updated = entry.article, entry.published, entry.updated
        return cls(
            article.slug,
            published.date.isoformat(),
            published.position,
            updated.date.isoformat(),
            updated.position,
            article.title,
            article.summary,
            article.truncated,
            article.figures,
        )


def entries_of(articles: Iterable[Article]) -> tuple[Entry, ...]:
    """Entries for articles no archive has seen, each published and updated where it stands: what
    the renderers take, for a caller who has parsed articles and no archive."""
    return tuple(Entry.first_seen(article) for article in articles)
