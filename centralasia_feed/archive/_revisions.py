"""Revisions and fingerprints: what a reader of the archive needs to tell what changed since it looked.

Every committed transaction that changes anything gets the next revision number, stored with the
fingerprint of the entries it left. Each ``articles`` row carries the revision that last changed
it, so "what changed since revision r" is an index range, never a scan of the history.

The fingerprint is a multiset hash: the sum, modulo 2**256, of a SHA-256 per entry of everything
readers see of it (slug, stamps, text; not where it was read). It is kept up to date row by row,
and it depends only on the entries, not on the order dumps came in or on which archive holds
them: two archives with the same entries have the same fingerprint. A published folder records
the fingerprint it was built from; finding it among an archive's revisions says the folder shows
that revision's entries, whichever archive built it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Sequence

from ._articles import Key

OLDEST_FIRST = "published_date, published_position DESC, slug DESC"
_MODULUS = 2**256
EMPTY = 0


def entry_digest(slug: str, row: Sequence[object]) -> int:
    """One entry's share of the fingerprint; ``row`` starts with the stamps and the text's hash."""
    shown = "\x1f".join(str(value) for value in (slug, *row[:5]))
    return int.from_bytes(hashlib.sha256(shown.encode("utf-8")).digest(), "big")


def shift(fingerprint: int, slug: str, old: Sequence[object] | None, new: Sequence[object]) -> int:
    """The fingerprint after one entry went from ``old`` (None: it is new) to ``new``."""
    gone = entry_digest(slug, old) if old is not None else 0
    return (fingerprint - gone + entry_digest(slug, new)) % _MODULUS


def to_text(fingerprint: int) -> str:
    return f"{fingerprint:064x}"


def of_rows(conn: sqlite3.Connection) -> int:
    """The fingerprint computed from every row: once, when an archive is migrated to version 3."""
    total = EMPTY
    rows = conn.execute(
        "SELECT slug, published_date, published_position, updated_date, updated_position, hash FROM articles"
    )
    for slug, *row in rows:
        total = (total + entry_digest(slug, row)) % _MODULUS
    return total


def latest(conn: sqlite3.Connection) -> tuple[int, int]:
    """The last committed revision and its fingerprint."""
    revision, fingerprint = conn.execute(
        "SELECT revision, fingerprint FROM revisions ORDER BY revision DESC LIMIT 1"
    ).fetchone()
    return int(revision), int(fingerprint, 16)


def commit(conn: sqlite3.Connection, revision: int, fingerprint: int) -> None:
    conn.execute(
        "INSERT INTO revisions (revision, fingerprint) VALUES (?, ?)", (revision, to_text(fingerprint))
    )


def revision_of(conn: sqlite3.Connection, fingerprint: str) -> int | None:
    """The last committed revision whose entries had this fingerprint, if any did."""
    row = conn.execute("SELECT max(revision) FROM revisions WHERE fingerprint = ?", (fingerprint,)).fetchone()
    return None if row[0] is None else int(row[0])


def oldest_changed(conn: sqlite3.Connection, since: int) -> Key | None:
    """The published key of the oldest entry changed after revision ``since``.

    Reads only the changed rows, through ``articles_by_revision`` (which also holds the keys), and
    keeps the oldest as it goes: a daily build looks at its own few dozen rows, not at the history.
    """
    row = conn.execute(
        f"""SELECT published_date, published_position, slug FROM articles INDEXED BY articles_by_revision
        WHERE revision > ? ORDER BY {OLDEST_FIRST} LIMIT 1""",
        (since,),
    ).fetchone()
    return None if row is None else (dt.date.fromisoformat(row[0]), row[1], row[2])
