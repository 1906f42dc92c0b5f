"""build(): the whole job from dump files to an output folder, checked from outside with lxml and json."""

from __future__ import annotations

import json
import sqlite3
import zoneinfo
from pathlib import Path

import pytest
from helpers.paths import DATA, SEED, folder_files
from lxml import etree

from centralasia_feed import (
    Archive,
    ArchiveError,
    ConfigError,
    DumpError,
    FeedConfig,
    FewerArticlesError,
    build,
    bundled_seeds,
    parse_dump,
)
from centralasia_feed.pipeline import read_dump

DAYS = (SEED, *sorted((DATA / "days").glob("*.txt")))
FILES = ("rss.xml", "atom.xml", "feed.json", "rates.json", "index.html")
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_seed_is_bundled() -> None:
    assert [path.name for path in bundled_seeds()] == [SEED.name]


def test_build_writes_every_file_with_its_item_count(tmp_path: Path) -> None:
    report = build([SEED], tmp_path / "out")
    counts = {file.name: file.items for file in report.files}
    assert {name: counts[name] for name in FILES} == {
        "rss.xml": 6,
        "atom.xml": 6,
        "feed.json": 6,
        "rates.json": 1,
        "index.html": 6,
    }
    for name in FILES:
        assert (tmp_path / "out" / name).stat().st_size > 0
    assert report.problems == ()


def test_rebuilding_gives_identical_bytes_and_changes_nothing(tmp_path: Path) -> None:
    build([SEED], tmp_path / "a")
    first = folder_files(tmp_path / "a")
    report = build([SEED], tmp_path / "a")
    assert folder_files(tmp_path / "a") == first
    assert report.changed == ()
    build([parse_dump(SEED.read_bytes(), source=str(SEED))], tmp_path / "b")
    assert folder_files(tmp_path / "b") == first


