"""RFC 5005 archive pages: which archived entries go on which page, cut so full pages never change.

The subscription feed holds the newest ``size`` entries; every older entry is on exactly one archive
page. Those are cut oldest first into pages of ``size`` (page 1 holds the oldest), so entries that
fall out of the feed only ever join the newest page: a full page keeps its entries for good (only
a re-cut text of one of them, or a late older dump, changes it). The newest page is open: it holds
what is left over, possibly nothing, and fills as entries fall out of the feed. It exists even when
empty so that every full page can name the page after it (``next-archive``) from the start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Entry


@dataclass(frozen=True)
class ArchivePage:
    """One archive document: its number (1 is the oldest), its entries newest first, and whether full."""

    index: int
    entries: tuple[Entry, ...]
    full: bool

    @property
    def previous(self) -> int | None:
        return self.index - 1 if self.index > 1 else None

    @property
    def next(self) -> int | None:
        """A full page always has a page after it (the open one at least); the open page has none."""
        return self.index + 1 if self.full else None


def archive_pages(entries: Sequence[Entry], size: int) -> tuple[ArchivePage, ...]:
    """The archive pages of ``entries`` (all of them, newest first), oldest page first.

    No pages when everything fits in the feed; otherwise full pages and one open page last.
    """
    if size < 1:
        raise ValueError(f"a page holds at least 1 entry, not {size}")
    archived = tuple(entries[size:])[::-1]  # oldest first
    if not archived:
        return ()
    return tuple(
        ArchivePage(start // size + 1, archived[start : start + size][::-1], start + size <= len(archived))
        for start in range(0, len(archived) + 1, size)
    )


def newest_page(pages: Sequence[ArchivePage]) -> ArchivePage | None:
    """The page the subscription feed links as ``prev-archive``: the newest one holding entries."""
    return next((page for page in reversed(pages) if page.entries), None)
