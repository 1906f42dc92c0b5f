"""build(): read dumps -> parse -> archive -> render -> publish, as one transaction.

The archive transaction spans the whole build and commits last, after every file is in place:
a build that fails or is killed leaves the archive as it was, and each output file is either the
old one or the new one (publish renames complete files into place).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.resources
import itertools
import os
import sys
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, ClassVar

from ._version import __version__
from .archive import Archive, ArchivePage, Changes, archive_page, archived, newest_page, page_count, page_of
from .config import FeedConfig
from .errors import ConfigError, DumpError, PublishError
from .models import Dump, Entry, Problem
from .parse import parse_dump
from .publish import is_temporary, media_type, publish
from .render import (
    ArchiveLinks,
    render_atom,
    render_index,
    render_json_feed,
    render_rates_feed,
    render_rss,
)

DEFAULT_ARCHIVE = "centralasia_feed.sqlite"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
MANIFEST = ".build-manifest"  # what the archive pages in the folder show (see _Manifest)
_CHUNK = 16 * 1024 * 1024
MAX_LIMIT = 1_000_000  # items per feed; SQLite cannot take a LIMIT past 2**63
HISTORY_DAYS = 90  # points per pair in the landing page charts

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
    """What a build wrote and what it could not use."""

    out_dir: Path
    files: tuple[OutputFile, ...]
    problems: tuple[Problem, ...]
    archived: int

    @property
    def changed(self) -> tuple[OutputFile, ...]:
        return tuple(file for file in self.files if file.changed)


def bundled_seeds() -> tuple[Path, ...]:
    """The seed dumps shipped inside the package (or, in a source checkout, in ``seeds/``)."""
    packaged = Path(str(importlib.resources.files(__package__ or "centralasia_feed") / "_seeds"))
    folder = packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "seeds"
    return tuple(sorted(folder.glob("*.txt")))


def read_dump(
    path: str | os.PathLike[str], *, strict: bool = False, max_bytes: int = DEFAULT_MAX_BYTES
) -> Dump:
    """Parse one dump file, refusing files over ``max_bytes`` before reading them."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
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
    """Up to ``limit`` bytes, in chunks: a pipe or a growing file has no size to trust up front."""
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
    dumps: Iterable[DumpSource],
    out_dir: str | os.PathLike[str],
    config: FeedConfig | None = None,
    *,
    archive: str | os.PathLike[str] | None = None,
    strict: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> BuildReport:
    """Ingest dumps (paths or parsed Dumps) and publish every feed into ``out_dir``.

    With ``archive=None`` the history lives in memory for this build only; with a path, the
    SQLite archive there remembers what earlier builds published.
    """
    config = config or FeedConfig()
    if config.limit > MAX_LIMIT:
        raise ConfigError(f"limit must be at most {MAX_LIMIT:,}, not {config.limit:,}")
    out = Path(out_dir)
    with _new_file_kept_on_success(archive), Archive(_archive_path(archive)) as store:
        with store.transaction():
            problems = _ingest(store, _dumps(dumps, strict, max_bytes), strict)
            if store.count() == 0 and not store.rate_dates(1):
                raise DumpError("nothing to publish: no articles or rates in the dumps or the archive")
            items: dict[str, int] = {}
            changed = set(publish(out, _counted(_render(store, config, out), items)))
        archived = store.count()
    names = sorted((name for name in items if not is_temporary(name)), key=lambda name: "/" in name)
    report = tuple(OutputFile(name, media_type(name), items[name], name in changed) for name in names)
    return BuildReport(out, report, problems, archived)


def _archive_path(archive: str | os.PathLike[str] | None) -> str:
    return os.fspath(archive) if archive is not None else ":memory:"


@contextlib.contextmanager
def _new_file_kept_on_success(archive: str | os.PathLike[str] | None) -> Iterator[None]:
    """A build that fails leaves no archive behind where there was none (SQLite made the file)."""
    path = _archive_path(archive)
    created = path != ":memory:" and not os.path.lexists(path)
    try:
        yield
    except BaseException:
        if created:
            for leftover in (path, path + "-journal"):
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
        raise


