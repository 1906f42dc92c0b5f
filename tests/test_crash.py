"""Crash safety: a real build in a subprocess, SIGKILLed at seeded random moments, leaves every output
file either the complete old or the complete new version, no temporary file where ``serve`` would show
it, and the archive exactly before or after the build; the next build then completes and tidies up."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.paths import ROOT, SEED, folder_files

from centralasia_feed.archive import Archive
from centralasia_feed.publish import LOCK_NAME, STATE_FOLDER, STATE_NAME, is_hidden
from centralasia_feed.serve import request_path

DAYS = 120  # enough dumps for a build of a second or two, with archive pages to write
OLD_DAYS = 40
KILLS = 14


def day_dumps(folder: Path, days: int) -> list[Path]:
    """The seed as ``days`` consecutive editions: each its own date, titles and KZT rate."""
    seed = SEED.read_text(encoding="utf-8")
    titles = [line for line in seed.split("\n")[44:] if line.strip() and len(line) < 300]
    folder.mkdir()
    paths = []
    for number in range(days):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=number)
        text = seed.replace("05 January 2025", f"{day.day:02d} {day:%B %Y}")
        text = text.replace("0.00191", f"0.00{191 + number % 7}")
        for title in titles:
            text = text.replace(title, f"{title} ({day.isoformat()})")
        paths.append(folder / f"{number:03d}.txt")
        paths[-1].write_text(text, encoding="utf-8")
    return paths


def command(out: Path, archive: Path, dumps: list[Path], *extra: str) -> list[str]:
    return [sys.executable, "-m", "centralasia_feed", "build", "--out", str(out), "--archive", str(archive),
            *extra, *map(str, dumps)]  # fmt: skip


def start(argv: list[str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def run(argv: list[str]) -> float:
    """Run a build to completion; returns how long it took (to spread the kills over)."""
    began = time.monotonic()
    process = start(argv)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    return time.monotonic() - began


def archive_state(path: Path) -> tuple[object, ...]:
    with Archive(path) as store:
        return store.entries(), store.rates()


def restore(state: Path, out: Path, archive: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(state / "out", out)
    shutil.copyfile(state / "archive.sqlite", archive)
    for leftover in archive.parent.glob(archive.name + "-*"):
        leftover.unlink()


def assert_old_or_new(out: Path, old: dict[str, bytes], new: dict[str, bytes]) -> None:
    now = folder_files(out)
    # the build's state is taken away while files are renamed, so it vouches for neither
    assert set(old) - set(now) <= {STATE_NAME}, "a published file vanished"
    for name, data in now.items():
        if name in old or name in new:
            assert data in (old.get(name), new.get(name)), f"{name} is neither the old nor the new file"
        else:  # a staged file a kill left: hidden, and never served
            assert is_hidden(name) and request_path("/" + name) is None, name


@pytest.mark.slow
def test_a_build_killed_at_random_moments_leaves_old_or_new(tmp_path: Path) -> None:
    dumps = day_dumps(tmp_path / "dumps", DAYS)
    out, archive, old_state = tmp_path / "out", tmp_path / "archive.sqlite", tmp_path / "old"
    run(command(out, archive, dumps[:OLD_DAYS]))
    shutil.copytree(out, old_state / "out")
    shutil.copyfile(archive, old_state / "archive.sqlite")
    old, old_archive = folder_files(out), archive_state(archive)
    rebuild = command(out, archive, dumps, "--title", "Renamed")  # every file changes
    duration = run(rebuild)
    new, new_archive = folder_files(out), archive_state(archive)
    assert old_archive != new_archive and all(old.get(name) != new[name] for name in new if name != LOCK_NAME)

    chance = random.Random(6)
    outcomes = set()
    for _ in range(KILLS):
        restore(old_state, out, archive)
        process = start(rebuild)
        try:
            process.wait(timeout=chance.uniform(0.0, duration))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        assert_old_or_new(out, old, new)
        state = archive_state(archive)
        assert state in (old_archive, new_archive)
        outcomes.add((process.returncode, state == new_archive, folder_files(out) == new))
    assert (-signal.SIGKILL, False, False) in outcomes, "no kill landed mid-build"

    run(rebuild)
    assert folder_files(out) == new  # and no temporary file of a killed build is left
    assert archive_state(archive) == new_archive


def test_the_next_build_removes_what_a_killed_build_left_and_nothing_else(tmp_path: Path) -> None:
    """Its staging folder, whole, and in a folder of the layout before (whose builds made
    ``.publish.lock`` first), the temporary files of ours in the folder and its subfolders."""
    out = tmp_path / "out"
    (out / "archive").mkdir(parents=True)
    (out / ".publish.lock").write_bytes(b"publishing\n")
    staged = out / STATE_FOLDER / "staging"
    stale = [
        out / ".rss.xml.k2j4h5g6.tmp",
        out / "archive" / ".atom-1.xml.a_b0c9d8.tmp",
        staged / "tmpk2j4h5g6",
    ]
    kept = [out / ".keep.tmp", out / ".rss.xml.short.tmp", out / ".well-known" / "x.tmp", out / "notes.tmp"]
    for path in stale + kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half a feed")
    run(command(out, tmp_path / "a.sqlite", [SEED], "--limit", "2"))
    assert [path for path in stale if path.exists()] == [] and not staged.exists()
    assert all(path.read_bytes() == b"half a feed" for path in kept)
    assert (out / "archive" / "atom-1.xml").is_file() and not (out / ".publish.lock").exists()


KILL_AFTER_RENAME = """
import os, signal, sys
from centralasia_feed.cli import main
real, renames, stop = os.replace, [0], int(sys.argv[1])
def replace(source, target):
    real(source, target)
    renames[0] += 1
    if renames[0] == stop:
        os.kill(os.getpid(), signal.SIGKILL)
