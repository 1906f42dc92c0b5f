"""Articles in SQL: record a sighting, refresh the derived row of its slug, read entries in order.

Every function takes the connection and works inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator

from ..models import Article, Entry, Problem, Stamp
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


def record(conn: sqlite3.Connection, article: Article, source: str) -> tuple[Problem | None, bool]:
    """Store one sighting; says what went wrong, and whether the slug's entry must be refreshed.

    One sighting per (slug, edition date): a different text for a known one is a contradiction
    and the archived text stays (readers have seen it). The same text lower on the listing keeps
    the largest position, the latest snapshot of that edition, whichever dump came first.
    """
    body = text_body(article)
    digest, day = text_hash(body), article.date.isoformat()
    row = conn.execute(
        "SELECT position, hash, source, line FROM sightings WHERE slug = ? AND date = ?", (article.slug, day)
    ).fetchone()
    if row is None:
        conn.execute("INSERT OR IGNORE INTO texts (hash, body) VALUES (?, ?)", (digest, body))
        conn.execute(
            "INSERT INTO sightings (slug, date, position, hash, source, line) VALUES (?, ?, ?, ?, ?, ?)",
            (article.slug, day, article.position, digest, source, article.line),
        )
        return None, True
    position, known, first_source, first_line = row
    if known != digest:
        message = (
            f"article {article.slug!r} of {day} differs from the text archived from "
            f"{first_source}:{first_line}; the archived text is kept"
        )
        kind = "article differs from the text archived, which is kept"
        return Problem(source, article.line, message, article.title, kind=kind), False
    if article.position <= position:
        return None, False
    conn.execute(
        "UPDATE sightings SET position = ? WHERE slug = ? AND date = ?", (article.position, article.slug, day)
    )
    return None, True


Row = tuple[str, int, str, int, str, str, int]
"""A slug's derived row: published date and position, updated date and position, text hash, source, line."""


def derived(conn: sqlite3.Connection, slug: str) -> Row:
    """A slug's entry as all its sightings decide it."""
    rows = conn.execute(
        "SELECT date, position, hash, source, line FROM sightings WHERE slug = ?", (slug,)
    ).fetchall()
    result = derive([Sighting(dt.date.fromisoformat(d), p, h) for d, p, h, _, _ in rows])
    source, line = {d: (s, n) for d, _, _, s, n in rows}[result.updated.date.isoformat()]
    published, updated = result.published, result.updated
    return (
        published.date.isoformat(),
        published.position,
        updated.date.isoformat(),
        updated.position,
        result.hash,
        source,
        line,
    )


def refresh(conn: sqlite3.Connection, slug: str, revision: int) -> tuple[Row | None, Row] | None:
    """Recompute a slug's entry; (old row or None if new, new row) if it changed, else None.

    A changed row is marked with ``revision``, the transaction's, in ``revision`` and, when its
    place in the published order is new or moved, in ``placed`` too, so readers can tell later
    an entry that shifted the ones above it from one edited where it stands.
    """
    new = derived(conn, slug)
    found = conn.execute(
        """SELECT published_date, published_position, updated_date, updated_position, hash, source, line,
        placed FROM articles WHERE slug = ?""",
        (slug,),
    ).fetchone()
    old: Row | None = None if found is None else found[:7]
    if old == new:
        return None
    placed = found[7] if old is not None and old[:2] == new[:2] else revision
    conn.execute(
        """INSERT OR REPLACE INTO articles (slug, published_date, published_position, updated_date,
        updated_position, hash, source, line, revision, placed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (slug, *new, revision, placed),
    )
    return old, new


def _entry(row: tuple[str, str, int, str, int, str, int, str]) -> Entry:
    slug, published_date, published_position, updated_date, updated_position, source, line, body = row
    updated = Stamp(dt.date.fromisoformat(updated_date), updated_position)
    article = article_from_body(body, slug, updated, source, line)
    return Entry(article, Stamp(dt.date.fromisoformat(published_date), published_position), updated)


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
