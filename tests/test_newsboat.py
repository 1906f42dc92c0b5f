"""A real terminal feed reader subscribes over loopback: newsboat shows every article once, across
daily builds read out of order, and its polls of unchanged feeds are answered 304.

newsboat comes from Debian's ``newsboat`` package; it reads RSS and Atom and keys items by guid
across all the feeds of one cache. Without it this test is skipped with a plain reason, except
when the ``CI`` environment variable is set: there it must run, so it fails.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import feedparser
from paths import DATA, SEED, missing
from serving import Served, start, stop

from centralasia_feed import build

DAYS = sorted((DATA / "days").glob("*.txt"))


def newsboat() -> str:
    return shutil.which("newsboat") or missing("newsboat", "newsboat")


def reload(home: Path, served: Served) -> list[str]:
    """One ``newsboat -x reload`` of both XML feeds; returns the guids in its cache."""
    urls = home / "urls"
    urls.write_text(f"{served.url}rss.xml\n{served.url}atom.xml\n", encoding="utf-8")
    cache = home / "cache.db"
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "no_proxy": "127.0.0.1"}
    command = [newsboat(), "-u", str(urls), "-c", str(cache), "-C", os.devnull, "-x", "reload"]
    subprocess.run(command, env=environment, capture_output=True, timeout=120, check=True)
    with sqlite3.connect(cache) as connection:
        return [guid for (guid,) in connection.execute("SELECT guid FROM rss_item")]


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
