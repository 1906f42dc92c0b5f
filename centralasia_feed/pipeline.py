"""build(): read dumps -> parse -> archive -> render -> publish, as one transaction.

The archive transaction spans the whole build and commits last, after every file is in place:
a build that fails or is killed leaves the archive as it was, and each output file is either the
old one or the new one (publish renames complete files into place).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.resources
import itertools
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
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
            files, pages = _render(store, config, out)  # the archive pages are published already
            changed = set(publish(out, {name: data for name, (data, _) in files.items()}))
        archived = store.count()
    items = {name: n for name, (_, n) in files.items()} | {name: n for name, (n, _) in pages.items()}
    changed.update(name for name, (_, fresh) in pages.items() if fresh)
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


Rendered = dict[str, tuple[bytes, int]]
Published = dict[str, tuple[int, bool]]  # file name -> (items, whether its bytes changed)


def _render(store: Archive, config: FeedConfig, out: Path) -> tuple[Rendered, Published]:
    """The main files of the output folder to publish, in order, and the archive pages published.

    Archive pages are published here, each as soon as it is rendered (holding them all would hold
    the history), after the main feeds are rendered (so a feed that fails to render leaves no page
    behind) and before those are published (so a feed never links a page not written yet). The
    manifest comes last, so a build killed while publishing renders again whatever it may not
    have finished.
    """
    total = store.count()
    entries = store.entries(config.limit)
    newest = newest_page(total, config.limit)
    dates = store.rate_dates(config.limit)
    rates = store.rates_on(dates)
    latest = tuple(rate for rate in rates if dates and rate.date == dates[0])
    files: Rendered = {}
    files["rss.xml"] = (render_rss(entries, config, links=_main_links("rss", newest)), len(entries))
    files["atom.xml"] = (render_atom(entries, config, links=_main_links("atom", newest)), len(entries))
    files["feed.json"] = (render_json_feed(entries, config), len(entries))
    files["rates.json"] = (render_rates_feed(rates, config), len(dates))
    history = store.rate_history(HISTORY_DAYS)
    files["index.html"] = (render_index(entries, latest, config, history=history), len(entries))
    pages, manifest = _publish_pages(store, total, config, out)
    files[MANIFEST] = (manifest, 0)
    return files, pages


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
    whichever archive, order of dumps or number of builds made them. ``dirty`` is set only while
    a build publishes pages: the lowest page it may have rewritten.
    """

    salt: str
    size: int
    fingerprint: str
    archived: int
    dirty: int | None = None

    HEADER: ClassVar[str] = "centralasia_feed archive pages 2"

    def encode(self) -> bytes:
        fields = (self.HEADER, self.salt, self.size, self.fingerprint, self.archived)
        dirty = () if self.dirty is None else (f"dirty {self.dirty}",)
        return "".join(f"{field}\n" for field in (*fields, *dirty)).encode()

    @classmethod
    def read(cls, path: Path) -> _Manifest | None:
        """The manifest in ``path``; None when it is missing, unreadable or of another format."""
        lines = (_read_text(path) or "").splitlines()
        if len(lines) not in (5, 6) or lines[0] != cls.HEADER:
            return None
        numbers = [lines[2], lines[4], *(line.removeprefix("dirty ") for line in lines[5:])]
        if not all(number.isdigit() for number in numbers):
            return None
        dirty = int(numbers[2]) if len(numbers) > 2 else None
        return cls(lines[1], int(lines[2]), lines[3], int(lines[4]), dirty)


def _publish_pages(store: Archive, total: int, config: FeedConfig, out: Path) -> tuple[Published, bytes]:
    """Publish the RFC 5005 archive documents that may have changed; the new manifest's bytes.

    A build reads and renders only the pages that changed since the folder was last built (see
    ``_stale``) and those whose file has gone, so its cost follows what changed, not the size of
    the history. Before the first page is written, the old manifest is marked dirty from that
    page on, so a build that dies publishing leaves the next one to render those pages again.
    """
    size = config.limit
    last = page_count(total, size)
    old = _Manifest.read(out / MANIFEST)
    now = _Manifest(_salt(config), size, store.fingerprint, archived(total, size))
    edited, start = _stale(store, old, now)
    below = min(start, last + 1)
    single = sorted(index for index in edited | _missing(out, below) if index < below)
    lowest = min([*single, below])
    if old is not None and lowest <= last:
        dirty = lowest if old.dirty is None else min(old.dirty, lowest)
        publish(out, {MANIFEST: dataclasses.replace(old, dirty=dirty).encode()})
    published: dict[int, Published] = {}
    for index in single:
        page = archive_page(index, total, size)
        published[index] = _publish_page(out, page, store.entries(page.count, page.offset), config)
    for page, chunk in _pages_from(store, below, total, size):
        published[page.index] = _publish_page(out, page, chunk, config)
    return {
        name: file for index in sorted(published) for name, file in published[index].items()
    }, now.encode()


def _stale(store: Archive, old: _Manifest | None, now: _Manifest) -> tuple[set[int], int]:
    """The archive pages that may differ from the folder's: some pages, then all from a page on.

    The folder's manifest names the entries it shows by fingerprint. Found among this archive's
    revisions, only entries changed since that revision are new to the folder: pages holding an
    entry edited in place, every page from the oldest entry new or moved (those above it shift),
    every page from the old open page, the only one that can have filled, and every page from
    where a build that died publishing began. Anything else (no manifest, another config or page
    size, entries this archive never held) makes all stale.
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
    starts += [old.dirty] if old.dirty is not None else []
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


def _publish_page(out: Path, page: ArchivePage, entries: Sequence[Entry], config: FeedConfig) -> Published:
    """Render and publish the RSS and Atom documents of one archive page."""
    files: Rendered = {}
    for kind, render in (("rss", render_rss), ("atom", render_atom)):
        links = _page_links(kind, page)
        files[links.self_path] = (render(entries, config, links=links), len(entries))
    changed = set(publish(out, {name: data for name, (data, _) in files.items()}))
    return {name: (items, name in changed) for name, (_, items) in files.items()}


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
