"""The Archive: one SQLite file that remembers every article and rate seen across builds."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from types import TracebackType

from ..errors import ArchiveError
from ..models import Dump, Entry, EntryRow, Problem, Rate
from . import _articles, _rates, _revisions
from ._revisions import Changes
from ._schema import check_file, prepare

DEFAULT_PATH = "centralasia_feed.sqlite"
MEMORY = ":memory:"
_WAIT_STEP = 0.1  # seconds SQLite itself waits for a lock before we look again (and Ctrl-C can act)
_LOG = logging.getLogger("centralasia_feed")


class Archive:
    """What every build saw: articles by slug with their stamps, and every (pair, date) rate.

    Open it, ``add`` dumps inside ``transaction()``, then read ``entries`` and ``rates``.
    Every result depends only on the set of dumps added, not on their order (contradicting dumps
    aside: there the first archived wins, and a Problem names both sources). ``":memory:"`` gives a
    throwaway archive, so a build without a file runs the same code.

    An entry's ``article`` is its current text, dated where that text first appeared
    (``entry.updated``). One Archive belongs to one thread; open one per thread or process.
    """

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_PATH, *, timeout: float = 30.0) -> None:
        self.path = os.fspath(path)
        self.timeout = timeout
        self._work: _Work | None = None  # the open transaction's, if any
        if self.path != MEMORY:
            check_file(self.path)
        with self._errors():
            self._conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        try:
            with self._errors():
                self._patiently(lambda: prepare(self._conn, self.path))
        except BaseException:
            self._conn.close()
            raise

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file; an open transaction is rolled back. Closing twice is harmless."""
        with self._errors():
            self._conn.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise ArchiveError(f"SQLite: {exc}", path=self.path) from exc

    def _patiently(self, action: Callable[[], object]) -> None:
        """``action``, tried again while another connection holds the file, for up to ``timeout``
        seconds, saying once that it waits. SQLite's own wait sleeps in C, where Ctrl-C cannot
        reach it for as long as ten minutes; this one sleeps in Python between short tries."""
        deadline, said = time.monotonic() + self.timeout, False
        self._conn.execute(f"PRAGMA busy_timeout = {int(_WAIT_STEP * 1000)}")
        try:
            while True:
                try:
                    action()
                    return
                except sqlite3.OperationalError as exc:
                    if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                        raise
                if not said:
                    _LOG.warning(
                        "%s: another process holds the archive; waiting up to %g s", self.path, self.timeout
                    )
                    said = True
                time.sleep(_WAIT_STEP)
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")

    @contextmanager
    def transaction(self) -> Iterator[Archive]:
        """One EXCLUSIVE transaction: all of it is kept, or on any exception none of it.

        Another process holding the archive, reading or writing, is waited for (up to ``timeout``
        seconds), and readers wait for this one. Taking the whole lock up front means the COMMIT
        cannot find a reader in its way: a build publishes its files before committing, and must
        not then fail on a lock. Nested calls join the outer transaction. One that changed
        anything commits as the next revision.
        """
        if self._work is not None:
            yield self
            return
        with self._errors():
            self._patiently(lambda: self._conn.execute("BEGIN EXCLUSIVE"))
            self._work = _Work(*_revisions.latest(self._conn), self._conn.total_changes)
        try:
            yield self
            with self._errors():
                self._work.commit(self._conn)
                self._conn.execute("COMMIT")
        except BaseException:
            with suppress(sqlite3.Error):  # the error that got us here matters more
                self._conn.execute("ROLLBACK")
            raise
        finally:
            self._work = None

    def add(self, dump: Dump) -> tuple[Problem, ...]:
        """Record a dump's articles and rates; the contradictions it brought, as Problems.

        All or nothing, even inside a larger transaction (a savepoint); outside one it makes its own.
        """
        with self.transaction(), self._errors():
            work = self._work
            assert work is not None  # the transaction made it
            before, changes = work.entries, self._conn.total_changes
            self._conn.execute("SAVEPOINT add_dump")
            try:
                problems = self._record(dump, work)
            except BaseException:
                work.forget(before, self._conn.total_changes - changes)
                self._end_savepoint("ROLLBACK TO add_dump")
                raise
            self._conn.execute("RELEASE add_dump")
        return problems

    def _end_savepoint(self, statement: str) -> None:
        """Undo a failed add; after a full disk SQLite may have rolled back everything already, and
        the error to report is the one that got us here, not "no such savepoint"."""
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute(statement)
                self._conn.execute("RELEASE add_dump")

    def _record(self, dump: Dump, work: _Work) -> tuple[Problem, ...]:
        """A dump's articles and rates, each kind read and written with a few statements."""
        problems, changed = _articles.record(self._conn, dump.articles, dump.source)
        work.entries += _articles.refresh(self._conn, changed, work.revision + 1)
        return (*problems, *_rates.record(self._conn, dump.rates, dump.source))

    def entries(self, limit: int | None = None, offset: int = 0) -> tuple[Entry, ...]:
        """Entries newest first: published date descending, position ascending, slug ascending.

        Meant for pages (the offset is skipped in the index); for long runs, ``iter_entries``.
        """
        with self._errors():
            return _articles.entries(self._conn, limit, offset)

    def iter_entries(self, limit: int | None = None, offset: int = 0) -> Iterator[Entry]:
        """The same entries one at a time, in constant memory, for a run of any length.

        Skipped entries are read, so keep ``offset`` small. Do not change the archive while
        the iterator is alive.
        """
        with self._errors():
            yield from _articles.stream(self._conn, limit, offset)

    def rows(self, limit: int | None = None, offset: int = 0) -> list[EntryRow]:
        """``entries`` as the renderer takes them, with no ``Entry`` made (see ``EntryRow``)."""
        with self._errors():
            return _articles.rows(self._conn, limit, offset)

    def iter_rows(self, limit: int | None = None, offset: int = 0) -> Iterator[EntryRow]:
        """``iter_entries`` as the renderer takes them, one at a time, with no ``Entry`` made: what
        pages cut from one walk of the index render straight from."""
        with self._errors():
            yield from _articles.stream_rows(self._conn, limit, offset)

    def entry(self, slug: str) -> Entry | None:
        with self._errors():
            return _articles.entry(self._conn, slug)

    def count(self) -> int:
        """How many entries there are (the open transaction's included), without counting them."""
        if self._work is not None:
            return self._work.entries
        with self._errors():
            return _revisions.latest(self._conn)[2]

    def tally(self) -> tuple[int, int]:
        """(added, updated): the entries the open transaction added, and the older ones whose
        published form it changed (text, date or place), each counted once; (0, 0) outside one."""
        if self._work is None:
            return 0, 0
        with self._errors():
            changed = _revisions.count_changed(self._conn, self._work.revision + 1)
        added = self._work.entries - self._work.started
        return added, changed - added

    @property
    def revision(self) -> int:
        """The last committed revision: 0 for a new archive, one more per transaction that changed it."""
        with self._errors():
            return _revisions.latest(self._conn)[0]

    @property
    def revision_id(self) -> str:
        """The id of the revision the entries stand at, the open transaction's if it changed anything:
        what a reader records to ask later, of this archive alone, what changed since
        (``revision_of``, ``changes_since``)."""
        if self._work is not None:
            return self._work.current_id(self._conn)
        with self._errors():
            return _revisions.latest(self._conn)[1]

    def revision_of(self, revision_id: str) -> int | None:
        """The committed revision of this id; None if this archive has none (the id is another
        archive's, or of a transaction rolled back)."""
        with self._errors():
            return _revisions.revision_of(self._conn, revision_id)

    def changes_since(self, revision: int, *, most: int = 64) -> Changes:
        """Which entries changed after ``revision`` (the open transaction included), by rank.

        Costs the changed rows, plus an index count of the entries newer than each one ranked:
        for a daily build, a few dozen rows near the top of the order. More than ``most``
        entries edited in place count as moved from the oldest of them.
        """
        with self._errors():
            moved, edited = _revisions.changed_since(self._conn, revision, most)
            total = self.count()
            ranks = [total - 1 - _articles.count_newer(self._conn, key) for key in edited]
            moved_rank = None if moved is None else total - 1 - _articles.count_newer(self._conn, moved)
        return Changes(moved_rank, tuple(sorted(ranks)))

    def rates(self, pair: str | None = None) -> tuple[Rate, ...]:
        """Every archived rate (of one ``BASE/QUOTE`` pair if given), oldest first, pairs sorted.

        Where the dump wrote no sign, ``direction`` compares the value with the pair's previous
        archived date: "up", "down" or "flat", and None when there is no earlier value.
        """
        with self._errors():
            return _rates.rates(self._conn, pair)

    def iter_rates_since(self, day: dt.date | None = None, *, newest_first: bool = False) -> Iterator[Rate]:
        """The rates dated ``day`` or later (every rate without one), one at a time, in constant
        memory: oldest date first, or newest first if asked, pairs sorted within a date; directions
        as ``rates`` gives them. Do not change the archive while the iterator is alive."""
        with self._errors():
            yield from _rates.iter_rates_since(self._conn, day, newest_first=newest_first)

    def rate_dates(self, limit: int | None = None) -> tuple[dt.date, ...]:
        """The edition dates that have rates, newest first."""
        with self._errors():
            return _rates.rate_dates(self._conn, limit)

    def rates_on(self, dates: Iterable[dt.date]) -> tuple[Rate, ...]:
        """The rates of those dates, newest date first, pairs sorted within a date."""
        with self._errors():
            return _rates.rates_on(self._conn, dates)

    def rate_history(self, last: int | None = None) -> dict[str, tuple[Rate, ...]]:
        """Per pair (sorted), its rates oldest first, cut to its ``last`` dates when given."""
        with self._errors():
            return _rates.rate_history(self._conn, last)


class _Work:
    """The open transaction's bookkeeping: the revision it started from and its id, the live number
    of entries, and the change count that says whether it changed anything (rolled-back savepoints
    excluded).
    """

    def __init__(self, revision: int, revision_id: str, entries: int, changes: int) -> None:
        self.revision, self.revision_id = revision, revision_id
        self.entries, self._baseline = entries, changes
        self.started = entries  # entries only ever come, so the difference is what was added

    def forget(self, entries: int, changes: int) -> None:
        """A savepoint was rolled back: its changes are gone, and so are the entries it added."""
        self.entries, self._baseline = entries, self._baseline + changes

    def current_id(self, conn: sqlite3.Connection) -> str:
        """The id the transaction commits as, from the rows it wrote so far (see ``_revisions``)."""
        if conn.total_changes == self._baseline:
            return self.revision_id
        return _revisions.next_id(conn, self.revision_id, self.revision + 1)

    def commit(self, conn: sqlite3.Connection) -> None:
        if conn.total_changes > self._baseline:
            _revisions.commit(conn, self.revision + 1, self.current_id(conn), self.entries)
