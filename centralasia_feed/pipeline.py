"""build(): read dumps -> parse -> archive -> render -> publish, as one transaction.

The archive transaction spans the whole build and commits last, after every file is in place:
a build that fails or is killed leaves the archive as it was, and each output file is either the
old one or the new one (the ``Publication`` renames complete files into place).
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from ._files import open_regular
from ._media import PAIR_FEEDS, media_type
from .archive import DEFAULT_PATH, MEMORY, Archive
from .archive_pages import articles_shown, main_links, newest_page, render_salt, write_archive_pages
from .config import FeedConfig
from .errors import ArchiveError, DumpError, FewerArticlesError, PublishError
from .models import KEPT_PER_KIND, Dump, Entry, Problem, Rate
from .parse import parse_dump
from .publish import BuildState, Publication
from .render import Lazy, atom_chunks, json_feed_chunks, rss_chunks
from .render.chart import figures
from .render.html import pairs_of
from .render.landing import landing_bytes
from .render.rates import RATES_CSV, RATES_PAGE, atom_bytes, daily_feed, days_of, json_bytes, pair_feed
from .render.rates_csv import csv_pieces, kept_rows
from .render.rates_page import DAY_MARK, kept_days, page_pieces
from .websub import is_topic

DEFAULT_ARCHIVE = DEFAULT_PATH
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
_CHUNK = 16 * 1024 * 1024
HISTORY_DAYS = 90  # archived dates per pair in the landing page charts (dates with rates, not days)
ARCHIVE_WAIT = 600.0  # seconds a build waits for another build to finish with the archive

DumpSource = Dump | str | os.PathLike[str]


@dataclass(frozen=True)
class OutputFile:
    """One file of the output folder: its name, media type, item count and whether it changed."""

    name: str
    media_type: str
    items: int
    changed: bool


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote and what it could not use; how many articles the archive holds after
    it (``archived``), of which it ``added`` and ``updated`` (older ones whose text, date or
    place it changed).

    ``topics`` are the URLs of the feeds that changed, when the config names WebSub hubs: what
    ``websub.ping`` is to tell them (a build itself never touches the network).
    """

    out_dir: Path
    files: tuple[OutputFile, ...]
    problems: tuple[Problem, ...]
    archived: int
    topics: tuple[str, ...] = ()
    added: int = 0
    updated: int = 0

    @property
    def changed(self) -> tuple[OutputFile, ...]:
        return tuple(file for file in self.files if file.changed)


@dataclass(frozen=True)
class Progress:
    """Where a running build stands, told to ``build(progress=...)`` after each dump it archived
    (``stage="read"``) and after each file it wrote (``stage="write"``, archive pages first).

    ``dumps_total`` is None when the dumps came as an iterator of unknown length; ``files_total``
    counts the files the build knows it will write: the archive pages once reading is done, then
    the feeds and the landing page too. ``archived`` is the articles the archive holds.
    """

    stage: Literal["read", "write"]
    dumps: int
    dumps_total: int | None
    archived: int
    files: int = 0
    files_total: int = 0


ProgressCallback = Callable[[Progress], None]
"""Called in the build's own thread; what it raises ends the build, as a failure would."""


def bundled_seeds() -> tuple[Path, ...]:
    """The seed dumps shipped inside the package (or, in a source checkout, in ``seeds/``)."""
    packaged = Path(str(importlib.resources.files(__package__ or "centralasia_feed") / "_seeds"))
    folder = packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "seeds"
    return tuple(sorted(folder.glob("*.txt")))


def read_dump(
    path: str | os.PathLike[str],
    *,
    strict: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    source: str | None = None,
) -> Dump:
    """Parse one dump file, refusing files over ``max_bytes`` before reading them. Problems and the
    archive name it ``source``, by default its path."""
    path = os.fspath(path)
    name = path if source is None else source
    try:
        with open_regular(path) as handle:  # a FIFO or a device would hang or never end
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise DumpError(f"file is {size:,} bytes, over the limit of {max_bytes:,}", source=name)
            data = _read_at_most(handle, max_bytes + 1)  # a file may grow as we read it
    except OSError as exc:
        raise DumpError(f"cannot read: {exc.strerror or exc}", source=name) from exc
    if len(data) > max_bytes:
        raise DumpError(f"file is over the limit of {max_bytes:,} bytes", source=name)
    return parse_dump(data, source=name, strict=strict)


