"""RFC 5005 feed history: which document is being rendered and how it links to the others.

feedgen writes only ``rel="self"`` among a channel's atom:links, so the archive links and
``<fh:archive/>`` are added by a feedgen extension, the same way for RSS (as atom:link elements in
the channel) and for Atom. The same extension names the WebSub hubs of a subscription document
(feedgen would write an RSS hub as a plain ``<link>``: lkiesow/python-feedgen#122) and writes the
RSS ``sy:`` polling hints (feedgen's syndication extension spells them ``sy:UpdatePeriod``).
An archive page is read once, never subscribed to nor polled, so it carries neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from feedgen.ext.base import BaseExtension
from lxml import etree

from ..config import FeedConfig
from . import text

ATOM_NS = "http://www.w3.org/2005/Atom"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
SYNDICATION_NS = "http://purl.org/rss/1.0/modules/syndication/"


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
        """(rel, absolute href) of every history link, in a fixed order."""
        pairs = [("current", self.current), ("prev-archive", self.prev_archive)]
        pairs.append(("next-archive", self.next_archive))
        return tuple((rel, config.url(path)) for rel, path in pairs if path is not None)


class HistoryExtension(BaseExtension):  # type: ignore[misc]
    """Adds what feedgen cannot write itself: the RFC 5005 links and markers, WebSub hub links, RSS
    polling hints and the RSS generator's version."""

    links: tuple[tuple[str, str], ...] = ()
    hubs: tuple[str, ...] = ()
    polling: tuple[tuple[str, str], ...] = ()  # (sy: element name, text), RSS subscription feeds only
    media_type: str = ""
    archive: bool = False
    complete: bool = False
    generator: str = ""
    title: str | None = None  # set only for a title to write with references

    def setup(
        self, links: ArchiveLinks, config: FeedConfig, media_type: str, generator: str, title: str | None
    ) -> None:
        """Called once after registering: feedgen instantiates the class itself."""
        self.generator = generator
        self.title = title
        self.links = links.related(config)
        self.media_type = media_type
        self.archive = links.is_archive
        self.complete = links.complete
        if not links.is_archive:
            self.hubs = config.hubs
        if not links.is_archive and media_type == "application/rss+xml":
            self.polling = (
                ("updatePeriod", config.update_period),
                ("updateFrequency", str(config.update_frequency)),
            )

    def extend_ns(self) -> dict[str, str]:
        spaces = {"fh": HISTORY_NS} if self.archive or self.complete else {}
        return spaces | ({"sy": SYNDICATION_NS} if self.polling else {})

    def extend_rss(self, feed: Any) -> Any:
        channel = feed.find("channel")
        if self.title is not None:  # the image's title is the channel's, as the RSS profile asks
            for title in (channel.find("title"), channel.find("image/title")):
                if title is not None:
                    text.write_references(title, self.title)
        for generator in channel.iter("generator"):
            generator.text = self.generator  # feedgen's RSS generator has no version
        self._extend(channel, f"{{{ATOM_NS}}}link")
        for name, value in self.polling:
            etree.SubElement(channel, f"{{{SYNDICATION_NS}}}{name}").text = value
        return feed

    def extend_atom(self, feed: Any) -> Any:
        # feedgen builds Atom with unqualified names under a literal xmlns attribute; a qualified
        # {ATOM_NS}link here would come out with a stray ns0: prefix.
        if self.title is not None:
            text.write_atom_text(feed.find("title"), self.title)
        self._extend(feed, "link")
        return feed

    def _extend(self, parent: Any, link_tag: str) -> None:
        if self.archive:
            etree.SubElement(parent, f"{{{HISTORY_NS}}}archive")
        if self.complete:
            etree.SubElement(parent, f"{{{HISTORY_NS}}}complete")
        for rel, href in self.links:
            etree.SubElement(parent, link_tag, href=href, rel=rel, type=self.media_type)
        for hub in self.hubs:
            etree.SubElement(parent, link_tag, href=hub, rel="hub")
