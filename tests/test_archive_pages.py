"""RFC 5005 archive pages: how they are cut from counts alone, and which ones a build renders again
(those that changed since the folder was built, no more).

A build's report lists the files it rendered, so the archive pages in it are the ones it read and
rendered; every folder is also compared with a fresh build of the same archive, which renders all.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest
from helpers.paths import DATA, SEED, folder_files, published_files

from centralasia_feed import ConfigError, FeedConfig, PublishError, build
from centralasia_feed.archive import Archive
from centralasia_feed.archive_pages import ArchivePage, archive_page, newest_page, page_count, page_of
from centralasia_feed.models import Article, Dump, Page
from centralasia_feed.pipeline import BuildReport
from centralasia_feed.publish import STATE_NAME, _folder

DAYS = tuple(sorted((DATA / "days").glob("*.txt")))
ALL = (SEED, *DAYS)
SMALL = FeedConfig(limit=2)  # 14 articles: 2 in the feed, 6 full pages and the open one


def test_archive_pages_are_cut_oldest_first_from_counts() -> None:
    assert [page_count(total, 2) for total in (0, 2, 3, 4, 5, 6)] == [0, 0, 2, 2, 2, 3]
    assert archive_page(1, 3, 2) == ArchivePage(1, 2, 1, False, False)  # page 1 not full yet...
    assert archive_page(2, 3, 2) == ArchivePage(2, 2, 0, False, True)  # ...and page 2 there, empty
    assert (archive_page(1, 3, 2).next, archive_page(2, 3, 2).previous) == (2, 1)  # never alone
    assert archive_page(1, 6, 2) == ArchivePage(1, 4, 2, True, False)  # the two oldest of six
    assert archive_page(3, 6, 2) == ArchivePage(3, 2, 0, False, True)  # open and empty, just past the feed
    assert archive_page(2, 5, 2) == ArchivePage(2, 2, 1, False, True)
    assert [newest_page(total, 2) for total in (2, 3, 4, 5, 6)] == [None, 1, 1, 2, 2]
    assert [page_of(rank, 2) for rank in (0, 1, 2, 5)] == [1, 1, 2, 3]
    assert (archive_page(2, 6, 2).previous, archive_page(2, 6, 2).next) == (1, 3)
    assert (archive_page(3, 6, 2).previous, archive_page(3, 6, 2).next) == (2, None)
    for index, size in ((0, 2), (4, 2), (1, 0)):
        with pytest.raises(ConfigError):
            archive_page(index, 6, size)


def rendered(report: BuildReport) -> set[str]:
    return {file.name.removeprefix("archive/") for file in report.files if file.name.startswith("archive/")}


def pages(*indexes: int) -> set[str]:
    return {f"{kind}-{index}.xml" for index in indexes for kind in ("rss", "atom")}


def daily(out: Path, store: Path, dumps: tuple[Path | Dump, ...] = ALL, config: FeedConfig = SMALL) -> None:
    for one in dumps:
        build([one], out, config, archive=store)


def fresh(tmp_path: Path, store: Path, config: FeedConfig = SMALL) -> dict[str, bytes]:
    """The folder a build from scratch makes of ``store`` (on a copy, so the archive stays as it is)."""
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(store.read_bytes())
    build([], tmp_path / "fresh", config, archive=copy)
    return folder_files(tmp_path / "fresh")


def recut(store: Path, rank: int, day: dt.date) -> Dump:
    """A dump of ``day`` showing the article of oldest-first ``rank`` with a longer excerpt."""
    with Archive(store) as archive:
        entry = archive.entries()[-1 - rank]
    article = Article(entry.article.title, entry.article.summary + " Re-cut.", day, entry.slug)
    return Dump("recut.txt", (Page(day, (article,)),))


def news(day: dt.date) -> Dump:
    """A dump of ``day`` with one new article."""
    article = Article("Aral Sea Fishermen Report a Record Catch", "Fish are back.", day, "aral-sea-fishermen")
    return Dump("news.txt", (Page(day, (article,)),))


def test_a_rebuild_with_nothing_new_renders_no_page(tmp_path: Path) -> None:
    out, store = tmp_path / "out", tmp_path / "a.sqlite"
    daily(out, store)
    report = build([DAYS[-1]], out, SMALL, archive=store)
    assert rendered(report) == set() and report.changed == ()


def test_a_day_renders_the_old_open_page_and_the_new_ones_only(tmp_path: Path) -> None:
    out, store = tmp_path / "out", tmp_path / "a.sqlite"
    daily(out, store, ALL[:2])  # 9 articles, 7 archived: pages 1-3 full, 4 open with one
    report = build([DAYS[1]], out, SMALL, archive=store)  # 3 more: 4 and 5 fill, 6 opens empty
    assert rendered(report) == pages(4, 5, 6)
    assert folder_files(out) == fresh(tmp_path, store)


def test_a_recut_article_on_an_old_full_page_renders_that_page_only(tmp_path: Path) -> None:
    out, store = tmp_path / "out", tmp_path / "a.sqlite"
    daily(out, store)
    before = folder_files(out)
    report = build([recut(store, 3, dt.date(2025, 1, 9))], out, SMALL, archive=store)  # on page 2
    assert rendered(report) == pages(2)
    assert {name for name, data in folder_files(out).items() if before.get(name) != data} == {
        "archive/rss-2.xml",
        "archive/atom-2.xml",
        STATE_NAME,  # which names the new revision
    }
    assert folder_files(out) == fresh(tmp_path, store)


def test_a_folder_built_from_another_archive_is_rendered_again(tmp_path: Path) -> None:
    out = tmp_path / "out"
    daily(out, tmp_path / "a.sqlite")
    other = tmp_path / "b.sqlite"
    daily(
        tmp_path / "elsewhere", other, (SEED, DAYS[0], recut(tmp_path / "a.sqlite", 0, dt.date(2025, 1, 6)))
    )
    report = build([], out, SMALL, archive=other, allow_fewer=True)  # 14 shown, 9 in the other
    assert rendered(report) == pages(1, 2, 3, 4)  # 9 articles, 7 archived
    written = fresh(tmp_path, other)
    assert {name: data for name, data in folder_files(out).items() if name in written} == written


def test_another_archive_with_the_same_entries_renders_every_page_and_changes_none(tmp_path: Path) -> None:
    """The folder's state names a revision of the archive that built it, and only of that one."""
    out = tmp_path / "out"
    daily(out, tmp_path / "a.sqlite")
    before = published_files(out)
    report = build(reversed(ALL), out, SMALL, archive=tmp_path / "b.sqlite")
    assert rendered(report) == pages(*range(1, 8)) and report.changed == ()
    assert published_files(out) == before
    assert rendered(build([], out, SMALL, archive=tmp_path / "b.sqlite")) == set()  # its own, now