def _read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """Up to ``limit`` bytes, in chunks: a growing file has no size to trust up front."""
    chunks: list[bytes] = []
    left = limit
    while left > 0 and (chunk := handle.read(min(left, _CHUNK))):
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _dumps(sources: Iterable[DumpSource], strict: bool, max_bytes: int) -> Iterator[Dump]:
    """Parse lazily, one dump at a time, so a long backfill never holds every dump in memory."""
    for source in sources:
        yield source if isinstance(source, Dump) else read_dump(source, strict=strict, max_bytes=max_bytes)


def build(
    dumps: Iterable[DumpSource] | DumpSource,
    out_dir: str | os.PathLike[str],
    config: FeedConfig | None = None,
    *,
    archive: str | os.PathLike[str] | None = None,
    strict: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_fewer: bool = False,
    sample: bool = False,
    progress: ProgressCallback | None = None,
) -> BuildReport:
    """Ingest dumps (paths or parsed Dumps, or one of them) and publish every feed into ``out_dir``.

    With ``archive=None`` the archive lives in memory for this build only; with a path, the
    SQLite archive there remembers what earlier builds published. A build that fails leaves the
    output folder and the archive as they were, and removes the folders it created. (A first build
    that fails after reading its first dump leaves a new archive file that holds nothing.)

    A build that would publish fewer articles than the folder shows raises FewerArticlesError,
    unless ``allow_fewer``. ``sample=True`` says the dumps are the bundled sample (the seed a
    build with no dumps publishes): they go only into an archive, and a folder, that hold nothing
    else.

    ``progress``, if given, is told where the build stands as it goes (see ``Progress``); the
    files are the same with or without it.
    """
    config = config or FeedConfig()
    if isinstance(dumps, (str, os.PathLike, Dump)):
        dumps = [dumps]  # one dump, not the characters of its name
    tell = _Teller(progress, len(dumps) if isinstance(dumps, Sized) else None)
    with Publication(out_dir) as folder:  # checked before any work; made folders go if the build fails
        parsed = _read_first(_dumps(dumps, strict, max_bytes))
        alone = None
        if sample:
            sampled = list(parsed)  # a sample is small, and read twice
            alone, parsed = _holding(sampled), iter(sampled)
            if folder.state is not None and not folder.state.sample:
                raise PublishError(f"shows more than {_SAMPLE}", path=str(folder.root))
        return _build(parsed, folder, config, _archive_path(archive), strict, allow_fewer, alone, tell)


def _build(
    parsed: Iterator[Dump],
    folder: Publication,
    config: FeedConfig,
    path: str,
    strict: bool,
    allow_fewer: bool,
    alone: _Holding | None,
    tell: _Teller,
) -> BuildReport:
    with Archive(path, timeout=ARCHIVE_WAIT) as store:
        with store.transaction():
            new, shown = store.count() == 0, store.revision_id  # what the folder shows, if up to date
            problems, earliest = _ingest(store, parsed, strict, _today(config), tell)
            if alone is not None:
                _keep_sample_apart(store, alone, path)
            if not allow_fewer:
                _never_fewer(store.count(), folder, path, new)
            if store.count() == 0 and not store.rate_dates(1):
                raise DumpError("nothing to publish: no articles or rates in the dumps or the archive")
            added, updated = store.tally()
            with folder.locked():  # from here, another build into the folder waits
                since = None if alone else _unchanged_before(folder, config, shown, earliest)
                items = _write(store, config, folder, since, tell)
                changed = set(folder.commit(_state(store, config, sample=alone is not None)))
        archived = store.count()
    names = sorted(items, key=lambda name: "/" in name)  # the feeds first, then the archive pages
    report = tuple(OutputFile(name, media_type(name), items[name], name in changed) for name in names)
    topics = tuple(config.url(file.name) for file in report if file.changed and is_topic(file.name))
    return BuildReport(folder.root, report, problems, archived, topics if config.hubs else (), added, updated)