os.replace = replace
status = main(sys.argv[2:])
print(renames[0], file=sys.stderr)
sys.exit(status)
"""


def killed_after_rename(stop: int, argv: list[str]) -> subprocess.CompletedProcess[bytes]:
    """The build of ``argv`` (a command() list), SIGKILLed by itself right after its ``stop``-th rename."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = [sys.executable, "-c", KILL_AFTER_RENAME, str(stop), *argv[3:]]
    return subprocess.run(child, cwd=ROOT, env=env, capture_output=True, timeout=120, check=False)


def test_a_build_killed_between_its_renames_leaves_old_or_new(tmp_path: Path) -> None:
    """The random kills above mostly land before the renames; these land after the first, second,
    middle, next-to-last and last one, where a half-published folder would show."""
    dumps = day_dumps(tmp_path / "dumps", 30)
    out, archive, old_state = tmp_path / "out", tmp_path / "archive.sqlite", tmp_path / "old"
    run(command(out, archive, dumps[:10], "--limit", "8"))
    shutil.copytree(out, old_state / "out")
    shutil.copyfile(archive, old_state / "archive.sqlite")
    old, old_archive = folder_files(out), archive_state(archive)
    rebuild = command(out, archive, dumps, "--limit", "8", "--title", "Renamed")  # every file changes
    counted = killed_after_rename(10**9, rebuild)
    assert counted.returncode == 0, counted.stderr.decode()
    total = int(counted.stderr.split()[-1])
    new, new_archive = folder_files(out), archive_state(archive)
    assert total > 10  # the pages and feeds of 30 days at 8 a page

    for stop in sorted({1, 2, total // 2, total - 1, total}):
        restore(old_state, out, archive)
        assert killed_after_rename(stop, rebuild).returncode == -signal.SIGKILL
        assert_old_or_new(out, old, new)
        assert archive_state(archive) == old_archive  # the commit comes after the last rename
        now = folder_files(out)
        published = {name for name in new if name != LOCK_NAME and now.get(name) == new[name]}
        assert 0 < len(published) <= stop, (stop, sorted(published))  # killed midway, truly
    run(rebuild)
    assert folder_files(out) == new and archive_state(archive) == new_archive
