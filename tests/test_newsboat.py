"""A real terminal feed reader subscribes over loopback: newsboat shows every article once, across
daily builds read out of order and across the change of item times, on its edition's day in the
feed's zone, and its polls of unchanged feeds are answered 304.

newsboat comes from Debian's ``newsboat`` package; it reads RSS and Atom and keys items by guid
across all the feeds of one cache. Without it this test is skipped with a plain reason, except
when the ``CI`` environment variable is set: there it must run, so it fails.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import subprocess
import zoneinfo
from pathlib import Path

import feedparser
import pytest
from helpers.paths import DATA, SEED, missing
from helpers.serving import Served, start, stop

from centralasia_feed import FeedConfig, build

DAYS = sorted((DATA / "days").glob("*.txt"))


def newsboat() -> str:
    return shutil.which("newsboat") or missing("newsboat", "newsboat")


def reload(home: Path, served: Served, zone: str = "UTC") -> list[str]:
    """One ``newsboat -x reload`` of both XML feeds; returns the guids in its cache."""
    return list(reload_dated(home, served, zone))


def reload_dated(home: Path, served: Served, zone: str = "UTC") -> dict[str, dt.date]:
    """One ``newsboat -x reload`` of both XML feeds, run in the time zone ``zone``: each guid in its
    cache (once, or the dict would say less than the cache) with the day it shows there, the
    date in ``zone`` of the time it stored."""
    urls = home / "urls"
    urls.write_text(f"{served.url}rss.xml\n{served.url}atom.xml\n", encoding="utf-8")
    cache = home / "cache.db"
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "no_proxy": "127.0.0.1", "TZ": zone}
    command = [newsboat(), "-u", str(urls), "-c", str(cache), "-C", os.devnull, "-x", "reload"]
    subprocess.run(command, env=environment, capture_output=True, timeout=120, check=True)
    with sqlite3.connect(cache) as connection:
        rows = connection.execute("SELECT guid, pubDate FROM rss_item").fetchall()
    tz = zoneinfo.ZoneInfo(zone)
    shown = {guid: dt.datetime.fromtimestamp(stamp, tz).date() for guid, stamp in rows}
    assert len(shown) == len(rows), "an article shown twice"
    return shown


def published_ids(site: Path) -> set[str]:
    """Every id the two XML feeds carry, as feedparser reads them."""
    return {entry.id for name in ("rss.xml", "atom.xml") for entry in feedparser.parse(site / name).entries}


def test_newsboat_shows_every_article_once_and_polls_cheaply(tmp_path: Path) -> None:
    newsboat()
    site, store = tmp_path / "public", tmp_path / "archive.sqlite"
    build([SEED, DAYS[0]], site, archive=store)
    served, thread = start(site)
    try:
        first = reload(tmp_path, served)
        assert len(first) == len(set(first)) == len(published_ids(site))
        for day in (DAYS[2], DAYS[1]):  # a later day first, then the one it skipped
            build([day], site, archive=store)
        later = reload(tmp_path, served)
        assert len(later) == len(set(later)) == len(published_ids(site)) > len(first)
        assert set(first) <= set(later)
        reload(tmp_path, served)
        assert [line.split()[1:4] for line in served.lines[-2:]] == [
            ["GET", "/rss.xml", "304"],
            ["GET", "/atom.xml", "304"],
        ]
    finally:
        stop(served, thread)


def landing_days(site: Path) -> dict[str, dt.date]:
    """Article link -> the date the landing page gives it."""
    page = (site / "index.html").read_text(encoding="utf-8")
    found = re.findall(r'<h3><a href="([^"]+)">.*?<time datetime="([0-9-]+)">', page, re.S)
    return {link: dt.date.fromisoformat(day) for link, day in found}


@pytest.mark.parametrize(
    ("feed_zone", "reader_zone", "shift"),
    [
        ("UTC", "UTC", 0),
        ("UTC", "Asia/Almaty", 0),  # 05:59 the same morning
        ("UTC", "America/New_York", -1),  # 19:59 the evening before: said so in the README
        ("Asia/Almaty", "Asia/Almaty", 0),
        ("Asia/Almaty", "UTC", -1),  # 19:59 UTC the evening before
    ],
)
def test_newsboat_shows_each_article_on_its_edition_day_in_the_feeds_zone(
    tmp_path: Path, feed_zone: str, reader_zone: str, shift: int
) -> None:
    """In the feed's zone, newsboat, the landing page and feed.json's first_edition name one day;
    elsewhere a reader shows the local date of the edition's first hour there."""
    newsboat()
    site, config = tmp_path / "public", FeedConfig(timezone=feed_zone)
    for dump in (SEED, *DAYS):
        build([dump], site, config, archive=tmp_path / "a.sqlite")
    items = json.loads((site / "feed.json").read_bytes())["items"]
    firsts = {item["id"]: dt.date.fromisoformat(item["_centralasia_feed"]["first_edition"]) for item in items}
    assert landing_days(site) == {item["url"]: firsts[item["id"]] for item in items}
    assert len(set(firsts.values())) == 4  # the seed's day and three more
    served, thread = start(site)
    try:
        shown = reload_dated(tmp_path, served, reader_zone)
    finally:
        stop(served, thread)
    assert shown == {id_: day + dt.timedelta(days=shift) for id_, day in firsts.items()}