def _state(store: Archive, config: FeedConfig, *, sample: bool) -> BuildState:
    """What the folder shows after this build: the archive revision, rendered with this program
    and config, and how many articles (the sample alone, if ``sample``)."""
    return BuildState(store.revision_id, render_salt(config), config.limit, store.count(), sample)


def _read_first(dumps: Iterator[Dump]) -> Iterator[Dump]:
    """The dumps, the first one read before the archive is opened: a first build given a dump it
    cannot read (missing, empty, binary) fails before it creates an archive file. The others are
    read one at a time as ingested."""
    first = next(dumps, None)
    return itertools.chain([first] if first is not None else [], dumps)


def _archive_path(archive: str | os.PathLike[str] | None) -> str:
    return os.fspath(archive) if archive is not None else MEMORY


def _never_fewer(total: int, folder: Publication, path: str, new: bool) -> None:
    """Never publish fewer articles than the folder shows (a mistyped archive path, a cron job run
    from another directory, a file emptied by accident, no archive at all): the build would cut
    the feeds down and delete archive pages readers have. Any archive given all of them is fine."""
    shown = articles_shown(folder)
    if total >= shown:
        return
    if path == MEMORY:
        why = f"a build with no archive has only its dumps' {total:,}"
    elif new:
        why = f"{path} is a new archive, and this build's dumps give it {total:,}"
    else:
        why = f"{path} holds {total:,}"
    raise FewerArticlesError(
        f"shows {shown:,} articles, but {why}", path=str(folder.root), shown=shown, publishing=total
    )


@dataclass(frozen=True)
class _Holding:
    """What an archive holding only a sample's dumps holds: its entries and rate dates."""

    entries: tuple[Entry, ...]
    rate_dates: tuple[dt.date, ...]


def _holding(dumps: Iterable[Dump]) -> _Holding:
    with Archive(MEMORY) as alone, alone.transaction():
        for dump in dumps:
            alone.add(dump)
        return _Holding(alone.entries(), alone.rate_dates())


def _keep_sample_apart(store: Archive, alone: _Holding, path: str) -> None:
    """A sample goes only where nothing else is: once in, an archive holds it for good, beside
    the real articles of a deployment that built it by accident. Entries are compared as readers
    see them (not where they were read), and only when there are as many."""
    enough = len(alone.rate_dates) + 1
    same = store.count() == len(alone.entries) and store.entries() == alone.entries
    if not same or store.rate_dates(enough) != alone.rate_dates:
        raise ArchiveError(f"holds more than {_SAMPLE}", path=path)


_SAMPLE = "the bundled sample, which a build with no dumps publishes; pass the day's dumps"


def _today(config: FeedConfig) -> dt.date:
    """Today in the feed's zone: the one reading of the clock, which checks input and never
    reaches an output file."""
    return dt.datetime.now(config.tz).date()


class _Teller:
    """What a build tells its ``progress`` callback: counts kept here, events made only if asked."""

    def __init__(self, callback: ProgressCallback | None, dumps_total: int | None) -> None:
        self.callback, self.dumps_total = callback, dumps_total
        self.dumps = self.archived = self.files = self.files_total = 0

    def read(self, archived: int) -> None:
        self.dumps, self.archived = self.dumps + 1, archived
        if self.callback is not None:
            self.callback(Progress("read", self.dumps, self.dumps_total, archived))

    def will_write(self, files: int) -> None:
        self.files_total += files

    def wrote(self) -> None:
        self.files += 1
        if self.callback is not None:
            done = (self.dumps, self.dumps_total, self.archived, self.files, self.files_total)
            self.callback(Progress("write", *done))


