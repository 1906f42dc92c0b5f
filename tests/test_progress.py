"""A build's progress: the events the library tells its callback, and the command line's display
of them on stderr (on a terminal by default, in a pipe when asked), which never changes a file."""

from __future__ import annotations

import datetime as dt
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.paths import folder_files
from tools import dumpgen

from centralasia_feed import FeedConfig, Progress, build

CONFIG = FeedConfig(limit=20)


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("days")
    paths = []
    for day, text in dumpgen.generate_days(130, 7, seed=5, first=dt.date(2025, 3, 1)):
        paths.append(folder / f"{day}.txt")
        paths[-1].write_text(text, encoding="utf-8")
    return paths


def test_a_build_tells_each_dump_read_then_each_file_written(days: list[Path], tmp_path: Path) -> None:
    events: list[Progress] = []
    report = build(days, tmp_path / "out", CONFIG, archive=tmp_path / "a.sqlite", progress=events.append)
    reading = [event for event in events if event.stage == "read"]
    writing = events[len(reading) :]
    assert [(e.dumps, e.dumps_total) for e in reading] == [(n, len(days)) for n in range(1, len(days) + 1)]
    archived = [event.archived for event in reading]
    assert archived == sorted(archived) and archived[-1] == report.archived == 130
    assert {event.stage for event in writing} == {"write"}
    assert [event.files for event in writing] == list(range(1, len(report.files) + 1))
    pages = [file for file in report.files if file.name.startswith("archive/")]
    assert writing[0].files_total == len(pages) > 0  # the archive pages, before the feeds
    assert writing[-1].files_total == len(report.files)
    assert all(event.archived == report.archived for event in writing)


def test_dumps_of_unknown_number_have_no_total(days: list[Path], tmp_path: Path) -> None:
    events: list[Progress] = []
    build(iter(days), tmp_path / "out", CONFIG, progress=events.append)
    assert {event.dumps_total for event in events} == {None}
    assert max(event.dumps for event in events) == len(days)


def test_the_files_are_the_same_with_and_without_progress(days: list[Path], tmp_path: Path) -> None:
    build(days, tmp_path / "told", CONFIG, progress=lambda event: None)
    build(days, tmp_path / "plain", CONFIG)
    assert folder_files(tmp_path / "told") == folder_files(tmp_path / "plain")


def test_a_callback_that_raises_ends_the_build_as_a_failure_would(days: list[Path], tmp_path: Path) -> None:
    """The callback runs in the build: what it raises midway through the writing (a person's
    Ctrl-C, a display that broke) leaves the folder and the archive as they were."""
    out, archive = tmp_path / "out", tmp_path / "a.sqlite"
    build(days[:3], out, CONFIG, archive=archive)
    before = (folder_files(out), archive.read_bytes())

    def stop(event: Progress) -> None:
        if event.stage == "write" and event.files == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(days, out, CONFIG, archive=archive, progress=stop)
    assert (folder_files(out), archive.read_bytes()) == before


def _cli(days: list[Path], out: Path, *flags: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "centralasia_feed",
        "build",
        *map(str, days),
        "--out",
        str(out),
        "--limit",
        "20",
        "--no-archive",
        *flags,
    ]


def test_progress_into_a_pipe_only_when_asked(days: list[Path], tmp_path: Path) -> None:
    asked = subprocess.run(
        _cli(days, tmp_path / "asked", "--progress"), capture_output=True, text=True, timeout=60
    )
    plain = subprocess.run(_cli(days, tmp_path / "plain"), capture_output=True, text=True, timeout=60)
    assert asked.returncode == plain.returncode == 0
    assert "reading: 100%" in asked.stderr and f"{len(days)}/{len(days)}" in asked.stderr
    assert "130 archived" in asked.stderr and "writing: 100%" in asked.stderr
    assert plain.stderr == ""
    assert asked.stdout.replace("asked", "plain") == plain.stdout
    assert folder_files(tmp_path / "asked") == folder_files(tmp_path / "plain")


@pytest.mark.parametrize(("flags", "shown"), [((), True), (("--quiet",), False)])
def test_progress_on_a_terminal_unless_quiet(
    days: list[Path], tmp_path: Path, flags: tuple[str, ...], shown: bool
) -> None:
    assert (b"reading:" in _on_a_terminal(_cli(days, tmp_path / "out", *flags))) is shown


def _on_a_terminal(command: list[str]) -> bytes:
    """What the command writes on stderr when stderr is a terminal (a pseudo-terminal's)."""
    master, slave = pty.openpty()
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=slave) as child:
        os.close(slave)
        seen = []
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed its side, all it wrote has been read
                break
            if not chunk:
                break
            seen.append(chunk)
        assert child.wait(timeout=60) == 0
    os.close(master)
    return b"".join(seen)
