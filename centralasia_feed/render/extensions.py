"""feedgen extensions: what feedgen cannot write itself, or writes slowly.

``FeedExtension`` adds to a feed its RFC 5005 archive links and markers (see ``archive_links``),
the WebSub hubs of a subscription document (feedgen would write an RSS hub as a plain ``<link>``:
lkiesow/python-feedgen#122), the RSS ``sy:`` polling hints (feedgen's syndication extension
spells them ``sy:UpdatePeriod``) and the RSS generator's version. An archive page is read once,
never subscribed to nor polled, so it names no hub and gives no hint.

``RssItemExtension`` writes an RSS item's link and pubDate, for speed: feedgen formats every
pubDate with three ``locale.setlocale`` calls around a strftime, and its ``link()`` validates a
dict per call; together they were a tenth of an RSS render. It writes the same elements, in the
same place, with the same text, through feedgen's documented extension API (``extend_rss`` on each
item), so the bytes are those feedgen writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from lxml import etree

from .._media import RSS
from ..config import FeedConfig
from . import safe
from .archive_links import ATOM_NS, FH_NS, ArchiveLinks
from .dates import rfc822

SYNDICATION_NS = "http://purl.org/rss/1.0/modules/syndication/"



class FeedExtension(BaseExtension):  # type: ignore[misc]
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
        if not links.is_archive and media_type == RSS:
            self.polling = (
                ("updatePeriod", config.update_period),
                ("updateFrequency", str(config.update_frequency)),
            )

    def extend_ns(self) -> dict[str, str]:
        spaces = {"fh": FH_NS} if self.archive or self.complete else {}
        return spaces | ({"sy": SYNDICATION_NS} if self.polling else {})

    def extend_rss(self, feed: Any) -> Any:
        channel = feed.find("channel")
        if self.title is not None:  # the image's title is the channel's, as the RSS profile asks
            for title in (channel.find("title"), channel.find("image/title")):
                if title is not None:
                    safe.write_references(title, self.title)
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
            safe.write_atom_text(feed.find("title"), self.title)
        self._extend(feed, "link")
        return feed

    def _extend(self, parent: Any, link_tag: str) -> None:
        if self.archive:
            etree.SubElement(parent, f"{{{FH_NS}}}archive")
        if self.complete:
            etree.SubElement(parent, f"{{{FH_NS}}}complete")
        for rel, href in self.links:
            etree.SubElement(parent, link_tag, href=href, rel=rel, type=self.media_type)
        for hub in self.hubs:
            etree.SubElement(parent, link_tag, href=hub, rel="hub")


class RssItemExtension(BaseEntryExtension):  # type: ignore[misc]
    """Adds ``<link>`` after the title and ``<pubDate>`` last, where feedgen would put them."""

    link: str = ""
    published: dt.datetime | None = None
    title: str | None = None  # set only for a title to write with references (safe.write_references)

    def set(self, link: str, published: dt.datetime) -> None:
        """Instead of ``entry.link()`` and ``entry.published()``, with feedgen's check of the time."""
        if published.tzinfo is None:
            raise ValueError("Datetime object has no timezone info")
        self.link = link
        self.published = published

    def extend_rss(self, item: Any) -> Any:
        if self.title is not None:
            safe.write_references(item[0], self.title)  # the title, which every item has first
        link = etree.Element("link")
        link.text = self.link
        item.insert(1, link)  # feedgen's place: right after the title
        if self.published is not None:
            etree.SubElement(item, "pubDate").text = rfc822(self.published)
        return item


class TitleExtension(BaseEntryExtension):  # type: ignore[misc]
    """Writes an Atom entry's title that holds ``&`` or ``<`` (``safe.write_atom_text``),
    registered on such an entry alone."""

    title: str | None = None

    def extend_atom(self, entry: Any) -> Any:
        if self.title is not None:
            safe.write_atom_text(entry.find("title"), self.title)
        return entry
