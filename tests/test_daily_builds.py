"""Daily builds over an archive, read back only with independent parsers (feedparser, lxml, json).

The dumps are the seed (5 January 2025) and tests/data/days (6, 7 and 8 January), written in the
site's format: yesterday's articles lower on today's listing, one excerpt re-cut longer on
7 January, rate changes without a sign, and a second listing page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from helpers.paths import DATA, ROOT, SEED, folder_files, published_files
from helpers.render_checks import assert_atom_valid, assert_json_feed_valid, parse_feed
from lxml import etree

from centralasia_feed import FeedConfig, build
from centralasia_feed.archive import APPLICATION_ID, SCHEMA_VERSION, Archive
from centralasia_feed.archive._schema import V1_SCHEMA
from centralasia_feed.cli import main
from centralasia_feed.models import Rate
from centralasia_feed.publish import Publication
from centralasia_feed.render import rates_csv, rates_page

DAYS = tuple(sorted((DATA / "days").glob("*.txt")))
ALL = (SEED, *DAYS)
ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "http://127.0.0.1:8000/"
RECUT = "tag:timesca.com,2025:article/tajik-hydropower-output-hits-a-winter-record"
SMALL = FeedConfig(limit=2)


def daily(dumps: Iterable[Path], out: Path, archive: Path, config: FeedConfig | None = None) -> None:
    """One build per dump, as a cron job would run them."""
    for dump in dumps:
        build([dump], out, config, archive=archive)


def json_items(folder: Path, name: str = "feed.json") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = assert_json_feed_valid((folder / name).read_bytes())["items"]
    return items


def atom_entries(data: bytes) -> dict[str, tuple[str | None, str | None]]:
    """Atom entry id -> (published, updated), checked against RFC 4287's grammar first."""
    assert_atom_valid(data)
    root = etree.fromstring(data)
    entries = root.findall(f"{ATOM}entry")
    ids = [entry.findtext(f"{ATOM}id") or "" for entry in entries]
    assert len(ids) == len(set(ids))
    return {
        id_: (entry.findtext(f"{ATOM}published"), entry.findtext(f"{ATOM}updated"))
        for id_, entry in zip(ids, entries, strict=True)
    }


def rss_guids(data: bytes) -> dict[str, str]:
    """RSS guid -> pubDate, read by feedparser (which must not call the document malformed)."""
    items = parse_feed(data).entries
    guids = [item.id for item in items]
    assert len(guids) == len(set(guids))
    return {item.id: item.published for item in items}


def test_no_feed_ever_repeats_an_id(tmp_path: Path) -> None:
    for dump in ALL:
        build([dump], tmp_path / "out", archive=tmp_path / "a.sqlite")
        out = tmp_path / "out"
        atom, rss = atom_entries((out / "atom.xml").read_bytes()), rss_guids((out / "rss.xml").read_bytes())
        items = json_items(out)
        assert set(atom) == set(rss) == {item["id"] for item in items}
        json_items(out, "rates.json")
    assert len(atom) == 14  # 6 from the seed, 3 + 3 + 2 new ones on the following days


def test_ids_and_published_dates_survive_the_next_day(tmp_path: Path) -> None:
    out, store = tmp_path / "out", tmp_path / "a.sqlite"
    build([DAYS[0]], out, archive=store)
    before = (atom_entries((out / "atom.xml").read_bytes()), rss_guids((out / "rss.xml").read_bytes()))
    first = {item["id"]: item["date_published"] for item in json_items(out)}
    build([DAYS[1]], out, archive=store)
    after = (atom_entries((out / "atom.xml").read_bytes()), rss_guids((out / "rss.xml").read_bytes()))
    second = {item["id"]: item["date_published"] for item in json_items(out)}
    assert set(first) < set(second) and len(second) == 12
    assert {id_: second[id_] for id_ in first} == first
    assert {id_: after[1][id_] for id_ in before[1]} == before[1]
    assert {id_: after[0][id_][0] for id_ in before[0]} == {
        id_: stamps[0] for id_, stamps in before[0].items()
    }


