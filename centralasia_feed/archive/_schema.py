"""Opening an archive: refuse what is not ours before SQLite may write a byte, create, migrate.

A file is checked by its first 100 bytes before SQLite opens it: the ``SQLite format 3`` header and
our ``application_id``. Anything else (another program's database, random bytes, a cut-off file)
raises ArchiveError and is left exactly as it was. A missing or empty (0-byte) file becomes a new
archive, as SQLite itself treats an empty file as an empty database.

Schema history (``PRAGMA user_version``); a new archive is created as version 1 and migrated, so
every archive, old or new, goes through the same steps:

1. texts (by content hash), sightings (slug, edition date), rates without the written direction;
   entries were derived from the sightings on every query.
2. rates keep the direction the dump wrote (existing rows: none, history fills it); a derived
   ``articles`` table with an index by published stamp, so the newest entries need no full scan.
3. revisions (see ``_revisions``): every ``articles`` row names the revision that last changed it
   and the one that last placed it in the published order (existing rows: 0), indexed with its
   published key; a ``revisions`` table holds each committed revision's fingerprint and number
   of entries, starting with revision 0, the entries as migrated.
4. revisions are named by an id in place of the fingerprint (see ``_revisions``); existing ones
   get random ids, so a folder built before names none of them and is rendered anew. An empty
   revision 0 (a new archive) gets ``FIRST_ID``, where every archive's chain of ids starts.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable

from .._files import open_regular
from ..errors import ArchiveError
from ._articles import count, derived
from ._revisions import FIRST_ID

APPLICATION_ID = 0x43414644  # "CAFD": centralasia_feed, stored big-endian at header offset 68
SCHEMA_VERSION = 4
_MAGIC = b"SQLite format 3\x00"

V1_SCHEMA = (
    "CREATE TABLE texts (hash TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID",
    """CREATE TABLE sightings (
        slug TEXT NOT NULL, date TEXT NOT NULL, position INTEGER NOT NULL,
        hash TEXT NOT NULL REFERENCES texts (hash), source TEXT NOT NULL, line INTEGER NOT NULL,
        PRIMARY KEY (slug, date)) WITHOUT ROWID""",
    """CREATE TABLE rates (
        base TEXT NOT NULL, quote TEXT NOT NULL, date TEXT NOT NULL, value TEXT NOT NULL,
        change TEXT NOT NULL, source TEXT NOT NULL, line INTEGER NOT NULL,
        PRIMARY KEY (base, quote, date)) WITHOUT ROWID""",
)

V2_CHANGES = (
    "ALTER TABLE rates ADD COLUMN direction TEXT CHECK (direction IN ('up', 'down', 'flat'))",
    "CREATE INDEX rates_by_date ON rates (date)",
    """CREATE TABLE articles (
        slug TEXT PRIMARY KEY, published_date TEXT NOT NULL, published_position INTEGER NOT NULL,
        updated_date TEXT NOT NULL, updated_position INTEGER NOT NULL,
        hash TEXT NOT NULL REFERENCES texts (hash), source TEXT NOT NULL, line INTEGER NOT NULL
        ) WITHOUT ROWID""",
    "CREATE INDEX articles_by_published ON articles (published_date DESC, published_position, slug)",
)

V3_CHANGES = (
    "ALTER TABLE articles ADD COLUMN revision INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE articles ADD COLUMN placed INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX articles_by_revision ON articles (revision, placed, published_date, published_position)",
    """CREATE TABLE revisions (
        revision INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL, entries INTEGER NOT NULL)""",
    "CREATE INDEX revisions_by_fingerprint ON revisions (fingerprint)",
)

V4_CHANGES = (
    """CREATE TABLE named_revisions (
        revision INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, entries INTEGER NOT NULL)""",
    f"""INSERT INTO named_revisions SELECT revision,
        CASE WHEN revision = 0 AND entries = 0 THEN '{FIRST_ID}' ELSE lower(hex(randomblob(16))) END,
        entries FROM revisions""",
    "DROP TABLE revisions",  # and its index by fingerprint
    "ALTER TABLE named_revisions RENAME TO revisions",
)

_V1 = {"texts", "sightings", "rates"}
_V3 = _V1 | {"articles", "revisions"}
TABLES = {1: _V1, 2: _V1 | {"articles"}, 3: _V3, 4: _V3}


def _to_v2(conn: sqlite3.Connection) -> None:
    for statement in V2_CHANGES:
        conn.execute(statement)
    for (slug,) in conn.execute("SELECT DISTINCT slug FROM sightings").fetchall():
        conn.execute("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (slug, *derived(conn, slug)))


def _to_v3(conn: sqlite3.Connection) -> None:
    """Version 3 as it was, but for revision 0's fingerprint, which version 4 drops unread."""
    for statement in V3_CHANGES:
        conn.execute(statement)
    conn.execute("INSERT INTO revisions (revision, fingerprint, entries) VALUES (0, '', ?)", (count(conn),))


