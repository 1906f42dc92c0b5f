"""publish(): the output folder is replaced whole or not at all, and tidied after killed builds."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest

from centralasia_feed.errors import PublishError
from centralasia_feed.publish import media_type, publish


def test_without_hard_links_nothing_is_renamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    publish(tmp_path, {"rss.xml": b"old rss", "atom.xml": b"old atom"})

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", refuse)
    with pytest.raises(PublishError, match="cannot keep the old file"):
        publish(tmp_path, {"rss.xml": b"new rss", "atom.xml": b"new atom"})
    assert (tmp_path / "rss.xml").read_bytes() == b"old rss"
    assert (tmp_path / "atom.xml").read_bytes() == b"old atom"
    assert sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith(".publish")) == [
        "atom.xml",
        "rss.xml",
    ]


def test_a_killed_builds_temporaries_are_tidied_in_every_subfolder(tmp_path: Path) -> None:
    (tmp_path / "archive").mkdir()
    stale = tmp_path / "archive" / ".rss-1.xml.0a1b2c3d.tmp"
    stale.write_bytes(b"half a page")
    publish(tmp_path, {"rss.xml": b"feed"})
    assert not stale.exists()


def test_the_guard_is_gone_during_the_renames_and_back_after_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(tmp_path, {"a.xml": b"old a", "b.xml": b"old b", ".guard": b"old guard"}, guard=".guard")
    seen: list[bool] = []
    real = os.replace

    def replace(source: str, target: str) -> None:
        seen.append((tmp_path / ".guard").exists())
        if str(target).endswith("b.xml"):
            raise OSError(28, "No space left on device")
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(PublishError):
        publish(tmp_path, {"a.xml": b"new a", "b.xml": b"new b", ".guard": b"new guard"}, guard=".guard")
    assert seen[:2] == [False, False]  # no guard vouched for the folder while it changed
    assert [(tmp_path / name).read_bytes() for name in ("a.xml", "b.xml", ".guard")] == [
        b"old a",
        b"old b",
        b"old guard",
    ]


def test_an_unchanged_guard_is_rewritten_when_anything_else_changes(tmp_path: Path) -> None:
    publish(tmp_path, {"a.xml": b"old a", ".guard": b"guard"}, guard=".guard")
    assert publish(tmp_path, {"a.xml": b"new a", ".guard": b"guard"}, guard=".guard") == ("a.xml", ".guard")
    assert publish(tmp_path, {"a.xml": b"new a", ".guard": b"guard"}, guard=".guard") == ()
    assert (tmp_path / ".guard").read_bytes() == b"guard"


def test_a_removal_is_undone_with_the_renames_when_one_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(tmp_path, {"a.xml": b"old a", "gone.xml": b"old page", "b.xml": b"old b"})
    real = os.replace

    def replace(source: str, target: str) -> None:
        if str(target).endswith("b.xml"):
            raise OSError(28, "No space left on device")
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(PublishError):
        publish(tmp_path, {"a.xml": b"new a", "gone.xml": None, "new.xml": b"new", "b.xml": b"new b"})
    assert [(tmp_path / name).read_bytes() for name in ("a.xml", "gone.xml", "b.xml")] == [
        b"old a",
        b"old page",
        b"old b",
    ]
    assert not (tmp_path / "new.xml").exists()  # a file new to the folder is taken away again
    monkeypatch.setattr(os, "replace", real)
    assert publish(tmp_path, {"gone.xml": None}) == ("gone.xml",)
    assert not (tmp_path / "gone.xml").exists()


def test_after_a_finished_publish_the_next_lists_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(tmp_path, {"rss.xml": b"old", "archive/rss-1.xml": b"page"})
    listed: list[object] = []
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path: listed.append(path) or real(path))
    publish(tmp_path, {"rss.xml": b"new", "archive/rss-2.xml": b"page"})
    assert listed == []  # listing archive/ would cost in proportion to the history


def test_after_a_publish_that_failed_or_was_killed_the_next_tidies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(tmp_path, {"rss.xml": b"old"})
    with monkeypatch.context() as patched:
        patched.setattr(os, "replace", lambda *args: (_ for _ in ()).throw(OSError(28, "No space left")))
        with pytest.raises(PublishError):
            publish(tmp_path, {"rss.xml": b"new"})
    stale = tmp_path / "archive" / ".rss-1.xml.0a1b2c3d.tmp"  # as a kill during staging leaves it
    stale.parent.mkdir()
    stale.write_bytes(b"half a page")
    publish(tmp_path, {"rss.xml": b"new"})
    assert not stale.exists()
    assert (tmp_path / "rss.xml").read_bytes() == b"new"


def test_a_lock_file_that_cannot_record_its_state_only_costs_a_tidy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(os, "pwrite", refuse)
        assert publish(tmp_path, {"rss.xml": b"feed"}) == ("rss.xml",)
    stale = tmp_path / ".rss.xml.0a1b2c3d.tmp"
    stale.write_bytes(b"half a feed")
    publish(tmp_path, {"rss.xml": b"new feed"})  # the state never said finished: it tidies
    assert not stale.exists() and (tmp_path / "rss.xml").read_bytes() == b"new feed"


@pytest.mark.parametrize("name", ["../outside.xml", "archive/../../outside.xml", "/abs.xml", ""])
def test_a_name_that_leaves_the_folder_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(PublishError):
        publish(tmp_path / "out", {name: b"x"})
    assert not (tmp_path / "outside.xml").exists()


def test_published_files_are_readable_by_everyone(tmp_path: Path) -> None:
    """A web server running as another user must be able to read them (temporaries start 0600)."""
    publish(tmp_path, {"rss.xml": b"feed", "archive/rss-1.xml": b"page"})
    assert {(tmp_path / name).stat().st_mode & 0o777 for name in ("rss.xml", "archive/rss-1.xml")} == {0o644}


def test_the_publishing_mark_and_every_changed_folder_are_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mark must reach the disk before any temporary exists (else a power cut could leave synced
    temporaries no publish knows to tidy), and each folder after its renames (else they may be lost)."""
    events: list[tuple[str, int, bool]] = []
    real_fsync, real_mkstemp = os.fsync, tempfile.mkstemp

    def fsync(fd: int) -> None:
        info = os.fstat(fd)
        events.append(("fsync", info.st_ino, stat.S_ISDIR(info.st_mode)))
        real_fsync(fd)

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        events.append(("temporary", 0, False))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    publish(tmp_path, {"rss.xml": b"feed", "archive/rss-1.xml": b"page"})
    lock = (tmp_path / ".publish.lock").stat().st_ino
    assert ("fsync", lock, False) in events[: events.index(("temporary", 0, False))]
    folders = {inode for kind, inode, folder in events if kind == "fsync" and folder}
    assert folders == {tmp_path.stat().st_ino, (tmp_path / "archive").stat().st_ino}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("rss.xml", "application/rss+xml"),
        ("archive/rss-3.xml", "application/rss+xml"),
        ("atom.xml", "application/atom+xml"),
        ("archive/atom-3.xml", "application/atom+xml"),
        ("rates.xml", "application/atom+xml"),  # every other XML feed is Atom, as nginx.conf types it
        ("rates/KZT-USD.xml", "application/atom+xml"),
        ("feed.json", "application/feed+json"),
        ("rates.json", "application/feed+json"),
        ("rates.csv", "text/csv"),
        ("index.html", "text/html"),
        ("notes.txt", "text/plain"),
        ("chart.svg", "image/svg+xml"),
        ("photo.jpeg", "application/octet-stream"),
    ],
)
def test_media_types_follow_the_file_names(name: str, expected: str) -> None:
    assert media_type(name) == expected
