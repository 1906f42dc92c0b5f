"""Articles in SQL: record a sighting, refresh the derived row of its slug, read entries in order.

Every function takes the connection and works inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from ..models import Article, Entry, Problem, Stamp
from ._derive import Sighting, article_from_body, derive, text_body, text_hash

Key = tuple[dt.date, int, str]
"""An article's place in the published order: (published date, published position, slug)."""

_NEWEST_FIRST = "a.published_date DESC, a.published_position, a.slug"
_OLDEST_FIRST = "a.published_date, a.published_position DESC, a.slug DESC"
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
        return Problem(source, article.line, message, article.title), False
    if article.position <= position:
        return None, False
    conn.execute(
        "UPDATE sightings SET position = ? WHERE slug = ? AND date = ?", (article.position, article.slug, day)
    )
    return None, True


def refresh(conn: sqlite3.Connection, slug: str) -> Key | None:
    """Recompute a slug's entry from all its sightings; its new key if the entry changed, else None."""
    rows = conn.execute(
        "SELECT date, position, hash, source, line FROM sightings WHERE slug = ?", (slug,)
    ).fetchall()
    derived = derive([Sighting(dt.date.fromisoformat(d), p, h) for d, p, h, _, _ in rows])
    where = {d: (s, n) for d, _, _, s, n in rows}[derived.updated.date.isoformat()]
    published, updated = derived.published, derived.updated
    new = (
        published.date.isoformat(),
        published.position,
        updated.date.isoformat(),
        updated.position,
        derived.hash,
        *where,
    )
    old = conn.execute(
        """SELECT published_date, published_position, updated_date, updated_position, hash, source, line
        FROM articles WHERE slug = ?""",
        (slug,),
    ).fetchone()
    if old == new:
        return None
    conn.execute("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (slug, *new))
    return (published.date, published.position, slug)


def _entry(row: tuple[str, str, int, str, int, str, int, str]) -> Entry:
    slug, published_date, published_position, updated_date, updated_position, source, line, body = row
    updated = Stamp(dt.date.fromisoformat(updated_date), updated_position)
    article = article_from_body(body, slug, updated, source, line)
    return Entry(article, Stamp(dt.date.fromisoformat(published_date), published_position), updated)


def entries(
    conn: sqlite3.Connection, limit: int | None, offset: int, *, newest_first: bool = True
) -> tuple[Entry, ...]:
    """Entries in published order, walking the index from either end.

    The offset is skipped inside the index alone (the inner query), so skipped rows cost no join.
    """
    rows = conn.execute(entries_query(newest_first), (-1 if limit is None else limit, offset)).fetchall()
    return tuple(_entry(row) for row in rows)


def entries_query(newest_first: bool) -> str:
    order = _NEWEST_FIRST if newest_first else _OLDEST_FIRST
    page = f"SELECT a.slug FROM articles AS a ORDER BY {order} LIMIT ? OFFSET ?"
    return f"{_ENTRIES} WHERE a.slug IN ({page}) ORDER BY {order}"


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
