"""Folders built before items were dated in their edition's first hour (tests/data/old-folders,
written by the code of commit 0130b1e): the next build re-renders every document in them once, with
the same ids, never shrinks them, and a reader that read them shows each article once after it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from pathlib import Path

import feedparser
import pytest
from helpers.paths import DATA, SEED
from helpers.serving import start, stop

from centralasia_feed import FeedConfig, FewerArticlesError, build

OLD = DATA / "old-folders"
DAYS = tuple(sorted((DATA / "days").glob("*.txt")))
FIVE = FeedConfig(limit=5)  # the limit "paged" was built with


def copy(name: str, tmp_path: Path) -> Path:
    folder = tmp_path / name
    shutil.copytree(OLD / name, folder)
    return folder


def dated(folder: Path) -> dict[tuple[str, str], dt.date]:
    """(document, id) -> the UTC date feedparser reads as published, over every XML document."""
    return {
        (path.relative_to(folder).as_posix(), entry.id): dt.date(*entry.published_parsed[:3])
        for path in sorted(folder.rglob("*.xml"))
        for entry in feedparser.parse(path.read_bytes()).entries
    }


def editions(folder: Path) -> dict[str, dt.date]:
    """id -> first edition, from the folder's JSON Feed."""
    items = json.loads((folder / "feed.json").read_bytes())["items"]
    return {item["id"]: dt.date.fromisoformat(item["_centralasia_feed"]["first_edition"]) for item in items}


@pytest.fixture(scope="module")
def firsts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dt.date]:
    """id -> first edition of the fixtures' nine articles, by a JSON Feed of all of them."""
    return editions(build([SEED, DAYS[0]], tmp_path_factory.mktemp("all")).out_dir)


def test_the_old_folders_show_most_articles_the_day_before(firsts: dict[str, dt.date]) -> None:
    """What the fixtures are: 7 of the 9 articles dated the evening before their edition."""
    for name in ("young", "paged"):
        days = dated(OLD / name)
        assert {id_ for _, id_ in days} == set(firsts)
        assert sum(day < firsts[id_] for (_, id_), day in days.items()) == 7 * 2  # in RSS and Atom


@pytest.mark.parametrize(("name", "config"), [("young", FeedConfig()), ("paged", FIVE)])
def test_the_next_build_rewrites_every_document_once_on_the_editions_days(
    tmp_path: Path, name: str, config: FeedConfig, firsts: dict[str, dt.date]
) -> None:
    folder = copy(name, tmp_path)
    before = set(dated(folder))
    report = build([SEED, DAYS[0]], folder, config, archive=tmp_path / "a.sqlite")
    xml = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.xml"))
    assert sorted(file.name for file in report.files if file.name.endswith(".xml")) == xml  # all rendered
    assert {file.name for file in report.changed} >= {name for name, _ in before}  # all with items written
    after = {key: day for key, day in dated(folder).items() if not key[0].startswith("rates")}  # new here
    assert set(after) == before  # the same ids in the same documents
    assert after == {(name, id_): firsts[id_] for name, id_ in after}  # each on its edition's date
    assert build([], folder, config, archive=tmp_path / "a.sqlite").changed == ()  # once, not every time


@pytest.mark.parametrize(("name", "config"), [("young", FeedConfig()), ("paged", FIVE)])
def test_an_old_folder_is_never_shrunk(tmp_path: Path, name: str, config: FeedConfig) -> None:
    """9 articles shown: the young folder's by its feed, the paged one's by its old manifest."""
    folder = copy(name, tmp_path)
    with pytest.raises(
        FewerArticlesError, match="shows 9 articles, but a build with no archive has only its dumps' 6"
    ):
        build([DAYS[2]], folder, config)
    assert sorted(path.name for path in folder.rglob("*")) == sorted(
        path.name for path in (OLD / name).rglob("*")
    )


def test_reader_that_read_an_old_folder_shows_each_article_once_on_its_day_after_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """lemon24/reader updates from the old folder, then from the next builds into it."""
    reader_module = pytest.importorskip("reader")
    folder = copy("young", tmp_path)
    served, thread = start(folder)
    reader = reader_module.make_reader(":memory:")
    caplog.set_level(logging.WARNING, logger="reader")
    try:
        urls = [served.url + name for name in ("rss.xml", "atom.xml")]
        for url in urls:
            reader.add_feed(url)
        reader.update_feeds(scheduled=False)
        old = {url: sorted(entry.id for entry in reader.get_entries(feed=url)) for url in urls}
        assert [len(ids) for ids in old.values()] == [9, 9]
        for dumps in ([SEED, DAYS[0]], [DAYS[1]]):
            build(dumps, folder, archive=tmp_path / "a.sqlite")
        reader.update_feeds(scheduled=False)
        firsts = editions(folder)
        for url in urls:
            assert reader.get_feed(url).last_exception is None
            entries = list(reader.get_entries(feed=url))
            assert sorted(entry.id for entry in entries) == sorted(firsts)  # 12, each once
            assert set(old[url]) < set(firsts)
            assert {entry.id: entry.published.astimezone(dt.UTC).date() for entry in entries} == firsts
        assert [record.getMessage() for record in caplog.records] == []
    finally:
        reader.close()
        stop(served, thread)
