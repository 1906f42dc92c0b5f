"""RFC 5005 archive pages: where each one sits, from counts alone, and which ones a build renders.

The subscription feed holds the newest ``size`` entries (``--limit``); every older entry is on
exactly one archive page. Those are cut oldest first into pages of ``size`` (page 1 holds the
oldest), so entries that fall out of the feed only ever join the newest page: a full page keeps its
entries for good (only a re-cut text of one of them, or a late older dump, changes it). The newest
page is open: it holds what is left over, possibly nothing, and fills as entries fall out of the
feed. It exists even when empty so that every full page can name the page after it
(``next-archive``) from the start. Page 2 exists as soon as page 1 does, so no archive page stands
alone: RFC 5005 clients and the W3C validator ("Archive incomplete") expect an archive document to
link another. A page is a slice of the newest-first order (``offset``, ``count``), computed from how
many entries there are, so a build reads only the pages it writes.

The folder's build state (``publish.BuildState``) names the archive revision its pages show, so a
build renders only the pages that changed since, as the archive says (``changes_since``): its cost
follows what changed, not the size of the archive. Anything else (no state, another archive,
another program or config) renders every page. The state also says how many articles the folder
shows, which no build may cut (see ``articles_shown``).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from ._version import __version__
from .archive import Archive
from .config import FeedConfig
from .errors import ConfigError
from .models import EntryRow
from .publish import BuildState, Publication
from .render import ArchiveLinks, atom_chunks, prepare_rows, rss_chunks
from .render.peek import count_items


@dataclass(frozen=True)
class ArchivePage:
    """One archive document: its number (1 is the oldest), its slice of the newest-first entries,
    whether it is full, and whether it is the newest page (the one with no page after it).
    """

    index: int
    offset: int
    count: int
    full: bool
    newest: bool

    @property
    def previous(self) -> int | None:
        return self.index - 1 if self.index > 1 else None

    @property
    def next(self) -> int | None:
        return None if self.newest else self.index + 1


def archived(total: int, size: int) -> int:
    """How many of ``total`` entries are on archive pages rather than in the feed."""
    return max(0, total - _positive(size))


def page_count(total: int, size: int) -> int:
    """Full pages and the open one, at least two; none while everything fits in the feed."""
    older = archived(total, size)
    return max(older // size + 1, 2) if older else 0


def archive_page(index: int, total: int, size: int) -> ArchivePage:
    """Page ``index`` of ``total`` entries cut into pages of ``size``."""
    pages = page_count(total, size)
    if not 1 <= index <= pages:
        where = f"for {total:,} entries in pages of {size:,}"
        raise ConfigError(f"must be an archive page from 1 to {pages} {where}, not {index}", field="index")
    older = archived(total, size)
    start, stop = min((index - 1) * size, older), min(index * size, older)  # oldest-first ranks
    return ArchivePage(index, total - stop, stop - start, stop - start == size, index == pages)


def page_of(rank: int, size: int) -> int:
    """The page holding the entry of oldest-first ``rank`` (0 is the oldest), if it is archived."""
    return rank // _positive(size) + 1


def newest_page(total: int, size: int) -> int | None:
    """The page the subscription feed links as ``prev-archive``: the newest one holding entries."""
    return -(-archived(total, size) // _positive(size)) or None


def _positive(size: int) -> int:
    if size < 1:
        raise ConfigError(f"must be at least 1 entry per page, not {size}", field="limit")
    return size


FOLDER = "archive"  # the folder of the output folder every archive page is in
_PAGE_FILE = re.compile(r"(rss|atom)-([1-9][0-9]*)\.xml")


def _page_name(kind: str, index: int) -> str:
    return f"{FOLDER}/{kind}-{index}.xml"


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


def articles_shown(folder: Publication) -> int:
    """How many articles the feeds and archive pages in ``folder`` show together: what its state
    says or, where there is none (a killed build took it away, or an older build's manifest did
    not count its feeds), the items of its RSS documents, counted."""
    if folder.state is not None:
        return folder.state.shown
    pages = [f"{FOLDER}/{name}" for name in _page_names(folder, "rss")]
    return sum(count_items(folder.root / name) for name in ("rss.xml", *pages))


class Tally(Protocol):
    """Told how many files a build will write, then of each one written (``pipeline.Progress``)."""

    def will_write(self, files: int) -> None: ...

    def wrote(self) -> None: ...


def write_archive_pages(
    store: Archive, total: int, config: FeedConfig, folder: Publication, tally: Tally
) -> dict[str, int]:
    """Render the RFC 5005 archive documents that may have changed into ``folder``, one page at a
    time, and remove those past the last; the item count of each document written, by name.

    Only the pages that changed since the folder's state are read and rendered (see ``_stale``).
    ``tally`` is told how many documents that is before the first, then of each.
    """
    size = config.limit
    last = page_count(total, size)
    edited, start = _stale(store, folder.state, render_salt(config), size, total)
    below = min(start, last + 1)
    alone = sorted(index for index in edited if index < below)
    tally.will_write(len(KINDS) * (len(alone) + max(0, last + 1 - below)))
    items: dict[str, int] = {}
    for index in alone:
        page = archive_page(index, total, size)
        items |= _write_page(folder, page, store.rows(page.count, page.offset), config, tally)
    for page, chunk in _pages_from(store, below, total, size):
        items |= _write_page(folder, page, chunk, config, tally)
    if start == 1:  # everything rendered anew: pages past the last (another limit, archive) must go
        for name in _pages_past(folder, last):
            folder.remove(f"{FOLDER}/{name}")
    return items


def _pages_past(folder: Publication, last: int) -> list[str]:
    """Names of page files in the folder numbered past ``last``."""
    return sorted(name for name, index in _page_names(folder).items() if index > last)


def _page_names(folder: Publication, kind: str | None = None) -> dict[str, int]:
    """Page files in the folder's ``archive/`` (of one kind if given), by name, with their number."""
    found = {name: int(match[2]) for name in folder.names(FOLDER) if (match := _PAGE_FILE.fullmatch(name))}
    return {name: index for name, index in found.items() if kind in (None, name.split("-")[0])}


