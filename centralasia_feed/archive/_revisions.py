"""Revisions: what a reader of the archive needs to tell what changed since it looked.

Every committed transaction that changes anything gets the next revision number and an id,
stored with the number of entries it left (so counting them reads one row, not the index). Each
``articles`` row carries the revision that last changed it, so "what changed since revision r" is
an index range, never a scan of every entry.

The id is a hash chain: the SHA-256 of the revision before's id and of every entry row the
revision wrote. So it names the entries as they stand, whatever archive holds them: a reader (a
published folder) records the id of the entries it shows and finds it again only in an archive
whose revisions led to the same entries (``revision_of``). A transaction rolled back after a reader
recorded its id, as a build killed between publishing its files and committing does, leaves an id
that the next transaction takes again only if it writes the same rows, when the reader's pages
are right; else the reader finds no such id and looks at everything. Equal builds give equal ids,
so the folder's state is as deterministic as its feeds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from dataclasses import dataclass

from ._articles import Key
from ._derive import older


@dataclass(frozen=True)
class Changes:
    """What changed in the entries since a revision, as oldest-first ranks (0 is the oldest).

    Every entry ranked below ``moved`` stands where it stood then, and of those only the
    ``edited`` ones changed (their text, hence their updated stamp). ``moved`` is the oldest entry
    that is new or moved: the ranks above it may all have shifted. None when no entry moved.
    """

    moved: int | None
    edited: tuple[int, ...] = ()


FIRST_ID = "0" * 32  # the id of revision 0, an archive with nothing in it


def next_id(conn: sqlite3.Connection, previous: str, revision: int) -> str:
    """The id of ``revision``, from the id before it and the entry rows it wrote, in slug order:
    an index range of this revision's rows alone (see the module's docstring)."""
    digest = hashlib.sha256(f"{previous}\n{revision}\n".encode())
    rows = conn.execute(
        """SELECT slug, published_date, published_position, updated_date, updated_position, hash, placed
        FROM articles WHERE revision = ? ORDER BY slug""",
        (revision,),
    )
    for row in rows:
        digest.update(("\t".join(map(str, row)) + "\n").encode())
    return digest.hexdigest()[:32]


def latest(conn: sqlite3.Connection) -> tuple[int, str, int]:
    """The last committed revision, its id and its number of entries."""
    revision, id_, entries = conn.execute(
        "SELECT revision, id, entries FROM revisions ORDER BY revision DESC LIMIT 1"
    ).fetchone()
    return int(revision), str(id_), int(entries)


def commit(conn: sqlite3.Connection, revision: int, id_: str, entries: int) -> None:
    conn.execute("INSERT INTO revisions (revision, id, entries) VALUES (?, ?, ?)", (revision, id_, entries))


def revision_of(conn: sqlite3.Connection, id_: str) -> int | None:
    """The committed revision of this id, if this archive has one."""
    row = conn.execute("SELECT revision FROM revisions WHERE id = ?", (id_,)).fetchone()
    return None if row is None else int(row[0])


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
    daily build looks at its own few dozen rows, not at the whole archive. Past ``most`` edits, the
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
