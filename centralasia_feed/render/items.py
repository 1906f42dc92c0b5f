"""Each item's strings and times, computed once per item and shared by RSS, Atom and JSON Feed.

A feed of 100,000 items does everything here 100,000 times, so what depends only on the config
(the time zone, the id prefix, the "Read more" link's markup) is worked out once per feed, and
each item's text is cleaned once: the HTML body escapes the excerpt it already cleaned.
"""

from __future__ import annotations

import datetime as dt
import html
import urllib.parse
from collections.abc import Sequence
from typing import NamedTuple

from ..config import FeedConfig
from ..models import Article, Entry, Stamp
from . import text


class Item(NamedTuple):
    """One entry as every format states it (a tuple: 100,000 of them are made per feed)."""

    entry: Entry
    id: str
    link: str
    title: str
    excerpt: str
    html: str
    published: dt.datetime
    updated: dt.datetime


def prepare(items: Sequence[Entry | Article], config: FeedConfig) -> list[Item]:
    """The entries of ``items`` in the order given, each slug once (see ``text.entries``)."""
    feed = _Feed(config)
    return [feed.item(entry) for entry in text.entries(items)]


class _Feed:
    """What every item of one feed shares, worked out once per feed."""

    def __init__(self, config: FeedConfig) -> None:
        self.tz = config.tz
        self.midnights: dict[dt.date, dt.datetime] = {}
        self.tag = config.tag("article", "")
        self.source = config.source_url
        site = urllib.parse.urlsplit(config.source_url).hostname or config.source_url
        # The link's href is escape(source + slug part + "/"): clean and escape work character by
        # character, and a slug part is unreserved characters and %XX, which neither changes.
        self.more = f'<p><a href="{text.escape(config.source_url)}'
        self.more_end = f'/">Read more at {text.escape(site)}</a></p>'

    def item(self, entry: Entry) -> Item:
        article = entry.article
        part = text.slug_part(entry.slug)
        excerpt = text.excerpt(article)
        published = self.time(entry.published)
        updated = published if entry.updated == entry.published else self.time(entry.updated)
        body = self.body(article, excerpt, part)
        return Item(
            entry,
            self.tag + part,
            f"{self.source}{part}/",
            text.title(entry),
            excerpt,
            body,
            published,
            updated,
        )

    def time(self, stamp: Stamp) -> dt.datetime:
        """``stamp.time(tz)``, its edition's midnight worked out once for the twenty items of a day."""
        midnight = self.midnights.get(stamp.date)
        if midnight is None:
            midnight = self.midnights[stamp.date] = stamp.midnight(self.tz)
        return stamp.time_from(midnight, self.tz)

    def body(self, article: Article, excerpt: str, part: str) -> str:
        """The paragraph and figures as HTML; a truncated excerpt ends with a Read more link."""
        parts = [f"<p>{html.escape(excerpt)}</p>"]
        parts += [
            f"<figure><figcaption>{text.escape(f.caption)}</figcaption></figure>" for f in article.figures
        ]
        if article.truncated:
            parts.append(self.more + part + self.more_end)
        return "\n".join(parts)