def _stale(store: Archive, old: BuildState | None, salt: str, size: int, total: int) -> tuple[set[int], int]:
    """The archive pages that may differ from the folder's: some pages, then all from a page on.

    The folder's state names the archive revision its pages show. Found in this archive, only
    entries changed since are new to the folder: pages holding an entry edited in place, every page
    from the oldest entry new or moved (those above it shift), and every page from the old open
    page, the only one that can have filled. Anything else (no state, another config or page size,
    a revision this archive does not have) makes all stale.
    """
    if old is None or (old.salt, old.page_size) != (salt, size):
        return set(), 1
    since = store.revision_of(old.revision)
    was, now = archived(old.shown, size), archived(total, size)
    if since is None or was > now:
        return set(), 1
    changes = store.changes_since(since)
    starts = [page_of(changes.moved, size)] if changes.moved is not None else []
    starts += [page_of(was, size)] if was != now else []
    return {page_of(rank, size) for rank in changes.edited}, min(starts, default=sys.maxsize)


def _pages_from(
    store: Archive, start: int, total: int, size: int
) -> Iterator[tuple[ArchivePage, Iterator[EntryRow]]]:
    """Pages ``start`` to the newest with their rows, newest page first, from one index walk: each
    page's rows are read as its items are prepared, which must be before the next page is asked for.

    The walk starts at the feed's boundary (offset ``size``) and reads only these pages' entries.
    """
    last = page_count(total, size)
    if start > last:
        return
    first = archive_page(start, total, size)
    rows = store.iter_rows(first.offset + first.count - size, offset=size)
    for index in range(last, start - 1, -1):
        page = archive_page(index, total, size)
        yield page, itertools.islice(rows, page.count)
    next(rows, None)  # end the walk, so its statement is done before the commit


KINDS = (("rss", rss_chunks), ("atom", atom_chunks))  # the documents of one archive page


def _write_page(
    folder: Publication, page: ArchivePage, rows: Iterable[EntryRow], config: FeedConfig, tally: Tally
) -> dict[str, int]:
    """The RSS and Atom documents of one archive page, written from one preparation of its
    items, made from the rows as they are read; their item counts by name."""
    items, counts = prepare_rows(rows, config), {}
    for kind, chunks in KINDS:
        links = _page_links(kind, page)
        folder.write(links.self_path, chunks(items, config, links=links))
        counts[links.self_path] = len(items)
        tally.wrote()
    return counts


def render_salt(config: FeedConfig) -> str:
    """Changes whenever pages would render differently for the same entries."""
    return hashlib.sha256(f"{__version__}\n{config!r}".encode()).hexdigest()
