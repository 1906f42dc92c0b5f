"""RFC 5005 archive pages: where each page sits in the history, from counts alone.

The subscription feed holds the newest ``size`` entries; every older entry is on exactly one archive
page. Those are cut oldest first into pages of ``size`` (page 1 holds the oldest), so entries that
fall out of the feed only ever join the newest page: a full page keeps its entries for good (only
a re-cut text of one of them, or a late older dump, changes it). The newest page is open: it holds
what is left over, possibly nothing, and fills as entries fall out of the feed. It exists even when
empty so that every full page can name the page after it (``next-archive``) from the start. Page 2
exists as soon as page 1 does, so no archive page stands alone: RFC 5005 clients and the W3C
validator ("Archive incomplete") expect an archive document to link another.

Nothing here reads entries: a page is a slice of the newest-first order (``offset``, ``count``),
computed from how many entries there are, so a build reads only the pages it writes.
"""

from __future__ import annotations

from dataclasses import dataclass


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
        raise ValueError(f"no archive page {index} for {total} entries in pages of {size}")
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
        raise ValueError(f"a page holds at least 1 entry, not {size}")
    return size