def _ingest(store: Archive, dumps: Iterator[Dump], strict: bool) -> tuple[Problem, ...]:
    problems: list[Problem] = []
    for dump in dumps:
        problems.extend(dump.problems)
        problems.extend(store.add(dump))
        if strict and problems:
            first = problems[0]
            raise DumpError(first.message, source=first.source, line=first.line)
    return tuple(problems)


Rendered = Iterator[tuple[str, bytes, int]]  # (file name, bytes, item count), one file at a time


def _counted(files: Rendered, items: dict[str, int]) -> Iterator[tuple[str, bytes]]:
    """The files to publish, noting each one's item count for the report as it goes by."""
    for name, data, count in files:
        items[name] = count
        yield name, data


def _render(store: Archive, config: FeedConfig, out: Path) -> Rendered:
    """Every file of the output folder with its item count, one at a time, in the order to publish.

    Archive pages come first and the main feeds after them, so a feed never links a page that is
    not written yet; the manifest comes last, so a build killed between renames leaves the old
    manifest, and the next build renders again every page the changes since then touch (a
    killed build whose changes the next one lacks may leave a page it renamed, as before).
    Made lazily, so publishing stages each page as soon as it is rendered: a first build of a
    long history never holds all its pages.
    """
    total = store.count()
    manifest = yield from _archive_files(store, total, config, out)
    entries = store.entries(config.limit)
    newest = newest_page(total, config.limit)
    dates = store.rate_dates(config.limit)
    rates = store.rates_on(dates)
    latest = tuple(rate for rate in rates if dates and rate.date == dates[0])
    yield "rss.xml", render_rss(entries, config, links=_main_links("rss", newest)), len(entries)
    yield "atom.xml", render_atom(entries, config, links=_main_links("atom", newest)), len(entries)
    yield "feed.json", render_json_feed(entries, config), len(entries)
    yield "rates.json", render_rates_feed(rates, config), len(dates)
    history = store.rate_history(HISTORY_DAYS)
    yield "index.html", render_index(entries, latest, config, history=history), len(entries)
    yield MANIFEST, manifest, 0


def _page_name(kind: str, index: int) -> str:
    return f"archive/{kind}-{index}.xml"


def _main_links(kind: str, newest: int | None) -> ArchiveLinks:
    previous = _page_name(kind, newest) if newest else None
    return ArchiveLinks(self_path=f"{kind}.xml", prev_archive=previous)


def _page_links(kind: str, page: ArchivePage) -> ArchiveLinks:
    """An archive page names the feed, the page before it and, once full, the page after it.

    None of these ever changes for a full page: the page after a full one always exists (the open
    page, maybe empty), and a page never links the feed's newest page, which moves.
    """
    return ArchiveLinks(
        self_path=_page_name(kind, page.index),
        current=f"{kind}.xml",
        prev_archive=_page_name(kind, page.previous) if page.previous else None,
        next_archive=_page_name(kind, page.next) if page.next else None,
    )


@dataclass(frozen=True)
class _Manifest:
    """What the archive pages in a folder show: the program and config that rendered them
    (``salt``), the page size, the archive entries' fingerprint and how many were archived.

    All of it follows from the entries and the config, so equal builds leave equal manifests
    whichever archive, order of dumps or number of builds made them.
    """

    salt: str
    size: int
    fingerprint: str
    archived: int

    HEADER: ClassVar[str] = "centralasia_feed archive pages 2"

    def encode(self) -> bytes:
        fields = (self.HEADER, self.salt, self.size, self.fingerprint, self.archived)
        return "".join(f"{field}\n" for field in fields).encode()

    @classmethod
    def read(cls, path: Path) -> _Manifest | None:
        """The manifest in ``path``; None when it is missing, unreadable or of another format."""
        lines = (_read_text(path) or "").splitlines()
        if len(lines) != 5 or lines[0] != cls.HEADER or not (lines[2].isdigit() and lines[4].isdigit()):
            return None
        return cls(lines[1], int(lines[2]), lines[3], int(lines[4]))