def test_feed_url_and_title_reach_the_feeds(tmp_path: Path) -> None:
    config = FeedConfig(feed_url="https://feeds.example.org/ca", title="Central Asia")
    build([SEED], tmp_path, config)
    rss = etree.parse(str(tmp_path / "rss.xml"))
    assert rss.findtext("channel/title") == "Central Asia"
    assert rss.findtext("channel/link") == "https://timesca.com/"
    self_link = rss.find("channel/{http://www.w3.org/2005/Atom}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == "https://feeds.example.org/ca/rss.xml"
    feed = json.loads((tmp_path / "feed.json").read_text(encoding="utf-8"))
    assert feed["feed_url"] == "https://feeds.example.org/ca/feed.json"


def test_a_failed_build_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    build([SEED], tmp_path)
    before = folder_files(tmp_path)
    empty = tmp_path.parent / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(DumpError):
        build([empty], tmp_path)
    assert folder_files(tmp_path) == before


def test_strict_build_fails_on_a_problem_and_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text(SEED.read_text(encoding="utf-8").replace("0.09217", "-0.09217", 1), encoding="utf-8")
    with pytest.raises(DumpError) as caught:
        build([broken], tmp_path / "out", strict=True)
    assert caught.value.line == 3
    assert not (tmp_path / "out").exists()


def test_oversized_dumps_are_refused_before_reading(tmp_path: Path) -> None:
    with pytest.raises(DumpError, match="over the limit"):
        read_dump(SEED, max_bytes=1000)


def test_archive_pages_hold_what_falls_out_of_the_feed(tmp_path: Path) -> None:
    build([SEED], tmp_path, FeedConfig(limit=2))
    atom = etree.parse(str(tmp_path / "atom.xml")).getroot()
    ids = [entry.findtext(f"{ATOM}id") for entry in atom.findall(f"{ATOM}entry")]
    assert len(ids) == 2
    prev = atom.find(f"{ATOM}link[@rel='prev-archive']")
    assert prev is not None and prev.get("href") == "http://127.0.0.1:8000/archive/atom-2.xml"
    for index in (1, 2, 3):  # two full pages, then the open page, empty for now
        page = etree.parse(str(tmp_path / "archive" / f"atom-{index}.xml")).getroot()
        ids += [entry.findtext(f"{ATOM}id") for entry in page.findall(f"{ATOM}entry")]
        assert page.find(f"{ATOM}link[@rel='current']") is not None
    assert len(ids) == len(set(ids)) == 6


def test_an_archive_file_makes_builds_remember(tmp_path: Path) -> None:
    store = tmp_path / "history.sqlite"
    build([SEED], tmp_path / "out", archive=store)
    first = folder_files(tmp_path / "out")
    report = build([], tmp_path / "out", archive=store)
    assert report.archived == 6
    assert folder_files(tmp_path / "out") == first


def test_a_build_waits_for_a_reader_before_it_publishes_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader in the way of the COMMIT would fail a build whose files were already published."""
    path, out = tmp_path / "a.sqlite", tmp_path / "out"
    build([SEED], out, archive=path)
    before = folder_files(out)
    monkeypatch.setattr("centralasia_feed.pipeline.ARCHIVE_WAIT", 0.2)
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM articles").fetchone()  # holds a SHARED lock
        with pytest.raises(ArchiveError, match="locked"):
            build([DATA / "days" / "2025-01-06.txt"], out, archive=path)
    finally:
        reader.close()
    assert folder_files(out) == before


@pytest.mark.parametrize("archive", ["missing.sqlite", "empty.sqlite"])
def test_a_folder_with_history_is_not_rebuilt_from_a_missing_or_empty_archive(
    tmp_path: Path, archive: str
) -> None:
    """Else the build would delete every archive page and cut the feeds to the one new dump."""
    out, config = tmp_path / "out", FeedConfig(limit=2)
    for dump in DAYS:
        build([dump], out, config, archive=tmp_path / "a.sqlite")
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    assert any(path.parent.name == "archive" for path in before)
    (tmp_path / "empty.sqlite").touch()
    with pytest.raises(FewerArticlesError) as caught:
        build([DAYS[-1]], out, config, archive=tmp_path / archive)
    assert str(caught.value) == (
        f"{out}: shows 14 articles, but {tmp_path / archive} is a new archive, and this build's dumps "
        "give it 6; build with the archive it was built from, or pass allow_fewer=True to publish 6"
    )
    assert (caught.value.shown, caught.value.publishing) == (14, 6)
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == before
    with Archive(tmp_path / archive) as store:
        assert store.count() == 0  # nothing of the refused build
    assert build(DAYS, out, config, archive=tmp_path / archive).changed == ()  # all of it again: fine
    build([DAYS[-1]], out, config, archive=tmp_path / "new.sqlite", allow_fewer=True)  # on purpose
    build([DAYS[-1]], tmp_path / "fresh", config, archive=tmp_path / "fresh.sqlite")
    assert folder_files(out) == folder_files(tmp_path / "fresh")


def test_an_edition_dated_in_the_future_is_reported_and_fails_strict(tmp_path: Path) -> None:
    """A mistyped year would put its articles above every later day's until that date came."""
    dump = tmp_path / "future.txt"
    dump.write_text(SEED.read_text(encoding="utf-8").replace("05 January 2025", "05 January 2151"), "utf-8")
    report = build([dump], tmp_path / "out")
    (problem,) = report.problems  # one per date, on its date line
    assert str(problem).startswith(f"{dump}:41: page dated 2151-01-05, in the future (today is 20")
    assert report.files and (tmp_path / "out" / "rss.xml").is_file()  # kept: reported, not refused
    with pytest.raises(DumpError, match="page dated 2151-01-05, in the future"):
        build([dump], tmp_path / "strict", strict=True)
    assert build([SEED], tmp_path / "today").problems == ()
    dump.write_text(dump.read_text(encoding="utf-8") * 2, encoding="utf-8")  # two pages, one date
    future = [p for p in build([dump], tmp_path / "twice").problems if "in the future" in p.message]
    assert [problem.line for problem in future] == [41]  # once per date, not per page


def test_the_default_zone_needs_no_zone_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows and slim containers may have no IANA database: UTC, the default, still builds the
    same bytes (the others come from the tzdata dependency there)."""
    build([SEED], tmp_path / "with", archive=None)

    def missing(name: str) -> None:
        raise zoneinfo.ZoneInfoNotFoundError(f"No time zone found with key {name}")

    monkeypatch.setattr(zoneinfo, "ZoneInfo", missing)
    build([SEED], tmp_path / "without", archive=None)
    assert folder_files(tmp_path / "without") == folder_files(tmp_path / "with")
    with pytest.raises(
        ConfigError, match="timezone must be an IANA time zone \\(like Asia/Almaty\\), not 'Asia/Tashkent'"
    ):
        FeedConfig(timezone="Asia/Tashkent")


def test_a_build_with_no_archive_file_does_not_rebuild_a_folder_with_history(tmp_path: Path) -> None:
    """``--no-archive`` into the folder of an archived history would delete its archive pages."""
    out, config = tmp_path / "out", FeedConfig(limit=2)
    build(DAYS, out, config, archive=tmp_path / "a.sqlite")
    before = folder_files(out)
    with pytest.raises(FewerArticlesError) as caught:
        build([DAYS[-1]], out, config, archive=None)
    assert str(caught.value) == (
        f"{out}: shows 14 articles, but a build with no archive has only its dumps' 6; build with the "
        "archive it was built from, or pass allow_fewer=True to publish 6"
    )
    assert folder_files(out) == before
    assert build(DAYS, out, config, archive=None).changed == ()  # every dump again: the same folder


@pytest.mark.parametrize(
    ("dumps", "error", "created"),
    [
        (["missing.txt"], "cannot read", False),
        (["empty.txt"], "no articles or rates", False),
        (["bad.bin"], "binary", False),
        ([DAYS[0], "empty.txt"], "no articles or rates", True),
    ],
)
def test_a_failed_first_build_leaves_no_archive_or_one_holding_nothing(
    tmp_path: Path, dumps: list[Path | str], error: str, created: bool
) -> None:
    """A first dump that cannot be read fails before the archive is created. A later one leaves
    the new file holding nothing (deleting it could pull it from under a second build waiting for
    it): the next build takes it as new, and builds what a fresh archive would."""
    (tmp_path / "empty.txt").write_text("\n\n", encoding="utf-8")
    (tmp_path / "bad.bin").write_bytes(bytes(range(256)) * 40)
    paths = [dump if isinstance(dump, Path) else tmp_path / dump for dump in dumps]
    with pytest.raises(DumpError, match=error):
        build(paths, tmp_path / "out", archive=tmp_path / "new.sqlite")
    assert (tmp_path / "new.sqlite").exists() == created
    if created:
        with Archive(tmp_path / "new.sqlite") as store:
            assert (store.revision, store.count(), store.rate_dates()) == (0, 0, ())
    build(DAYS, tmp_path / "out", archive=tmp_path / "new.sqlite")
    build(DAYS, tmp_path / "fresh", archive=tmp_path / "fresh.sqlite")
    assert folder_files(tmp_path / "out") == folder_files(tmp_path / "fresh")


def test_a_failed_build_removes_the_folders_it_created(tmp_path: Path) -> None:
    """A library caller, like the CLI, finds no empty output folder after a first build fails;
    a folder that was there before stays."""
    (tmp_path / "garbage.sqlite").write_bytes(b"not a database" * 10)
    with pytest.raises(ArchiveError, match="not an SQLite database"):
        build([SEED], tmp_path / "new" / "public", archive=tmp_path / "garbage.sqlite")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["garbage.sqlite"]
    (tmp_path / "kept").mkdir()
    with pytest.raises(DumpError, match="cannot read"):
        build([tmp_path / "missing.txt"], tmp_path / "kept" / "out", archive=None)
    assert list((tmp_path / "kept").iterdir()) == []


def test_a_build_of_many_dumps_keeps_its_problems_bounded(tmp_path: Path) -> None:
    """Each dump's problems are grouped by the parse; across dumps, the build keeps the first few of
    each kind and counts the rest, so a backfill of thousands of dumps holds no more."""
    paths = []
    for day in range(1, 26):
        path = tmp_path / f"day{day:02}.txt"
        path.write_text(f"{day:02} January 2025\n\nTitle\n\nIts paragraph.\n\nStray.\nText.\n", "utf-8")
        paths.append(path)
    report = build(paths, tmp_path / "out")
    assert [str(problem) for problem in report.problems[:3]] == [
        f"{paths[0]}:7: text without a title: 'Stray.'",
        f"{paths[0]}:8: text without a title: 'Text.'",
        f"{paths[1]}:7: text without a title: 'Stray.'",
    ]
    assert [problem.count for problem in report.problems] == [1] * 10 + [40]
    assert str(report.problems[-1]) == (
        f"{paths[5]}:7: text without a title: and 40 more lines like this "
        f"(from {paths[5]}:7 to {paths[-1]}:8)"
    )
