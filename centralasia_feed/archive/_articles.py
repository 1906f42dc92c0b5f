"""Articles in SQL: record a dump's sightings, refresh the derived rows of their slugs, read entries in order.

Every function takes the connection and works inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from ..models import Article, Entry, EntryRow, Figure, Problem, Stamp
from ._derive import Sighting, article_from_body, derive, text_body, text_hash

Key = tuple[dt.date, int, str]
"""An article's place in the published order: (published date, published position, slug)."""

_NEWEST_FIRST = "a.published_date DESC, a.published_position, a.slug"
_ENTRIES = """
    SELECT a.slug, a.published_date, a.published_position, a.updated_date, a.updated_position,
           a.source, a.line, t.body
    FROM articles AS a JOIN texts AS t ON t.hash = a.hash
"""
_NEWER = """
    SELECT (SELECT count(*) FROM articles WHERE published_date > :date)
         + (SELECT count(*) FROM articles WHERE published_date = :date AND published_position < :position)
         + (SELECT count(*) FROM articles
            WHERE published_date = :date AND published_position = :position AND slug < :slug)
"""


Seen = list[Any]
"""One sighting as archived: [position, text hash, source, line] (a list: a later one may move it)."""

Row = tuple[str, int, str, int, str, str, int]
"""A slug's derived row: published date and position, updated date and position, text hash, source, line."""

_MOST_VARIABLES = 500  # values bound to one statement: well under SQLite's oldest limit (999)


def record(
    conn: sqlite3.Connection, articles: Sequence[Article], source: str
) -> tuple[list[Problem], dict[str, dict[str, Seen]]]:
    """Store a dump's sightings; the contradictions, and every sighting (by date) of each slug whose
    entry must be refreshed.

    One sighting per (slug, edition date): a different text for a known one is a contradiction
    and the archived text stays (readers have seen it). The same text lower on the listing keeps
    the largest position, the latest snapshot of that edition, whichever dump came first. The
    dump's articles are taken in order, as if one at a time, against what the archive and the
    dump's earlier articles hold; the archive is read once and written with one statement per kind
    for every ``_WRITTEN_AT_ONCE`` articles, so a dump of 100,000 never holds all its texts twice.
    """
    seen = _sightings(conn, {article.slug for article in articles})
    texts: dict[str, str] = {}
    added: dict[tuple[str, str], Seen] = {}
    moved: dict[tuple[str, str], Seen] = {}
    problems: list[Problem] = []
    dirty: dict[str, None] = {}
    for number, article in enumerate(articles):
        if number and number % _WRITTEN_AT_ONCE == 0:
            _write_sightings(conn, texts, added, moved)
            texts, added, moved = {}, {}, {}
        body = text_body(article)
        digest, day, slug = text_hash(body), article.date.isoformat(), article.slug
        dates = seen.setdefault(slug, {})
        row = dates.get(day)
        if row is None:
            dates[day] = added[slug, day] = [article.position, digest, source, article.line]
            texts.setdefault(digest, body)
        elif row[1] != digest:
            problems.append(_differs(article, day, row, source))
            continue
        elif article.position <= row[0]:
            continue
        else:
            row[0] = article.position
            moved.setdefault((slug, day), row)
        dirty[slug] = None
    _write_sightings(conn, texts, added, moved)
    return problems, {slug: seen[slug] for slug in dirty}


_WRITTEN_AT_ONCE = 512  # articles whose new texts and sightings one set of statements writes


def _differs(article: Article, day: str, row: Seen, source: str) -> Problem:
    message = (
        f"article {article.slug!r} of {day} differs from the text archived from "
        f"{row[2]}:{row[3]}; the archived text is kept"
    )
    kind = "article differs from the text archived, which is kept"
    return Problem(source, article.line, message, article.title, kind=kind)


def _write_sightings(
    conn: sqlite3.Connection,
    texts: dict[str, str],
    added: dict[tuple[str, str], Seen],
    moved: dict[tuple[str, str], Seen],
) -> None:
    conn.executemany("INSERT OR IGNORE INTO texts (hash, body) VALUES (?, ?)", texts.items())
    conn.executemany(
        "INSERT INTO sightings (slug, date, position, hash, source, line) VALUES (?, ?, ?, ?, ?, ?)",
        [(slug, day, *row) for (slug, day), row in added.items()],
    )
    conn.executemany(  # a sighting added since the last write goes in with its latest position
        "UPDATE sightings SET position = ? WHERE slug = ? AND date = ?",
        [(row[0], slug, day) for (slug, day), row in moved.items() if (slug, day) not in added],
    )


def _sightings(conn: sqlite3.Connection, slugs: Collection[str]) -> dict[str, dict[str, Seen]]:
    """Every archived sighting of these slugs, by slug and date: a few index seeks per statement."""
    found: dict[str, dict[str, Seen]] = {}
    query = "SELECT slug, date, position, hash, source, line FROM sightings WHERE slug IN ({})"
    for slug, date, *row in _in_chunks(conn, query, list(slugs)):
        found.setdefault(slug, {})[date] = row
    return found