def test_a_recut_excerpt_is_one_update_not_a_new_item(tmp_path: Path) -> None:
    out, store = tmp_path / "out", tmp_path / "a.sqlite"
    build([SEED, DAYS[0]], out, archive=store)
    atom_before = atom_entries((out / "atom.xml").read_bytes())[RECUT]
    json_before = next(item for item in json_items(out) if item["id"] == RECUT)
    build([DAYS[1]], out, archive=store)
    atom_after = atom_entries((out / "atom.xml").read_bytes())[RECUT]
    items = [item for item in json_items(out) if item["id"] == RECUT]
    assert len(items) == 1
    assert atom_after[0] == atom_before[0] and atom_after[1] != atom_before[1]
    assert items[0]["date_published"] == json_before["date_published"]
    assert "date_modified" not in json_before  # not modified yet
    assert items[0]["date_modified"] > json_before["date_published"]
    assert items[0]["date_modified"] == "2025-01-07T00:59:54+00:00"  # 7 January, sixth: 00:59:59 less 5 s
    assert "full capacity for the first time" in items[0]["summary"]
    unchanged = [
        item
        for item in json_items(out)
        if item["id"].endswith("/uzbekistan-raises-the-minimum-wage-by-ten-percent")
    ]
    assert "date_modified" not in unchanged[0]  # seen again with the same text


ORDERS = {
    "in order": [[dump] for dump in ALL],
    "newest first": [[dump] for dump in reversed(ALL)],
    "shuffled": [[DAYS[1]], [SEED], [DAYS[2]], [DAYS[0]]],
    "all at once": [list(ALL)],
    "twice over": [[DAYS[2], DAYS[0]], list(ALL), [SEED, DAYS[1]]],
}


@pytest.mark.parametrize("config", [FeedConfig(), SMALL], ids=["limit 50", "limit 2"])
def test_any_order_gives_the_same_folder(tmp_path: Path, config: FeedConfig) -> None:
    folders = {}
    for name, runs in ORDERS.items():
        out, store = tmp_path / name / "out", tmp_path / f"{name}.sqlite"
        for dumps in runs:
            build(dumps, out, config, archive=store)
        folders[name] = published_files(out)  # the state names each archive's own history
    reference = folders.pop("in order")
    assert len(reference) > (5 if config.limit == 2 else 4)
    assert {name: folder == reference for name, folder in folders.items()} == dict.fromkeys(folders, True)


def test_the_same_dump_twice_changes_nothing(tmp_path: Path) -> None:
    out, store = tmp_path / "out", tmp_path / "a.sqlite"
    build([SEED, DAYS[1]], out, SMALL, archive=store)
    first = folder_files(out)
    report = build([DAYS[1]], out, SMALL, archive=store)
    assert folder_files(out) == first and report.changed == ()
    build([DAYS[1], DAYS[1], SEED], tmp_path / "again", SMALL, archive=tmp_path / "b.sqlite")
    assert folder_files(tmp_path / "again") == first


def rates_of(folder: Path, day: str) -> dict[str, dict[str, Any]]:
    item = next(item for item in json_items(folder, "rates.json") if item["id"].endswith(day))
    return {f"{rate['base']}/{rate['quote']}": rate for rate in item["_centralasia_feed"]["rates"]}


def test_an_unsigned_change_takes_its_direction_from_history(tmp_path: Path) -> None:
    alone = tmp_path / "alone"
    build([DAYS[0]], alone, archive=tmp_path / "alone.sqlite")
    assert rates_of(alone, "2025-01-06")["KZT/USD"]["direction"] is None  # nothing earlier to compare
    out = tmp_path / "out"
    daily(ALL, out, tmp_path / "a.sqlite")
    sixth, seventh, eighth = (rates_of(out, f"2025-01-0{day}") for day in (6, 7, 8))
    assert sixth["KZT/USD"] | {"date": "", "provider": None} == {
        "base": "KZT", "quote": "USD", "value": "0.00192", "inverse": "520.833",
        "change_percent": "+0.52", "direction": "up", "date": "", "change_percent_as_written": "0.52",
        "rate_type": "news-site ticker", "official": False, "provider": None,
    }  # fmt: skip
    assert sixth["TJS/USD"]["direction"] == "down" and sixth["TJS/USD"]["change_percent"] == "-0.08"
    assert seventh["TJS/USD"]["direction"] == "up"
    assert eighth["KZT/USD"]["direction"] == "down" and eighth["KZT/USD"]["change_percent"] == "-1.04"
    assert eighth["KZT/USD"]["change_percent_as_written"] == "1.04"  # the sign came from history
    assert seventh["TMT/USD"]["direction"] == "down"  # as the dump wrote it: -0.15%
    assert seventh["TMT/USD"]["change_percent"] == seventh["TMT/USD"]["change_percent_as_written"] == "-0.15"
    assert len(json_items(out, "rates.json")) == 4


