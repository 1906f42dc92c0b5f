"""The SQLite archive: what every build saw, so feeds keep every article, each with a stable id.

    with Archive("centralasia_feed.sqlite") as archive:
        with archive.transaction():
            problems = archive.add(dump)
        newest = archive.entries(50)
        kzt = archive.rates("KZT/USD")

Articles are kept by slug with every (slug, edition date) sighting and each text once by its
hash; an entry's published stamp is its first sighting, its updated stamp the first sighting of
its current text. Rates are kept per (pair, date) as written. Only the standard library's
sqlite3 is used; the file is checked before SQLite may touch it (see ``_schema``).

Every transaction that changes the archive is a revision, with an id that hashes the revision
before's and the rows it wrote (see ``_revisions``). Each entry remembers the revision that last
changed it, so a reader such as a published folder records the id it saw (``revision_id``) and
asks later what changed since (``revision_of``, ``changes_since``) without reading every entry.

The file keeps SQLite's default rollback journal (DELETE), not WAL: a build writes once a day,
so WAL's concurrent readers buy nothing, while the archive stays one self-contained file to copy
or back up (no ``-wal``/``-shm`` companions holding committed data) that also works on network
file systems. A killed build leaves a ``-journal`` that the next open rolls back.
"""

from ._archive import DEFAULT_PATH, MEMORY, Archive
from ._revisions import Changes
from ._schema import APPLICATION_ID, SCHEMA_VERSION

__all__ = [
    "APPLICATION_ID",
    "DEFAULT_PATH",
    "MEMORY",
    "SCHEMA_VERSION",
    "Archive",
    "Changes",
]