def _to_v4(conn: sqlite3.Connection) -> None:
    for statement in V4_CHANGES:
        conn.execute(statement)


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _to_v2, 2: _to_v3, 3: _to_v4}


def check_file(path: str) -> None:
    """Refuse a file that is not our archive, reading it as bytes only (SQLite never opens it)."""
    try:
        with open_regular(path) as file:
            head = file.read(100)
    except FileNotFoundError:
        folder = os.path.dirname(path) or "."
        if not os.path.isdir(folder):  # SQLite would only say it is "unable to open database file"
            raise ArchiveError(f"no such folder: {folder}", path=path) from None
        return
    except OSError as exc:
        raise ArchiveError(f"cannot read the archive: {exc.strerror}", path=path) from exc
    except ValueError as exc:  # a NUL in the path
        raise ArchiveError(f"not a file name: {exc}", path=path) from exc
    if not head:
        return
    if len(head) < 100 or not head.startswith(_MAGIC):
        raise ArchiveError("not an SQLite database; refusing to use or overwrite it", path=path)
    found = int.from_bytes(head[68:72], "big")
    if found != APPLICATION_ID:
        raise ArchiveError(
            f"an SQLite database of another program (application_id {found:#010x}), not a "
            "centralasia_feed archive; refusing to use or overwrite it",
            path=path,
        )
    _check_length(path, head)


def _check_length(path: str, head: bytes) -> None:
    """A file shorter than its header says was cut off (unless a journal is about to restore it)."""
    if os.path.exists(path + "-journal") or head[92:96] != head[24:28]:
        return
    page_size = int.from_bytes(head[16:18], "big")
    expected = (65536 if page_size == 1 else page_size) * int.from_bytes(head[28:32], "big")
    actual = os.path.getsize(path)
    if actual < expected:
        raise ArchiveError(f"truncated: {actual} bytes where the header says {expected}", path=path)


def prepare(conn: sqlite3.Connection, path: str) -> None:
    """Create or migrate the archive behind ``conn``; a current archive is only read."""
    if _current(conn, path):
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        if not _current(conn, path):  # another process may have done it while we waited
            _upgrade(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _state(conn: sqlite3.Connection) -> tuple[int, int, set[str]]:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return version, application_id, {name for (name,) in rows}


def _current(conn: sqlite3.Connection, path: str) -> bool:
    """True for a current archive, False for an empty file or an older version; else raise."""
    version, application_id, tables = _state(conn)
    if version == 0 and application_id == 0 and not tables:
        return False
    if application_id != APPLICATION_ID:
        raise ArchiveError("not a centralasia_feed archive (wrong application_id)", path=path)
    if version > SCHEMA_VERSION:
        raise ArchiveError(
            f"archive schema version {version} is newer than this program's {SCHEMA_VERSION}; "
            "upgrade centralasia_feed",
            path=path,
        )
    if version not in TABLES or not TABLES[version] <= tables:
        raise ArchiveError(f"damaged archive: version {version} with tables {sorted(tables)}", path=path)
    return version == SCHEMA_VERSION


def _upgrade(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == 0:
        for statement in V1_SCHEMA:
            conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        version = 1
    while version < SCHEMA_VERSION:
        MIGRATIONS[version](conn)
        version += 1
    conn.execute(f"PRAGMA user_version = {version}")