def links(root: Any, tag: str) -> dict[str, str]:
    return {link.get("rel"): link.get("href") for link in root.findall(tag) if link.get("rel") != "alternate"}


def walk(out: Path, kind: str) -> list[list[str]]:
    """The ids of the feed and of each archive page reached through prev-archive, newest first."""
    path, documents, seen = out / f"{kind}.xml", [], set()
    while True:
        data = path.read_bytes()
        root = etree.fromstring(data)
        if kind == "rss":
            root = root.find("channel")  # type: ignore[assignment]
        ids = list(atom_entries(data) if kind == "atom" else rss_guids(data))
        rels = links(root, f"{ATOM}link")
        documents.append(ids)
        assert rels["self"] == BASE + str(path.relative_to(out))
        if path.parent.name == "archive":
            assert rels["current"] == f"{BASE}{kind}.xml"
            assert root.find("{http://purl.org/syndication/history/1.0}archive") is not None
        if "prev-archive" not in rels:
            return documents
        assert rels["prev-archive"].startswith(BASE) and rels["prev-archive"] not in seen
        seen.add(rels["prev-archive"])
        path = out / rels["prev-archive"].removeprefix(BASE)


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_archive_pages_are_valid_linked_and_hold_each_article_once(tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out"
    daily(ALL, out, tmp_path / "a.sqlite", SMALL)
    documents = walk(out, kind)
    assert [len(ids) for ids in documents] == [2, 2, 2, 2, 2, 2, 2]  # the feed, then 6 full pages
    every = [id_ for ids in documents for id_ in ids]
    assert len(every) == len(set(every)) == 14
    assert set(every) == {item["id"] for item in json_items(out)} | set(every[2:])
    pages = sorted((out / "archive").glob(f"{kind}-*.xml"))
    assert len(pages) == 7  # and the open page, empty until the next article falls out of the feed
    for page in pages:
        root = etree.parse(str(page)).getroot()
        rels = links(root if kind == "atom" else root.find("channel"), f"{ATOM}link")
        if "next-archive" in rels:  # a full page names the page after it, which always exists
            assert (out / rels["next-archive"].removeprefix(BASE)).is_file()
        assert "prev-archive" in rels or "next-archive" in rels  # none alone (W3C: "incomplete")


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_a_first_archive_page_not_yet_full_is_not_alone(tmp_path: Path, kind: str) -> None:
    """RFC 5005 readers and the W3C validator expect an archive page to link another archive."""
    out = tmp_path / "out"
    daily(ALL[:1], out, tmp_path / "a.sqlite", FeedConfig(limit=4))  # 6 articles: 2 archived
    first, second = (etree.parse(str(out / "archive" / f"{kind}-{n}.xml")).getroot() for n in (1, 2))
    if kind == "rss":
        first, second = first.find("channel"), second.find("channel")
    assert links(first, f"{ATOM}link")["next-archive"] == f"{BASE}archive/{kind}-2.xml"
    assert links(second, f"{ATOM}link")["prev-archive"] == f"{BASE}archive/{kind}-1.xml"
    assert len(walk(out, kind)) == 2 and [len(ids) for ids in walk(out, kind)] == [4, 2]


def full_pages(out: Path) -> dict[str, bytes]:
    """The archive pages that hold a page's worth of SMALL's items."""
    found = {}
    for page in sorted((out / "archive").glob("*.xml")):
        data = page.read_bytes()
        if data.count(b"<item>") + data.count(b"<entry>") == SMALL.limit:
            found[page.name] = data
    return found


def test_a_full_archive_page_never_changes_afterwards(tmp_path: Path) -> None:
    out, store = tmp_path / "out", tmp_path / "a.sqlite"
    daily(ALL[:2], out, store, SMALL)
    full = full_pages(out)
    assert sorted(full) == ["atom-1.xml", "atom-2.xml", "atom-3.xml", "rss-1.xml", "rss-2.xml", "rss-3.xml"]
    daily(ALL[2:], out, store, SMALL)
    assert {name: full_pages(out)[name] for name in full} == full
    assert len(full_pages(out)) == 12


def generated_history(folder: Path, days: int) -> list[str]:
    """Many small dumps in the site's format, so a build spends seconds inside its transaction."""
    folder.mkdir()
    paths, paragraph = [], " ".join(["Words of a generated paragraph."] * 30)
    for number in range(days):
        day = time.strftime("%d %B %Y", time.gmtime(1420070400 + 86400 * number))  # from 1 January 2015
        lines = [f"• KZT/USD = 0.00{190 + number % 7} 0.5%", day, "", "Viewing results 1 - 6 of 60", ""]
        for position in range(6):
            lines += [f"Generated story {number}-{position}", "", paragraph, ""]
        path = folder / f"{number:05}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(str(path))
    return paths


def midway(store: Path, committed: int) -> bool:
    """Whether a build is deep inside its transaction: a journal open, and a megabyte of new
    pages already spilled into the file itself (builds that committed dump by dump never get there
    with a journal open).
    """
    try:
        return Path(f"{store}-journal").stat().st_size > 0 and store.stat().st_size > committed + 2**20
    except FileNotFoundError:
        return False


def archive_state(path: Path) -> list[str]:
    with Archive(path):  # opening rolls a killed build's journal back
        pass
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.mark.slow
def test_a_build_killed_midway_leaves_output_and_archive_as_they_were(tmp_path: Path) -> None:
    out, store = tmp_path / "out", tmp_path / "a.sqlite"
    assert main(["build", str(SEED), "--out", str(out), "--archive", str(store)]) == 0
    before, state, committed = folder_files(out), archive_state(store), store.stat().st_size
    dumps = generated_history(tmp_path / "dumps", 2000)
    command = [sys.executable, "-m", "centralasia_feed", "build", *dumps]
    command += ["--out", str(out), "--archive", str(store), "--limit", "100000"]
    journal = Path(f"{store}-journal")
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as child:
        deadline = time.monotonic() + 60
        while not midway(store, committed) and time.monotonic() < deadline:
            try:  # wait for the build to end (too soon) a millisecond at a time, looking in between
                child.wait(timeout=0.001)
                break
            except subprocess.TimeoutExpired:
                pass
        assert child.poll() is None, "the build ended before it could be killed"
        assert midway(store, committed), "the build never got deep into its transaction"
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL
    assert journal.exists()  # killed inside the transaction, which left its journal behind
    assert folder_files(out) == before
    assert archive_state(store) == state
    assert main(["build", str(DAYS[0]), "--out", str(out), "--archive", str(store)]) == 0
    assert not journal.exists()
    with Archive(store) as archive:
        assert archive.count() == 9


def version_1_archive(path: Path, dumps: Sequence[Path]) -> None:
    """An archive as version 1 wrote it (no articles table, no written direction), holding ``dumps``."""
    scratch = path.with_suffix(".scratch")
    build(dumps, path.parent / "scratch-out", archive=scratch)
    source = sqlite3.connect(scratch)
    conn = sqlite3.connect(path)
    for statement in V1_SCHEMA:
        conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.executemany("INSERT INTO texts VALUES (?, ?)", source.execute("SELECT hash, body FROM texts"))
    conn.executemany(
        "INSERT INTO sightings VALUES (?, ?, ?, ?, ?, ?)", source.execute("SELECT * FROM sightings")
    )
    rates = source.execute("SELECT base, quote, date, value, change, source, line FROM rates")
    conn.executemany("INSERT INTO rates VALUES (?, ?, ?, ?, ?, ?, ?)", rates)
    conn.commit()
    conn.close()
    source.close()


def test_a_version_1_archive_is_migrated_by_the_next_build(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    version_1_archive(old, [SEED, DAYS[0]])
    argv = ["build", str(DAYS[1]), "--limit", "2"]
    assert main([*argv, "--out", str(tmp_path / "migrated"), "--archive", str(old)]) == 0
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
    fresh = tmp_path / "fresh"
    daily(ALL[:3], fresh, tmp_path / "fresh.sqlite", SMALL)
    migrated = published_files(tmp_path / "migrated")
    # version 1 did not keep a written sign: the seed's "0%" rates lost their "flat"
    assert {n: d for n, d in migrated.items() if not n.startswith("rates")} == {
        n: d for n, d in published_files(fresh).items() if not n.startswith("rates")
    }
    assert rates_of(tmp_path / "migrated", "2025-01-06")["KZT/USD"]["direction"] == "up"


@pytest.fixture
def history(tmp_path: Path) -> Path:
    store = tmp_path / "a.sqlite"
    daily(ALL, tmp_path / "out", store)
    return store


def test_rates_prints_the_history_as_a_table(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rates", "--archive", str(history)]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [[cell.strip() for cell in line.split("  ") if cell] for line in lines]
    assert rows[0] == ["date", "pair", "rate", "ticker", "change", "direction"]
    assert len(rows) == 1 + 5 * 4
    assert ["2025-01-06", "KZT/USD", "1 USD = 521 KZT", "1 KZT = 0.00192 USD", "+0.52%", "up"] in rows
    assert ["2025-01-08", "KZT/USD", "1 USD = 526 KZT", "1 KZT = 0.00190 USD", "-1.04%", "down"] in rows


def test_rates_csv_is_the_archive_and_the_same_as_the_cli_prints(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    published = (history.parent / "out" / "rates.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(published.decode("utf-8"), newline="")))
    with Archive(history) as archive:
        archived = sorted(archive.rates(), key=lambda rate: (rate.date, rate.base, rate.quote))
    assert [(row["date"], row["base"], row["quote"], Decimal(row["value"])) for row in rows] == [
        (rate.date.isoformat(), rate.base, rate.quote, rate.value) for rate in archived
    ]
    assert all(
        (row["direction"], row["change_percent"][:1]) in {("up", "+"), ("down", "-"), ("flat", "0")}
        or (row["direction"] == "" and row["change_percent"][:1].isdigit())
        for row in rows
    )
    assert main(["rates", "--archive", str(history), "--csv"]) == 0
    assert capsys.readouterr().out.encode() == published


def test_rates_json_and_one_pair(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rates", "--archive", str(history), "--json", "--pair", "tjs/usd"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(row["date"], row["base"], row["value"], row["direction"]) for row in rows] == [
        ("2025-01-05", "TJS", "0.09217", None),
        ("2025-01-06", "TJS", "0.09210", "down"),
        ("2025-01-07", "TJS", "0.09225", "up"),
        ("2025-01-08", "TJS", "0.09225", "flat"),
    ]
    assert main(["rates", "--archive", str(history), "--pair", "KGS/USD"]) == 0
    pairs = {line.split()[1] for line in capsys.readouterr().out.splitlines()[1:]}
    assert pairs == {"KGS/USD"}


@pytest.mark.parametrize("pair", ["KZTUSD", "EUR/USD", "K1/USD"])
def test_rates_of_a_bad_pair_is_one_error_line(
    history: Path, pair: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rates", "--archive", str(history), "--pair", pair]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("centralasia-feed: error: ")
    assert pair in captured.err


def test_rates_without_an_archive_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rates", "--archive", str(tmp_path / "none.sqlite")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "none.sqlite" in err
    assert not (tmp_path / "none.sqlite").exists()


def test_every_order_of_two_days_is_covered() -> None:
    """The orders above include both directions between any two days (so none is luck)."""
    flat = {name: [dump for run in runs for dump in run] for name, runs in ORDERS.items()}
    for a, b in itertools.combinations(ALL, 2):
        firsts = {
            name: order.index(a) < order.index(b) for name, order in flat.items() if name != "all at once"
        }
        assert True in firsts.values() and False in firsts.values()


def test_a_first_build_streams_the_rates_page_and_csv_from_the_archive_as_it_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backfill of years never holds the rates page or CSV whole, nor every archived rate: each
    file reaches the folder in pieces, and each piece is written before the archive is read past
    it. Pieces of a day (a row) each show it, however few the days here."""
    monkeypatch.setattr(rates_page, "BATCH", 1)
    monkeypatch.setattr(rates_csv, "BATCH", 1)
    read = [0]  # the rates the archive has given the file being written
    real_rates, real_write = Archive.iter_rates_since, Publication.write

    def iter_rates_since(self: Archive, day: dt.date | None = None, **order: bool) -> Iterator[Rate]:
        for rate in real_rates(self, day, **order):
            read[0] += 1
            yield rate

    written: dict[str, list[tuple[int, bytes]]] = {}  # name: (rates read, piece), as they pass

    def write(self: Publication, name: str, data: bytes | Iterable[bytes]) -> None:
        if name in ("rates.html", "rates.csv"):
            assert not isinstance(data, bytes), name
            read[0], pieces = 0, written.setdefault(name, [])
            data = (pieces.append((read[0], piece)) or piece for piece in data)
        real_write(self, name, data)

    monkeypatch.setattr(Archive, "iter_rates_since", iter_rates_since)
    monkeypatch.setattr(Publication, "write", write)
    report = build(ALL, tmp_path / "out", archive=tmp_path / "a.sqlite")
    items = {file.name: file.items for file in report.files}
    days = [(count, piece) for count, piece in written["rates.html"] if rates_page.DAY_MARK in piece]
    rows = [(count, piece) for count, piece in written["rates.csv"][1:]]  # the header first, alone
    assert len(days) == items["rates.html"] >= 3 and len(rows) == items["rates.csv"] > len(days)
    assert all(piece.count(rates_page.DAY_MARK) == 1 for _, piece in days)
    assert all(piece.count(b"\n") == 1 for _, piece in rows)
    for pieces in (days, rows):  # the archive read as the file is written, not all of it first
        counts = [count for count, _ in pieces]
        assert counts == sorted(set(counts)), counts
    for name in ("rates.html", "rates.csv"):
        assert b"".join(piece for _, piece in written[name]) == (tmp_path / "out" / name).read_bytes()


def test_a_daily_build_renders_only_the_new_rates_days_and_writes_what_a_whole_render_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Days arriving late and out of order: each build copies the rates page's and the CSV's older
    days from the folder, yet its files are the bytes a build from scratch writes."""
    out, store = tmp_path / "out", tmp_path / "a.sqlite"
    asked: list[object] = []
    real = Archive.iter_rates_since

    def iter_rates_since(self: Archive, day: dt.date | None = None, **order: bool) -> Iterator[Rate]:
        asked.append(day)
        return real(self, day, **order)

    monkeypatch.setattr(Archive, "iter_rates_since", iter_rates_since)
    for number, dump in enumerate((SEED, DAYS[2], DAYS[0], DAYS[1], DAYS[1])):
        build([dump], out, archive=store)
        scratch = tmp_path / f"scratch-{number}.sqlite"
        shutil.copyfile(store, scratch)
        whole = tmp_path / f"whole-{number}"
        build([], whole, archive=scratch)
        for name in ("rates.html", "rates.csv"):
            assert (out / name).read_bytes() == (whole / name).read_bytes(), (number, name)
    days = [dt.date(2025, 1, day) for day in (8, 6, 7, 7)]
    assert asked[::2] == asked[1::2]  # the page and the CSV read the same days
    builds = asked[::2]
    assert builds[::2][1:] == days  # each daily build read its own days alone; each whole one, all
    assert builds[1::2] == [None] * 5
