"""What a build refuses to do, young folder or old: publish fewer articles than the folder shows
(unless asked to, by name), or mix the bundled sample into real history. And what it says it did.

Each refusal is one line, exit status 1, the folder and the archive left as they were.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.paths import DATA, ROOT, SEED, folder_files

from centralasia_feed import (
    Archive,
    ArchiveError,
    FeedConfig,
    FewerArticlesError,
    PublishError,
    build,
    bundled_seeds,
)
from centralasia_feed.cli import main
from centralasia_feed.publish import STATE_NAME

DAYS = tuple(sorted((DATA / "days").glob("*.txt")))


@pytest.fixture
def young(tmp_path: Path) -> Path:
    """A folder of the seed and the next two days, 12 articles, all in the feeds: no archive page."""
    out = tmp_path / "site"
    for dump in (SEED, *DAYS[:2]):
        build([dump], out, archive=tmp_path / "site.sqlite")
    assert not (out / "archive").exists()
    return out


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(
    ("options", "why"),
    [
        (
            ["--archive", "site-typo.sqlite"],
            "site-typo.sqlite is a new archive, and this build's dumps give it 6",
        ),
        (["--no-archive"], "a build with no archive has only its dumps' 6"),
    ],
)
def test_a_young_folder_is_never_shrunk_by_a_mistyped_or_missing_archive(
    young: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    options: list[str],
    why: str,
) -> None:
    """Issue 15: on the third day, a mistyped --archive or --no-archive cut a 12-item site down
    to the day's own 6."""
    monkeypatch.chdir(young.parent)
    before = folder_files(young)
    status, out, err = run(capsys, "build", DAYS[2], "--out", "site", *options)
    assert (status, out) == (1, "")
    assert err == (
        f"centralasia-feed: error: site: shows 12 articles, but {why}; build with the archive it was "
        "built from, or pass --allow-fewer to publish 6\n"
    )
    assert folder_files(young) == before
    if (young.parent / "site-typo.sqlite").exists():  # a new archive is made before the dumps are read
        with Archive("site-typo.sqlite") as typo:
            assert typo.count() == 0
    status, out, err = run(capsys, "build", DAYS[2], "--out", "site", *options, "--allow-fewer")
    assert (status, err) == (0, "")
    assert f"site{os.sep}rss.xml  6 item(s)  written" in out


def test_the_example_script_obeys_the_same_rule(young: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "generate_feeds.py"), str(young)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"generate_feeds.py: {young}: shows 12 articles, but a build with no archive has only its dumps' 6; "
        "build with the archive it was built from, or pass allow_fewer=True to publish 6\n"
    )


def test_a_lost_state_does_not_lift_the_guard(young: Path, tmp_path: Path) -> None:
    """A build killed between its renames leaves no state: the feeds themselves are counted."""
    (young / STATE_NAME).unlink()
    with pytest.raises(FewerArticlesError, match="shows 12 articles, but a build with no archive"):
        build([DAYS[2]], young)
    paged, small = tmp_path / "paged", FeedConfig(limit=3)
    build([SEED, *DAYS], paged, small, archive=tmp_path / "paged.sqlite")  # 14: 3 in the feeds
    (paged / STATE_NAME).unlink()
    with pytest.raises(
        FewerArticlesError, match="shows 14 articles, but a build with no archive has only its dumps' 6;"
    ):
        build(DAYS[2:], paged, small)


def test_another_archive_holding_fewer_is_refused_too(young: Path, tmp_path: Path) -> None:
    build([DAYS[0]], tmp_path / "elsewhere", archive=tmp_path / "other.sqlite")
    with pytest.raises(FewerArticlesError) as caught:
        build([], young, archive=tmp_path / "other.sqlite")
    assert str(caught.value).startswith(
        f"{young}: shows 12 articles, but {tmp_path / 'other.sqlite'} holds 6;"
    )
    assert isinstance(caught.value, PublishError)


def test_a_bare_build_goes_only_into_an_archive_holding_nothing_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's main job, twice in a row, then a real day; a bare build after it is refused,
    whichever folder it is aimed at."""
    monkeypatch.chdir(tmp_path)
    for summary, state in (("6 new", "written"), ("0 new", "unchanged")):
        status, out, err = run(capsys, "build")
        assert (status, err) == (0, "")
        assert f"public/index.html  6 item(s)  {state}\n" in out
        assert out.endswith(f"  {state}\ncentralasia_feed.sqlite: {summary}, 0 updated, 6 archived\n")
    assert run(capsys, "build", DAYS[0])[0] == 0
    before = folder_files(tmp_path)
    for options, refused in (([], "public: shows"), (["--out", "fresh"], "centralasia_feed.sqlite: holds")):
        status, out, err = run(capsys, "build", *options)
        assert (status, out) == (1, "")
        assert err == (
            f"centralasia-feed: error: {refused} more than the bundled sample, which a build with no dumps "
            "publishes; pass the day's dumps\n"
        )
        assert folder_files(tmp_path) == before


def test_a_bare_build_goes_only_into_a_folder_showing_nothing_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even with a new archive, or none: the folder's feeds would show the sample in place of the day."""
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "build", DAYS[0], "--archive", "real.sqlite")[0] == 0
    for options in (["--no-archive"], ["--archive", "new.sqlite"]):
        status, out, err = run(capsys, "build", *options)
        assert (status, out) == (1, "")
        assert err == (
            "centralasia-feed: error: public: shows more than the bundled sample, which a build with no "
            "dumps publishes; pass the day's dumps\n"
        )
    assert not (tmp_path / "new.sqlite").exists()
    assert run(capsys, "build", "--out", "elsewhere", "--no-archive")[0] == 0


def test_the_library_keeps_the_sample_apart_only_when_told(tmp_path: Path) -> None:
    store = tmp_path / "a.sqlite"
    build([DAYS[0]], tmp_path / "out", archive=store)
    with pytest.raises(ArchiveError, match="holds more than the bundled sample"):
        build(bundled_seeds(), tmp_path / "other", archive=store, sample=True)
    assert build(bundled_seeds(), tmp_path / "out", archive=store).archived == 9  # a dump like any other


def test_the_report_says_what_the_build_added_and_updated(tmp_path: Path) -> None:
    store = tmp_path / "a.sqlite"
    counts = []
    for dump in (SEED, *DAYS, DAYS[1]):
        report = build([dump], tmp_path / "out", archive=store)
        counts.append((report.added, report.updated, report.archived))
    # 7 January re-cuts one excerpt of the 6th (updated); its second page repeats the seed's six as
    # they were (no change), and a dump built again changes nothing
    assert counts == [(6, 0, 6), (3, 0, 9), (3, 1, 12), (2, 0, 14), (0, 0, 14)]
    assert (report := build(list(reversed((SEED, *DAYS))), tmp_path / "b", archive=tmp_path / "b.sqlite"))
    assert (report.added, report.updated, report.archived) == (14, 0, 14)  # one build: each added once