def _in_chunks(conn: sqlite3.Connection, query: str, values: list[str]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query`` (whose ``{}`` takes a list of values), a bounded number of values at a time."""
    for start in range(0, len(values), _MOST_VARIABLES):
        chunk = values[start : start + _MOST_VARIABLES]
        yield from conn.execute(query.format(", ".join("?" * len(chunk))), chunk)


def derived(conn: sqlite3.Connection, slug: str) -> Row:
    """A slug's entry as all its sightings decide it."""
    return _derived(_sightings(conn, [slug])[slug])


def _derived(dates: dict[str, Seen]) -> Row:
    """An entry's row from its sightings by date (see ``derive``), with where its text was read."""
    result = derive([Sighting(dt.date.fromisoformat(day), row[0], row[1]) for day, row in dates.items()])
    published, updated = result.published, result.updated
    updated_day = updated.date.isoformat()
    _, _, source, line = dates[updated_day]
    return (
        published.date.isoformat(),
        published.position,
        updated_day,
        updated.position,
        result.hash,
        source,
        line,
    )


def refresh(conn: sqlite3.Connection, sightings: dict[str, dict[str, Seen]], revision: int) -> int:
    """Recompute the entries of these slugs from their sightings; how many are new.

    A changed row is marked with ``revision``, the transaction's, in ``revision`` and, when its
    place in the published order is new or moved, in ``placed`` too, so readers can tell later
    an entry that shifted the ones above it from one edited where it stands. A dump is one step:
    its rows are compared with those before it, so an entry one of its sightings changes and a
    later one changes back (its updated stamp, when texts alternate) is not marked, and a place,
    which only ever moves earlier, is marked moved if any of its sightings moved it.
    """
    query = """SELECT slug, published_date, published_position, updated_date, updated_position, hash,
        source, line, placed FROM articles WHERE slug IN ({})"""
    before = {row[0]: row[1:] for row in _in_chunks(conn, query, list(sightings))}
    writes, new = [], 0
    for slug, dates in sightings.items():
        row = _derived(dates)
        old = before.get(slug)
        if old is not None and old[:7] == row:
            continue
        placed = old[7] if old is not None and old[:2] == row[:2] else revision
        writes.append((slug, *row, revision, placed))
        new += old is None
    conn.executemany(
        """INSERT OR REPLACE INTO articles (slug, published_date, published_position, updated_date,
        updated_position, hash, source, line, revision, placed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        writes,
    )
    return new


def _entry(row: tuple[str, str, int, str, int, str, int, str]) -> Entry:
    slug, published_date, published_position, updated_date, updated_position, source, line, body = row
    updated = Stamp(dt.date.fromisoformat(updated_date), updated_position)
    article = article_from_body(body, slug, updated, source, line)
    return Entry(article, Stamp(dt.date.fromisoformat(published_date), published_position), updated)


def _row(row: tuple[str, str, int, str, int, str, int, str]) -> EntryRow:
    """The row as the renderer takes it: the text decoded, nothing else made."""
    slug, published_date, published_position, updated_date, updated_position, _, _, body = row
    text: dict[str, Any] = json.loads(body)
    figures = text["figures"]
    return EntryRow(
        slug,
        published_date,
        published_position,
        updated_date,
        updated_position,
        text["title"],
        text["summary"],
        text["truncated"],
        tuple(Figure(**figure) for figure in figures) if figures else (),
    )


def rows(conn: sqlite3.Connection, limit: int | None, offset: int) -> list[EntryRow]:
    """``entries`` as rows (see ``EntryRow``)."""
    return [_row(row) for row in conn.execute(ENTRIES_QUERY, (-1 if limit is None else limit, offset))]


def stream_rows(conn: sqlite3.Connection, limit: int | None, offset: int) -> Iterator[EntryRow]:
    """``stream`` as rows (see ``EntryRow``), one at a time in index order."""
    for row in conn.execute(STREAM_QUERY, (-1 if limit is None else limit, offset)):
        yield _row(row)


def entries(conn: sqlite3.Connection, limit: int | None, offset: int) -> tuple[Entry, ...]:
    """A page of entries, newest first, anywhere in the archive.

    The offset is skipped inside the index alone (the inner query), so skipped rows cost no join;
    the page is then sorted again, so this is for pages, not for long runs (see ``stream``).
    """
    rows = conn.execute(ENTRIES_QUERY, (-1 if limit is None else limit, offset)).fetchall()
    return tuple(_entry(row) for row in rows)


def stream(conn: sqlite3.Connection, limit: int | None, offset: int) -> Iterator[Entry]:
    """Entries newest first, read one row at a time in index order: no sort, so any run is cheap
    in memory; skipped rows are joined before being dropped, so keep ``offset`` small.
    """
    cursor = conn.execute(STREAM_QUERY, (-1 if limit is None else limit, offset))
    for row in cursor:
        yield _entry(row)


_PAGE = f"SELECT a.slug FROM articles AS a ORDER BY {_NEWEST_FIRST} LIMIT ? OFFSET ?"
ENTRIES_QUERY = f"{_ENTRIES} WHERE a.slug IN ({_PAGE}) ORDER BY {_NEWEST_FIRST}"
STREAM_QUERY = f"{_ENTRIES} ORDER BY {_NEWEST_FIRST} LIMIT ? OFFSET ?"


def entry(conn: sqlite3.Connection, slug: str) -> Entry | None:
    row = conn.execute(f"{_ENTRIES} WHERE a.slug = ?", (slug,)).fetchone()
    return None if row is None else _entry(row)


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


def count_newer(conn: sqlite3.Connection, key: Key) -> int:
    """How many entries are published after ``key``: three index range counts."""
    date, position, slug = key
    params = {"date": date.isoformat(), "position": position, "slug": slug}
    return int(conn.execute(_NEWER, params).fetchone()[0])