def test_deleting_the_state_renders_every_page_again(tmp_path: Path) -> None:
    """Which is how a page file deleted by hand comes back: a build trusts the folder as it left it."""
    out, store = tmp_path / "out", tmp_path / "a.sqlite"
    daily(out, store)
    before = folder_files(out)
    (out / "archive" / "atom-3.xml").unlink()
    assert rendered(build([], out, SMALL, archive=store)) == set()
    (out / STATE_NAME).unlink()
    assert rendered(build([], out, SMALL, archive=store)) == pages(*range(1, 8))
    assert folder_files(out) == before


def test_a_day_after_a_build_lists_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, store = tmp_path / "out", tmp_path / "a.sqlite"
    daily(out, store, ALL[:2])
    listed: list[object] = []
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path: listed.append(path) or real(path))
    report = build([DAYS[1]], out, SMALL, archive=store)
    # a listing of archive/ grows with the history; rates/ holds two feeds a pair, however long
    assert rendered(report) == pages(4, 5, 6) and [Path(path).name for path in listed] == ["rates"]
    monkeypatch.undo()
    assert folder_files(out) == fresh(tmp_path, store)


def test_a_revision_rolled_back_after_publishing_is_never_taken_for_the_next(tmp_path: Path) -> None:
    """A build killed after its last rename, before its commit, leaves a state naming a revision
    the archive never kept; the next commit, a build into another folder say, takes its number."""
    out, store, kept = tmp_path / "out", tmp_path / "a.sqlite", tmp_path / "kept.sqlite"
    daily(out, store, ALL[:2])
    shutil.copyfile(store, kept)
    build([recut(store, 3, dt.date(2025, 1, 9))], out, SMALL, archive=store)  # page 2 re-cut
    shutil.copyfile(kept, store)  # as if it never committed
    with Archive(store) as archive:
        number = archive.revision
    build([news(dt.date(2025, 1, 9))], tmp_path / "elsewhere", SMALL, archive=store)
    with Archive(store) as archive:
        assert archive.revision == number + 1  # the number the lost revision had
    assert rendered(build([], out, SMALL, archive=store)) == pages(*range(1, 6))
    assert folder_files(out) == fresh(tmp_path, store)


