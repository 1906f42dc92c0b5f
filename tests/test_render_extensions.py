"""The RSS item extension writes what feedgen's own setters would: same elements, places, text."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import formatRFC2822
from helpers.render_fixtures import CONFIG, seed_entries
from lxml import etree

from centralasia_feed.render import render_rss
from centralasia_feed.render.dates import rfc822
from centralasia_feed.render.extensions import RssItemExtension

ZONES = [dt.UTC, *(zoneinfo.ZoneInfo(name) for name in ("Asia/Tashkent", "America/St_Johns", "Asia/Kolkata"))]
TIMES = [
    dt.datetime(2025, 1, 5),
    dt.datetime(2024, 2, 29, 23, 59, 59),
    dt.datetime(1900, 6, 1, 12, 30, 5),  # Tashkent's local mean time: an offset with seconds
    dt.datetime(999, 12, 31, 1, 2, 3),
    dt.datetime(9999, 7, 4, 8, 9, 10),
]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("naive", TIMES)
def test_rfc822_is_feedgens_pubdate_text(zone, naive):
    when = naive.replace(tzinfo=zone)
    assert rfc822(when) == formatRFC2822(when)


def _document(use_extension: bool) -> bytes:
    feed = FeedGenerator()
    feed.title("t")
    feed.link(href="https://example.com/")
    feed.description("d")
    feed.lastBuildDate(dt.datetime(2025, 1, 5, tzinfo=dt.UTC))
    feed.register_extension("extras", BaseExtension, RssItemExtension if use_extension else None)
    entry = feed.add_entry(order="append")
    entry.title("Title")
    entry.guid("tag:example.com,2025:a", permalink=False)
    when = dt.datetime(2025, 1, 5, 9, 8, 7, tzinfo=zoneinfo.ZoneInfo("Asia/Tashkent"))
    if use_extension:
        entry.extras.set("https://example.com/a/", when)
    else:
        entry.link(href="https://example.com/a/", rel="alternate", type="text/html")
        entry.published(when)
    entry.description("<p>body</p>")
    entry.content("<p>body</p>", type="html")
    data: bytes = feed.rss_str(pretty=True)
    return data


def test_an_item_is_byte_for_byte_what_feedgens_setters_write():
    assert _document(use_extension=True) == _document(use_extension=False)


def test_every_rss_item_has_its_link_second_and_its_pubdate_last():
    for item in etree.fromstring(render_rss(seed_entries(), CONFIG)).iter("item"):
        tags = [child.tag for child in item]
        assert tags[:2] == ["title", "link"] and tags[-2:] == ["guid", "pubDate"]


def test_a_naive_time_is_refused_as_feedgen_refuses_it():
    with pytest.raises(ValueError, match="no timezone"):
        RssItemExtension().set("https://example.com/a/", dt.datetime(2025, 1, 5))
