"""RFC 5005 archive links: where a feed document sits among its archive pages, and which it names.

A subscription document (``rss.xml``) may name its newest archive page (``prev-archive``); an
archive page names the subscription document (``current``), the page before it and, once full, the
page after it, and says ``<fh:archive/>``. feedgen writes only ``rel="self"`` among a channel's
atom:links, so ``extensions.FeedExtension`` writes these, the same way for RSS (as atom:link
elements in the channel) and for Atom.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from ..config import FeedConfig

ATOM_NS = "http://www.w3.org/2005/Atom"
FH_NS = "http://purl.org/syndication/history/1.0"  # RFC 5005's namespace, written with the prefix fh


@dataclass(frozen=True)
class ArchiveLinks:
    """Where a feed document sits among its archive pages; paths are relative to ``feed_url``.

    ``current`` names the subscription document and is set only on archive pages, which then
    say ``<fh:archive/>``. The main feed may carry ``prev_archive`` alone.
    """

    self_path: str
    current: str | None = None
    prev_archive: str | None = None
    next_archive: str | None = None
    complete: bool = False

    @property
    def is_archive(self) -> bool:
        return self.current is not None

    @property
    def says_nothing(self) -> bool:
        """No marker and no link to write: a main feed before its first archive page."""
        return not (self.is_archive or self.complete or self.prev_archive or self.next_archive)

    def feed_id(self, config: FeedConfig) -> str:
        """The Atom feed id: ``tag(feed)`` for the main feed, a tag named after the page for archives."""
        if not self.is_archive:
            return config.tag("feed")
        return config.tag("feed", *PurePosixPath(self.self_path).with_suffix("").parts)

    def related(self, config: FeedConfig) -> tuple[tuple[str, str], ...]:
        """(rel, absolute href) of every archive link, in a fixed order."""
        pairs = [("current", self.current), ("prev-archive", self.prev_archive)]
        pairs.append(("next-archive", self.next_archive))
        return tuple((rel, config.url(path)) for rel, path in pairs if path is not None)