def test_an_older_state_renders_from_where_that_build_stood(tmp_path: Path) -> None:
    """As after a folder restored from a backup: the pages may be older than the archive."""
    out, store = tmp_path / "out", tmp_path / "a.sqlite"
    daily(out, store, ALL[:2])
    older = (out / STATE_NAME).read_bytes()
    build([DAYS[1]], out, SMALL, archive=store)
    (out / STATE_NAME).write_bytes(older)
    report = build([], out, SMALL, archive=store)
    assert rendered(report) == pages(4, 5, 6)
    assert folder_files(out) == fresh(tmp_path, store)


@pytest.mark.parametrize("state", [b"", b"centralasia_feed archive pages 2\n", b'{"format": 2}\n', b"[]"])
def test_another_config_or_a_broken_state_renders_every_page(tmp_path: Path, state: bytes) -> None:
    out, store = tmp_path / "out", tmp_path / "a.sqlite"
    daily(out, store)
    titled = FeedConfig(limit=2, title="Central Asia")
    assert rendered(build([], out, titled, archive=store)) == pages(*range(1, 8))
    (out / STATE_NAME).write_bytes(state)
    assert rendered(build([], out, titled, archive=store)) == pages(*range(1, 8))
    assert folder_files(out) == fresh(tmp_path, store, titled)


@pytest.mark.parametrize(
    "change", [{"icon": "https://timesca.com/icon.png"}, {"logo": "https://timesca.com/logo.png"}]
)
def test_a_new_icon_or_logo_reaches_every_archive_page(tmp_path: Path, change: dict[str, str]) -> None:
    out, store = tmp_path / "out", tmp_path / "a.sqlite"
    daily(out, store)
    config = FeedConfig(limit=2, **change)  # type: ignore[arg-type]
    assert rendered(build([], out, config, archive=store)) == pages(*range(1, 8))
    assert folder_files(out) == fresh(tmp_path, store, config)
    assert all(
        next(iter(change.values())).encode() in data for data in folder_files(out / "archive").values()
    )


def test_a_build_without_an_archive_renders_every_page(tmp_path: Path) -> None:
    """An archive in memory is new every time: it names no revision the folder's state names.
    Given every dump the folder was built from, it changes no file; given one more, the folder is
    as a fresh build makes it. (Given fewer, the build is refused: see test_guards.)"""
    out = tmp_path / "out"
    daily(out, tmp_path / "a.sqlite")
    before = published_files(out)
    report = build(ALL, out, SMALL)
    assert rendered(report) == pages(*range(1, 8)) and report.changed == ()
    assert published_files(out) == before
    more = (*ALL, news(dt.date(2025, 1, 9)))
    assert rendered(build(more, out, SMALL)) == pages(*range(1, 8))
    build(more, tmp_path / "more", SMALL)
    assert folder_files(out) == folder_files(tmp_path / "more")  # one in-memory history, as there


def test_a_build_that_fails_publishing_leaves_pages_and_state_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, store = tmp_path / "out", tmp_path / "a.sqlite"
    daily(out, store)
    before = folder_files(out)
    real, staged = _folder._stage_unless_held, []

    def stage_two(staging: Path, chunks: Iterable[bytes], path: Path) -> Path | None:
        if len(staged) == 2:
            raise PublishError("disk full", path=str(path))
        staged.append(path.name)
        return real(staging, chunks, path)

    monkeypatch.setattr(_folder, "_stage_unless_held", stage_two)
    with pytest.raises(PublishError):
        build([recut(store, 3, dt.date(2025, 1, 9)), news(dt.date(2025, 1, 10))], out, SMALL, archive=store)
    monkeypatch.undo()
    assert staged == ["rss-2.xml", "atom-2.xml"]  # the re-cut page was rendered, then the disk filled
    assert folder_files(out) == before
    assert rendered(build([], out, SMALL, archive=store)) == set()  # the archive rolled back too


def test_a_larger_limit_removes_the_pages_past_the_new_last_one(tmp_path: Path) -> None:
    out, store = tmp_path / "out", tmp_path / "archive.sqlite"
    build(ALL, out, FeedConfig(limit=2), archive=store)
    assert (out / "archive" / "rss-5.xml").is_file()
    build([], out, FeedConfig(limit=5), archive=store)
    left = sorted(path.name for path in (out / "archive").glob("*.xml"))
    fresh = tmp_path / "fresh"
    build(ALL, fresh, FeedConfig(limit=5))
    assert left == sorted(path.name for path in (fresh / "archive").glob("*.xml"))
    assert folder_files(out) == folder_files(fresh)