def test_newsboat_that_read_an_old_folder_shows_each_article_once_after_the_new_times(tmp_path: Path) -> None:
    """A folder built before items moved into their edition's first hour (tests/data/old-folders),
    read, then built again by this code and read again: every article once, ids unchanged.
    newsboat keeps the date it first stored for the articles it had."""
    newsboat()
    site = tmp_path / "public"
    shutil.copytree(DATA / "old-folders" / "young", site)
    served, thread = start(site)
    try:
        old = reload_dated(tmp_path, served, "America/New_York")
        assert len(old) == 9 and sum(day.day == 4 for day in old.values()) == 6  # the seed: all six
        for dumps in ([SEED, DAYS[0]], [DAYS[1]], [DAYS[2]]):
            build(dumps, site, archive=tmp_path / "a.sqlite")
        new = reload_dated(tmp_path, served, "America/New_York")
    finally:
        stop(served, thread)
    assert len(new) == len(published_ids(site)) == 14
    assert set(new) == published_ids(site) > set(old)
    assert {id_: new[id_] for id_ in old} == old
    items = json.loads((site / "feed.json").read_bytes())["items"]
    evening = {
        item["id"]: dt.date.fromisoformat(item["_centralasia_feed"]["first_edition"]) for item in items
    }
    assert {id_: new[id_] + dt.timedelta(days=1) for id_ in set(new) - set(old)} == {
        id_: evening[id_] for id_ in set(new) - set(old)
    }  # in New York, the evening before their UTC edition


def test_newsboat_shows_the_rates_feeds_each_day_once_in_each(tmp_path: Path) -> None:
    """The rates in Atom, as newsboat (which reads no JSON Feed) shows them: every pair's feed and the
    daily one, each day once in each, titled as people say the rate."""
    newsboat()
    site, store = tmp_path / "public", tmp_path / "archive.sqlite"
    for dump in (SEED, *DAYS):
        build([dump], site, archive=store)
    names = ["rates.xml", *(f"rates/{pair}-USD.xml" for pair in ("KGS", "KZT", "TJS", "TMT", "UZS"))]
    served, thread = start(site)
    try:
        urls, cache = tmp_path / "urls", tmp_path / "cache.db"
        urls.write_text("".join(f"{served.url}{name}\n" for name in names), encoding="utf-8")
        environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "no_proxy": "127.0.0.1"}
        command = [newsboat(), "-u", str(urls), "-c", str(cache), "-C", os.devnull, "-x", "reload"]
        subprocess.run(command, env=environment, capture_output=True, timeout=120, check=True)
    finally:
        stop(served, thread)
    with sqlite3.connect(cache) as connection:
        rows = connection.execute("SELECT feedurl, guid, title FROM rss_item").fetchall()
    shown: dict[str, set[str]] = {}
    for url, guid, _ in rows:
        shown.setdefault(url.removeprefix(served.url), set()).add(guid)
    assert shown == {name: {e.id for e in feedparser.parse(site / name).entries} for name in names}
    assert all(len(guids) == 1 + len(DAYS) for guids in shown.values())
    kzt = {title for url, _, title in rows if url.endswith("KZT-USD.xml")}
    assert "1 USD = 526 KZT (1 KZT = 0.00190 USD, -1.04%) on 8 January 2025" in kzt