def _archive_files(
    store: Archive, total: int, config: FeedConfig, out: Path
) -> Generator[tuple[str, bytes, int], None, bytes]:
    """The RFC 5005 archive documents that may have changed, one at a time; returns the manifest.

    A build reads and renders only the pages that changed since the folder was last built (see
    ``_stale``) and those whose file has gone, so its cost follows what changed, not the size of
    the history.
    """
    size = config.limit
    last = page_count(total, size)
    now = _Manifest(_salt(config), size, store.fingerprint, archived(total, size))
    edited, start = _stale(store, _Manifest.read(out / MANIFEST), now)
    below = min(start, last + 1)
    for index in sorted(index for index in edited | _missing(out, below) if index < below):
        page = archive_page(index, total, size)
        yield from _page_files(page, store.entries(page.count, page.offset), config)
    for page, chunk in _pages_from(store, below, total, size):
        yield from _page_files(page, chunk, config)
    return now.encode()


def _stale(store: Archive, old: _Manifest | None, now: _Manifest) -> tuple[set[int], int]:
    """The archive pages that may differ from the folder's: some pages, then all from a page on.

    The folder's manifest names the entries it shows by fingerprint. Found among this archive's
    revisions, only entries changed since that revision are new to the folder: pages holding an
    entry edited in place, every page from the oldest entry new or moved (those above it shift),
    and every page from the old open page, the only one that can have filled. Anything else (no
    manifest, another config or page size, entries this archive never held) makes all stale.
    """
    if old is None or (old.salt, old.size) != (now.salt, now.size):
        return set(), 1
    changes = Changes(None)
    if old.fingerprint != now.fingerprint:
        since = store.revision_of(old.fingerprint)
        if since is None or old.archived > now.archived:
            return set(), 1
        changes = store.changes_since(since)
    starts = [page_of(changes.moved, now.size)] if changes.moved is not None else []
    starts += [page_of(old.archived, now.size)] if old.archived != now.archived else []
    return {page_of(rank, now.size) for rank in changes.edited}, min(starts, default=sys.maxsize)


def _missing(out: Path, below: int) -> set[int]:
    """Pages before ``below`` with a file gone from the folder: one listing of it, no reads."""
    if below <= 1:
        return set()
    try:
        names = {entry.name for entry in os.scandir(out / "archive")}
    except OSError:
        names = set()
    wanted = ((index, f"{kind}-{index}.xml") for index in range(1, below) for kind in ("rss", "atom"))
    return {index for index, name in wanted if name not in names}


def _pages_from(
    store: Archive, start: int, total: int, size: int
) -> Iterator[tuple[ArchivePage, tuple[Entry, ...]]]:
    """Pages ``start`` to the newest with their entries, newest page first, from one index walk.

    The walk starts at the feed's boundary (offset ``size``) and reads only these pages' entries.
    """
    last = page_count(total, size)
    if start > last:
        return
    first = archive_page(start, total, size)
    entries = store.iter_entries(first.offset + first.count - size, offset=size)
    for index in range(last, start - 1, -1):
        page = archive_page(index, total, size)
        yield page, tuple(itertools.islice(entries, page.count))
    next(entries, None)  # end the walk, so its statement is done before the commit


def _page_files(page: ArchivePage, entries: Sequence[Entry], config: FeedConfig) -> Rendered:
    """The RSS and Atom documents of one archive page."""
    for kind, render in (("rss", render_rss), ("atom", render_atom)):
        links = _page_links(kind, page)
        yield links.self_path, render(entries, config, links=links), len(entries)


def _salt(config: FeedConfig) -> str:
    """Changes whenever pages would render differently for the same entries."""
    return hashlib.sha256(f"{__version__}\n{config!r}".encode()).hexdigest()


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def check_output_folder(out_dir: str | os.PathLike[str]) -> None:
    """Fail early, before any work, when the output folder cannot be created or written."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot create the output folder: {exc.strerror or exc}", path=str(out)) from exc
    if not os.access(out, os.W_OK | os.X_OK):
        raise PublishError("the output folder is not writable", path=str(out))
