"""Each item's strings and times, computed once per item and shared by RSS, Atom and JSON Feed:
its id and link from its slug, its one-line title, its excerpt, its HTML body, its times.

A feed of 100,000 items does everything here 100,000 times, so what depends only on the config
(the time zone, the id prefix, the "Read more" link's markup) is worked out once per feed, and
each item's text is cleaned once: the HTML body escapes the excerpt it already cleaned.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple, overload

from .._chars import clean
from .._gc import paused as gc_paused
from ..config import FeedConfig
from ..models import Entry, EntryRow, Figure, Stamp, rank_time
from . import safe

ELLIPSIS = "…"
UNTITLED = "(untitled)"


class Item(NamedTuple):
    """One entry as every format states it (a tuple: 100,000 of them are made per feed)."""

    slug: str
    id: str
    link: str
    title: str
    excerpt: str
    html: str
    published: dt.datetime
    updated: dt.datetime
    modified: bool  # its text changed after it first appeared (its stamps differ)
    truncated: bool
    first_edition: str  # the ISO date of the edition that first showed it
    figures: tuple[Figure, ...]


def prepare(entries: Sequence[Entry], config: FeedConfig) -> list[Item]:
    """The ``entries`` in the order given, each slug once (see ``unique``)."""
    return prepare_rows([EntryRow.of(entry) for entry in unique(entries)], config)


def prepare_rows(rows: Iterable[EntryRow], config: FeedConfig) -> list[Item]:
    """``prepare`` of the archive's rows, in one pass as they come: each slug is once in the
    archive, so none is dropped."""
    feed = _Feed(config)
    with gc_paused():  # many objects, no cycles (see _gc)
        return [feed.item(row) for row in rows]


BATCH = 256  # items a lazy preparation works out at a time


class Lazy(Sequence[Item]):
    """``prepare(entries, config)`` worked out a slice at a time, as a writer reads it, and dropped
    after: a feed of 100,000 items holds its entries and one batch of HTML, not every item's.

    Each format reads it anew (three feeds prepare their items three times, a few µs an item);
    ``updated`` gives every item's updated time without the rest.
    """

    def __init__(self, entries: Sequence[Entry], config: FeedConfig) -> None:
        self.entries, self.config = unique(entries), config

    def __len__(self) -> int:
        return len(self.entries)

    @overload
    def __getitem__(self, index: int) -> Item: ...

    @overload
    def __getitem__(self, index: slice) -> list[Item]: ...

    def __getitem__(self, index: int | slice) -> Item | list[Item]:
        if isinstance(index, slice):
            return prepare(self.entries[index], self.config)
        return prepare((self.entries[index],), self.config)[0]

    def __iter__(self) -> Iterator[Item]:
        for start in range(0, len(self.entries), BATCH):
            yield from self[start : start + BATCH]

    def updated(self) -> list[dt.datetime]:
        feed = _Feed(self.config)
        return [feed.time(e.updated.date.isoformat(), e.updated.position) for e in self.entries]


def updated_times(items: Sequence[Item]) -> list[dt.datetime]:
    """Every item's updated time, without preparing a ``Lazy`` sequence's items."""
    return items.updated() if isinstance(items, Lazy) else [item.updated for item in items]


def unique(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    """The entries in the order given, each slug once (the first wins), so no id repeats."""
    seen: set[str] = set()
    out = []
    for entry in entries:
        if entry.slug not in seen:
            seen.add(entry.slug)
            out.append(entry)
    return tuple(out)


def slug_part(slug: str) -> str:
    """The slug as it may stand in a URL or tag URI; an ordinary WordPress slug is unchanged."""
    if _PLAIN_SLUG.fullmatch(slug):
        return slug  # what quote() never changes: the fast path for every WordPress slug
    return urllib.parse.quote(clean(slug), safe="-._~")


_PLAIN_SLUG = re.compile("[A-Za-z0-9_.~-]*")


def item_link(entry: Entry, config: FeedConfig) -> str:
    return config.source_link(slug_part(entry.slug))


def title(text: str) -> str:
    """The title as one clean line (feeds show titles on one line; an empty one gets a placeholder)."""
    return safe.line(text) or UNTITLED


def excerpt(summary: str, truncated: bool) -> str:
    """The paragraph as plain text; a truncated one always ends in an ellipsis."""
    text = clean(summary).strip()
    if truncated and not text.endswith(("...", ELLIPSIS)):
        text = f"{text} {ELLIPSIS}" if text else ELLIPSIS
    return text


class _Feed:
    """What every item of one feed shares, worked out once per feed."""

    def __init__(self, config: FeedConfig) -> None:
        self.tz = config.tz
        self.midnights: dict[str, dt.datetime] = {}
        self.tag = config.tag("article", "")
        self.source = config.source_url
        site = urllib.parse.urlsplit(config.source_url).hostname or config.source_url
        # The link's href is escape(source + slug part + "/"): clean and escape work character by
        # character, and a slug part is unreserved characters and %XX, which neither changes.
        self.more = f'<p><a href="{safe.escape(config.source_url)}'
        self.more_end = f'/">Read more at {safe.escape(site)}</a></p>'

    def item(self, row: EntryRow) -> Item:
        part = slug_part(row.slug)
        text = excerpt(row.summary, row.truncated)
        published = self.time(row.published, row.published_position)
        modified = row.updated != row.published or row.updated_position != row.published_position
        updated = self.time(row.updated, row.updated_position) if modified else published
        return Item(
            row.slug,
            self.tag + part,
            f"{self.source}{part}/",
            title(row.title),
            text,
            self.body(row, text, part),
            published,
            updated,
            modified,
            row.truncated,
            row.published,
            row.figures,
        )

    def time(self, day: str, position: int) -> dt.datetime:
        """The stamp's time, its edition's midnight worked out once for the twenty items of a day."""
        midnight = self.midnights.get(day)
        if midnight is None:
            midnight = self.midnights[day] = Stamp(dt.date.fromisoformat(day)).midnight(self.tz)
        return rank_time(midnight, position, self.tz)

    def body(self, row: EntryRow, text: str, part: str) -> str:
        """The paragraph and figures as HTML; a truncated excerpt ends with a Read more link."""
        parts = [f"<p>{html.escape(text)}</p>"]
        parts += [f"<figure><figcaption>{safe.escape(f.caption)}</figcaption></figure>" for f in row.figures]
        if row.truncated:
            parts.append(self.more + part + self.more_end)
        return "\n".join(parts)
