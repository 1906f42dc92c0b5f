"""Revisions and fingerprints: what a reader of the archive needs to tell what changed since it looked.

Every committed transaction that changes anything gets the next revision number, stored with the
fingerprint of the entries it left and their number (so counting them reads one row, not the
index). Each ``articles`` row carries the revision that last changed
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
from dataclasses import dataclass

from ._articles import Key
from ._derive import older

_MODULUS = 2**256
EMPTY = 0


@dataclass(frozen=True)
class Changes:
    """What changed in the entries since a revision, as oldest-first ranks (0 is the oldest).

    Every entry ranked below ``moved`` stands where it stood then, and of those only the
    ``edited`` ones changed (their text, hence their updated stamp). ``moved`` is the oldest entry
    that is new or moved: the ranks above it may all have shifted. None when no entry moved.
    """

    moved: int | None
    edited: tuple[int, ...] = ()


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


def latest(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """The last committed revision, its fingerprint and its number of entries."""
    revision, fingerprint, entries = conn.execute(
        "SELECT revision, fingerprint, entries FROM revisions ORDER BY revision DESC LIMIT 1"
    ).fetchone()
    return int(revision), int(fingerprint, 16), int(entries)


def commit(conn: sqlite3.Connection, revision: int, fingerprint: int, entries: int) -> None:
    conn.execute(
        "INSERT INTO revisions (revision, fingerprint, entries) VALUES (?, ?, ?)",
        (revision, to_text(fingerprint), entries),
    )


def revision_of(conn: sqlite3.Connection, fingerprint: str) -> int | None:
    """The last committed revision whose entries had this fingerprint, if any did."""
    row = conn.execute("SELECT max(revision) FROM revisions WHERE fingerprint = ?", (fingerprint,)).fetchone()
    return None if row[0] is None else int(row[0])


def count_changed(conn: sqlite3.Connection, revision: int) -> int:
    """How many entries ``revision`` (the open transaction's, say) added or changed: an index count."""
    row = conn.execute(
        "SELECT count(*) FROM articles INDEXED BY articles_by_revision WHERE revision = ?", (revision,)
    ).fetchone()
    return int(row[0])


def changed_since(conn: sqlite3.Connection, since: int, most: int) -> tuple[Key | None, tuple[Key, ...]]:
    """The entries changed after revision ``since``: the oldest one new or moved in the published
    order (every entry above it may have shifted), and those older than it edited where they stand.

    Reads only the changed rows, through ``articles_by_revision`` (which also holds their keys): a
    daily build looks at its own few dozen rows, not at the history. Past ``most`` edits, the
    oldest of them counts as moved instead: a cruder answer, still a safe one, at a bounded cost.
    """
    rows = conn.execute(
        """SELECT placed, published_date, published_position, slug FROM articles
        INDEXED BY articles_by_revision WHERE revision > ?""",
        (since,),
    )
    moved: Key | None = None
    edited: list[Key] = []
    for placed, date, position, slug in rows:
        key = (dt.date.fromisoformat(date), position, slug)
        if placed > since:
            moved = _oldest(moved, key)
        elif len(edited) <= most:
            edited.append(key)
        else:  # too many: the oldest edit counts as a move from here on
            moved = _oldest(moved, key)
    if len(edited) > most:
        moved, edited = _oldest(moved, *edited), []
    return moved, tuple(key for key in edited if moved is None or older(key, moved))


def _oldest(first: Key | None, *keys: Key) -> Key:
    found = first
    for key in keys:
        found = key if found is None or older(key, found) else found
    assert found is not None, "no key to choose from"
    return found
