"""RFC 5005 archive pages of a build: which ones may have changed, rendered one at a time.

The main feeds hold the newest ``limit`` entries; older ones are on archive pages of ``limit``
entries, page 1 the oldest, cut from counts alone (see ``archive/_pages.py``). A hidden manifest in
the output folder records what its pages show, so a build renders only the pages that changed since
(or whose file is gone): its cost follows what changed, not the size of the history. It also
records how many articles the folder shows, which no build may cut (see ``articles_shown``).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import sys
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ._version import __version__
from .archive import Archive, ArchivePage, Changes, archive_page, archived, page_count, page_of
from .config import FeedConfig
from .models import Entry
from .render import ArchiveLinks, render_atom, render_rss
from .render.peek import count_items

MANIFEST = ".build-manifest"  # what the archive pages in the folder show (see _Manifest)

# (file name, bytes or None to remove the file, item count), one file at a time
Rendered = Iterator[tuple[str, bytes | None, int]]
_PAGE_FILE = re.compile(r"(rss|atom)-([1-9][0-9]*)\.xml")


def _page_name(kind: str, index: int) -> str:
    return f"archive/{kind}-{index}.xml"


def main_links(kind: str, newest: int | None) -> ArchiveLinks:
    previous = _page_name(kind, newest) if newest else None
    return ArchiveLinks(self_path=f"{kind}.xml", prev_archive=previous)


def _page_links(kind: str, page: ArchivePage) -> ArchiveLinks:
    """An archive page names the feed, the page before it and, once full, the page after it
    (page 1 always names page 2, which exists with it).

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
    """What a folder shows: the program and config that rendered its archive pages (``salt``),
    the page size, the entries' fingerprint, and how many articles its feeds and archive pages
    show together (``shown``).

    All of it follows from the entries and the config, so equal builds leave equal manifests
    whichever archive, order of dumps or number of builds made them.
    """

    salt: str
    size: int
    fingerprint: str
    shown: int

    # 4: items dated in their edition's first hour (every page of an older folder is rendered
    # again), and the count of articles shown even before there are archive pages
    HEADER: ClassVar[str] = "centralasia_feed build 4"

    @property
    def archived(self) -> int:
        return archived(self.shown, self.size)

    def encode(self) -> bytes:
        fields = (self.HEADER, self.salt, self.size, self.fingerprint, self.shown)
        return "".join(f"{field}\n" for field in fields).encode()

    @classmethod
    def read(cls, path: Path) -> _Manifest | None:
        """The manifest in ``path``; None when it is missing, unreadable or of another format."""
        fields = _fields(path)
        return cls(*fields[1:]) if fields and fields[0] == cls.HEADER else None


_OLDER = "centralasia_feed archive pages 3"  # the format before, whose count was of archived articles


def _fields(path: Path) -> tuple[str, str, int, str, int] | None:
    """The header and fields of a manifest of this format or the one before; None for any other."""
    lines = (_read_text(path) or "").splitlines()
    if len(lines) != 5 or lines[0] not in (_Manifest.HEADER, _OLDER):
        return None
    if not (lines[2].isdigit() and int(lines[2]) > 0 and lines[4].isdigit()):
        return None
    return lines[0], lines[1], int(lines[2]), lines[3], int(lines[4])


def articles_shown(out: Path) -> int:
    """How many articles the feeds and archive pages in ``out`` show together: what its manifest
    says or, where it does not (a folder built before manifests counted its feeds, or one whose
    manifest a killed build took away), the items of its RSS documents, counted."""
    fields = _fields(out / MANIFEST)
    if fields and fields[0] == _Manifest.HEADER:
        return fields[4]
    if fields and fields[4]:  # the older format: archived articles, and a full feed beside them
        return fields[4] + fields[2]
    pages = [out / "archive" / name for name in _page_names(out, "rss")]
    return sum(count_items(path) for path in (out / "rss.xml", *pages))


def shown_fingerprint(out: Path) -> str | None:
    """The fingerprint of the entries ``out`` shows, by its manifest; None when it has none."""
    fields = _fields(out / MANIFEST)
    return fields[3] if fields else None


def archive_files(
    store: Archive, total: int, config: FeedConfig, out: Path
) -> Generator[tuple[str, bytes | None, int], None, bytes]:
    """The RFC 5005 archive documents that may have changed, one at a time; returns the manifest.

    A build reads and renders only the pages that changed since the folder was last built (see
    ``_stale``) and those whose file has gone, so its cost follows what changed, not the size of
    the history.
    """
    size = config.limit
    last = page_count(total, size)
    now = _Manifest(_salt(config), size, store.fingerprint, total)
    edited, start = _stale(store, _Manifest.read(out / MANIFEST), now)
    below = min(start, last + 1)
    for index in sorted(index for index in edited | _missing(out, below) if index < below):
        page = archive_page(index, total, size)
        yield from _page_files(page, store.entries(page.count, page.offset), config)
    for page, chunk in _pages_from(store, below, total, size):
        yield from _page_files(page, chunk, config)
    if start == 1:  # everything rendered anew: pages past the last (another limit, archive) must go
        yield from ((f"archive/{name}", None, 0) for name in _pages_past(out, last))
    return now.encode()


def _pages_past(out: Path, last: int) -> list[str]:
    """Names of page files in the folder numbered past ``last``."""
    return sorted(name for name, index in _page_names(out).items() if index > last)


def _page_names(out: Path, kind: str | None = None) -> dict[str, int]:
    """Page files in the folder's ``archive/`` (of one kind if given), by name, with their number."""
    try:
        names = [entry.name for entry in os.scandir(out / "archive")]
    except OSError:
        return {}
    found = {name: int(match[2]) for name in names if (match := _PAGE_FILE.fullmatch(name))}
    return {name: index for name, index in found.items() if kind in (None, name.split("-")[0])}


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
    """Pages before ``below`` with a file gone from the folder: none while ``archive/`` is as the
    last build left it (see ``seal``), else from one listing of it, no reads."""
    if below <= 1 or _sealed(out):
        return set()
    try:
        names = {entry.name for entry in os.scandir(out / "archive")}
    except OSError:
        names = set()
    wanted = ((index, f"{kind}-{index}.xml") for index in range(1, below) for kind in ("rss", "atom"))
    return {index for index, name in wanted if name not in names}


def seal(out: Path) -> None:
    """After publishing, stamp the manifest with ``archive/``'s modification time.

    While the two agree, nothing was added to or removed from ``archive/`` since, so the next
    build need not list it (a listing costs time in proportion to the history). Where the clock
    is too coarse to order the stamp after the folder's last change, the next build lists it.
    """
    with contextlib.suppress(OSError):
        folder = os.stat(out / "archive").st_mtime_ns
        for _ in range(2):  # the second stamping's change time is finer where the kernel can be
            os.utime(out / MANIFEST, ns=(folder, folder))  # asked (a stat asks), as on Linux 6.13+
            if _sealed(out):
                return


def _sealed(out: Path) -> bool:
    """Whether ``archive/`` is unchanged since ``seal``. The stamp must be older than the manifest's
    change time (set by the stamping itself): on a clock too coarse to tell them apart, a change to
    the folder right after the stamp could carry the same time, so the folder is listed."""
    try:
        folder, manifest = os.stat(out / "archive"), os.stat(out / MANIFEST)
    except OSError:
        return False
    return folder.st_mtime_ns == manifest.st_mtime_ns < manifest.st_ctime_ns


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