def _ingest(
    store: Archive, dumps: Iterator[Dump], strict: bool, today: dt.date, tell: _Teller
) -> tuple[tuple[Problem, ...], dt.date | None]:
    """Add the dumps to the archive, telling ``tell`` of each; their problems, and the earliest
    date of their rates (None when they have none): no archived rate dated before it can have
    changed."""
    problems = _Problems()
    earliest: dt.date | None = None
    for dump in dumps:
        problems.extend(dump.problems)
        problems.extend(_future_editions(dump, today))
        problems.extend(store.add(dump))
        if strict and problems.kept:
            first = problems.kept[0]
            raise DumpError(first.message, source=first.source, line=first.line)
        dates = [rate.date for rate in dump.rates]
        earliest = min([*dates, earliest] if earliest else dates, default=None)
        tell.read(store.count())
    return problems.all(), earliest


def _unchanged_before(
    folder: Publication, config: FeedConfig, shown: str, earliest: dt.date | None
) -> dt.date | None:
    """The date before which the folder's rates page and CSV already show what this build would
    write, so that it need not render those days again; None when they must be written whole.

    That is so only where the folder shows the archive as it stood before this build (its state
    names that revision, rendered with this program and config): then only the rates of this
    build's dumps changed, and with them at most the directions of later dates, which history
    fills."""
    state = folder.state
    if state is None or state.revision != shown or state.salt != render_salt(config):
        return None
    return earliest or dt.date.max


class _Problems:
    """A build's problems, bounded however many dumps it reads: each dump's, as its parse grouped
    them, until a kind has ``KEPT_PER_KIND`` of them; past that, the kind's problems of later dumps
    are one group, after all the others. (A build of one dump reports what its parse reports.)"""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.shown: dict[str, int] = {}
        self.folded: dict[str, tuple[int, Problem, Problem]] = {}  # kind: lines, first, last

    def extend(self, problems: Iterable[Problem]) -> None:
        full = {kind for kind, shown in self.shown.items() if shown >= KEPT_PER_KIND}
        for problem in problems:
            kind = problem.kind
            if kind not in full:
                self.kept.append(problem)
                self.shown[kind] = self.shown.get(kind, 0) + 1
            elif folded := self.folded.get(kind):
                self.folded[kind] = (folded[0] + problem.count, folded[1], problem)
            else:
                self.folded[kind] = (problem.count, problem, problem)

    def all(self) -> tuple[Problem, ...]:
        groups = (
            Problem.group(kind, count, (first.source, first.line), (last.source, last.last_line))
            for kind, (count, first, last) in self.folded.items()
        )
        return (*self.kept, *groups)


def _future_editions(dump: Dump, today: dt.date) -> list[Problem]:
    """An edition dated after tomorrow (a mistyped year, most likely), once per date: it is kept,
    but its articles would lead the feeds, above every later day's, until that date comes."""
    found: dict[dt.date, Problem] = {}
    for page in dump.pages:
        if page.date and page.date > today + dt.timedelta(days=1) and page.date not in found:
            message = f"page dated {page.date.isoformat()}, in the future (today is {today.isoformat()})"
            line = page.date_line or page.line
            found[page.date] = Problem(dump.source, line, message, kind="page dated in the future")
    return list(found.values())


