"""The Archive: one SQLite file that remembers every article and rate seen across builds."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from types import TracebackType

from ..errors import ArchiveError
from ..models import Dump, Entry, Problem, Rate
from . import _articles, _rates
from ._derive import older
from ._schema import check_file, prepare

DEFAULT_PATH = "centralasia_feed.sqlite"
MEMORY = ":memory:"


class Archive:
    """What every build saw: articles by slug with their stamps, and every (pair, date) rate.

    Open it, ``add`` dumps inside ``transaction()``, then read ``entries``, ``chunk`` and ``rates``.
    Every result depends only on the set of dumps added, not on their order (contradicting dumps
    aside: there the first archived wins, and a Problem names both sources). ``":memory:"`` gives a
    throwaway archive, so a build without a file runs the same code.

    An entry's ``article`` is its current text, dated where that text first appeared
    (``entry.updated``). One Archive belongs to one thread; open one per thread or process.
    """

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_PATH, *, timeout: float = 30.0) -> None:
        self.path = os.fspath(path)
        self._changed: _articles.Key | None = None  # the oldest entry changed since opening
        self._pending: _articles.Key | None = None  # the same, within the open transaction
        self._in_transaction = False
        if self.path != MEMORY:
            check_file(self.path)
        with self._errors():
            self._conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        try:
            with self._errors():
                prepare(self._conn, self.path)
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

    @contextmanager
    def transaction(self) -> Iterator[Archive]:
        """One IMMEDIATE transaction: all of it is kept, or on any exception none of it.

        Another process holding the archive is waited for (up to ``timeout`` seconds). Nested
        calls join the outer transaction.
        """
        if self._in_transaction:
            yield self
            return
        with self._errors():
            self._conn.execute("BEGIN IMMEDIATE")
        self._in_transaction = True
        try:
            yield self
            with self._errors():
                self._conn.execute("COMMIT")
        except BaseException:
            with suppress(sqlite3.Error):  # the error that got us here matters more
                self._conn.execute("ROLLBACK")
            self._pending = None
            raise
        finally:
            self._in_transaction = False
        self._changed, self._pending = self._oldest(self._changed, self._pending), None

    def add(self, dump: Dump) -> tuple[Problem, ...]:
        """Record a dump's articles and rates; the contradictions it brought, as Problems.

        All or nothing, even inside a larger transaction (a savepoint); outside one it makes its own.
        """
        with self.transaction(), self._errors():
            before = self._pending
            self._conn.execute("SAVEPOINT add_dump")
            try:
                problems = self._record(dump)
            except BaseException:
                self._conn.execute("ROLLBACK TO add_dump")
                self._pending = before
                raise
            finally:
                self._conn.execute("RELEASE add_dump")
        return problems

    def _record(self, dump: Dump) -> tuple[Problem, ...]:
        problems: list[Problem] = []
        for article in dump.articles:
            problem, dirty = _articles.record(self._conn, article, dump.source)
            problems.extend([problem] if problem else [])
            key = _articles.refresh(self._conn, article.slug) if dirty else None
            self._pending = self._oldest(self._pending, key)
        for rate in dump.rates:
            problem = _rates.record(self._conn, rate, dump.source)
            problems.extend([problem] if problem else [])
        return tuple(problems)

    @staticmethod
    def _oldest(a: _articles.Key | None, b: _articles.Key | None) -> _articles.Key | None:
        if a is None or b is None:
            return b if a is None else a
        return a if older(a, b) else b

    def entries(self, limit: int | None = None, offset: int = 0) -> tuple[Entry, ...]:
        """Entries newest first: published date descending, position ascending, slug ascending."""
        with self._errors():
            return _articles.entries(self._conn, limit, offset)

    def entry(self, slug: str) -> Entry | None:
        with self._errors():
            return _articles.entry(self._conn, slug)

    def count(self) -> int:
        with self._errors():
            return _articles.count(self._conn)

    def full_chunks(self, size: int) -> int:
        """How many archive pages of ``size`` entries are full (RFC 5005: those never change)."""
        return self.count() // _positive(size)

    def chunk(self, index: int, size: int) -> tuple[Entry, ...]:
        """Archive page ``index`` (1 is the oldest) of entries cut oldest first into ``size``s.

        Returned newest first, for rendering. The index is walked from the nearer end, so
        the newest pages cost what they hold, not the whole history.
        """
        if index < 1:
            raise ValueError(f"chunk index starts at 1, not {index}")
        start, total = (index - 1) * _positive(size), self.count()
        stop = min(total, start + size)
        if start >= stop:
            return ()
        with self._errors():
            if total - stop <= start:
                return _articles.entries(self._conn, stop - start, total - stop)
            oldest_first = _articles.entries(self._conn, stop - start, start, newest_first=False)
        return oldest_first[::-1]

    def changed_from(self, size: int) -> int | None:
        """The lowest chunk index whose entries changed since this Archive was opened, or None.

        Counts committed changes and those of the open transaction; a rolled-back one is forgotten.
        """
        key = self._oldest(self._changed, self._pending)
        if key is None:
            return None
        with self._errors():
            rank = self.count() - 1 - _articles.count_newer(self._conn, key)
        return rank // _positive(size) + 1

    def rates(self, pair: str | None = None) -> tuple[Rate, ...]:
        """Every archived rate (of one ``BASE/QUOTE`` pair if given), oldest first, pairs sorted.

        Where the dump wrote no sign, ``direction`` compares the value with the pair's previous
        archived date: "up", "down" or "flat", and None when there is no earlier value.
        """
        with self._errors():
            return _rates.rates(self._conn, pair)

    def rate_dates(self, limit: int | None = None) -> tuple[dt.date, ...]:
        """The edition dates that have rates, newest first."""
        with self._errors():
            return _rates.rate_dates(self._conn, limit)

    def rates_on(self, dates: Iterable[dt.date]) -> tuple[Rate, ...]:
        """The rates of those dates, newest date first, pairs sorted within a date."""
        with self._errors():
            return _rates.rates_on(self._conn, dates)

    def latest_rates(self, limit: int) -> tuple[Rate, ...]:
        """The rates of the newest ``limit`` dates: one rates-feed item per date."""
        return self.rates_on(self.rate_dates(limit))

    def rate_history(self, last: int | None = None) -> dict[str, tuple[Rate, ...]]:
        """Per pair (sorted), its rates oldest first, cut to its ``last`` dates when given."""
        with self._errors():
            return _rates.rate_history(self._conn, last)


def _positive(size: int) -> int:
    if size < 1:
        raise ValueError(f"a chunk size is at least 1, not {size}")
    return size