def _write(
    store: Archive, config: FeedConfig, folder: Publication, since: dt.date | None, tell: _Teller
) -> dict[str, int]:
    """Render every file of the output folder into it; the item count of each, by name.

    Archive pages come first and the main feeds after them, so a feed never links a page that is
    not written yet. Each file is staged as soon as it is rendered: a first build of a long
    archive never holds all its pages. The rates page and CSV keep their days before ``since``
    (see ``_unchanged_before``) as the folder has them.
    """
    total = store.count()
    items = write_archive_pages(store, total, config, folder, tell)
    entries = tuple(store.iter_entries(config.limit))  # row by row: never all rows and all entries
    newest = newest_page(total, config.limit)
    dates = store.rate_dates(config.limit)
    rates = store.rates_on(dates)
    latest = tuple(rate for rate in rates if dates and rate.date == dates[0])
    history = store.rate_history(max(HISTORY_DAYS, config.limit))  # the charts', and the pairs' feeds
    pairs = pairs_of(history)
    charts = figures({pair: kept[-HISTORY_DAYS:] for pair, kept in history.items()})  # on both pages
    daily = daily_feed(rates, config)
    prepared = Lazy(entries, config)  # a batch at a time: a long --limit never holds every item's HTML
    feeds: list[tuple[str, Callable[[], bytes | Iterable[bytes]], int | Callable[[], int]]] = [
        ("rss.xml", lambda: rss_chunks(prepared, config, links=main_links("rss", newest)), len(entries)),
        ("atom.xml", lambda: atom_chunks(prepared, config, links=main_links("atom", newest)), len(entries)),
        ("feed.json", lambda: json_feed_chunks(prepared, config), len(entries)),
        ("rates.json", lambda: json_bytes(daily, config), len(daily.items)),
        ("rates.xml", lambda: atom_bytes(daily, config), len(daily.items)),
    ]
    feeds += _rates_files(store, config, folder, since, (pairs, charts))
    feeds.append(("index.html", lambda: landing_bytes(entries, latest, config, pairs, charts), len(entries)))
    tell.will_write(len(feeds))
    for name, render, count in feeds:  # each written as it is made: one document at a time in memory
        folder.write(name, render())
        items[name] = count if isinstance(count, int) else count()  # the rates files count as written
        tell.wrote()
    return items | _write_pair_feeds(history, config, folder, tell)


def _rates_files(
    store: Archive,
    config: FeedConfig,
    folder: Publication,
    since: dt.date | None,
    shown: tuple[list[tuple[str, str]], str],
) -> list[tuple[str, Callable[[], Iterable[bytes]], Callable[[], int]]]:
    """rates.csv and rates.html, each with its rows or days before ``since`` kept from the folder
    where it has them (a daily build renders its new days alone, however long the history);
    ``shown`` is what the page offers and shows besides (pairs, charts). Both stream from the
    archive as they are written, and count their items (rows and days) as they pass."""
    old_days = kept_days(folder.read(RATES_PAGE), since) if since else None
    old_rows = kept_rows(folder.read(RATES_CSV), since) if since else None
    fresh_days = store.iter_rates_since(since if old_days is not None else None, newest_first=True)
    fresh_rows = store.iter_rates_since(since if old_rows is not None else None)
    table = _Counted(csv_pieces(fresh_rows, old_rows or b""), b"\n")
    page = _Counted(page_pieces(days_of(fresh_days), old_days or b"", config, *shown), DAY_MARK)
    return [
        (RATES_CSV, lambda: table, lambda: table.count - 1),  # the header's line is no row
        (RATES_PAGE, lambda: page, lambda: page.count),
    ]


class _Counted:
    """A file's pieces as they pass to the folder, counting ``mark`` in them: its items, known once
    it is written, though it is never held whole (no piece cuts a mark in two)."""

    def __init__(self, pieces: Iterable[bytes], mark: bytes) -> None:
        self.pieces, self.mark, self.count = pieces, mark, 0

    def __iter__(self) -> Iterator[bytes]:
        for piece in self.pieces:
            self.count += piece.count(self.mark)
            yield piece


def _write_pair_feeds(
    history: dict[str, tuple[Rate, ...]], config: FeedConfig, folder: Publication, tell: _Teller
) -> dict[str, int]:
    """Each pair's feeds, in JSON Feed and Atom; those of pairs the archive does not have (the
    folder showed another archive) go."""
    items: dict[str, int] = {}
    feeds = [feed for pair_rates in history.values() if (feed := pair_feed(pair_rates, config)) is not None]
    tell.will_write(2 * len(feeds))
    for feed in feeds:
        for name, data in (
            (f"{feed.path}.json", json_bytes(feed, config)),
            (f"{feed.path}.xml", atom_bytes(feed, config)),
        ):
            folder.write(name, data)
            items[name] = len(feed.items)
            tell.wrote()
    for name in sorted(folder.names(PAIR_FEEDS)):
        if f"{PAIR_FEEDS}/{name}" not in items:
            folder.remove(f"{PAIR_FEEDS}/{name}")
    return items
