"""Publication: the output folder is replaced whole or not at all, and tidied after killed builds."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from centralasia_feed._media import media_type
from centralasia_feed.errors import PublishError
from centralasia_feed.publish import LOCK_NAME, STATE_FOLDER, STATE_NAME, BuildState, Publication

STATE = BuildState("a-revision", "a-salt", 50, 6)


def publish(root: Path, files: dict[str, bytes | None], state: BuildState = STATE) -> tuple[str, ...]:
    """A build's publication of ``files`` (None: remove the file); the names that changed."""
    with Publication(root) as folder, folder.locked():
        for name, data in files.items():
            if data is None:
                folder.remove(name)
            else:
                folder.write(name, data)
        return folder.commit(state)


def no_space(*args: object) -> None:
    raise OSError(28, "No space left on device")


def test_without_hard_links_nothing_is_renamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    publish(tmp_path, {"rss.xml": b"old rss", "atom.xml": b"old atom"})

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", refuse)
    with pytest.raises(PublishError, match="cannot keep the old file"):
        publish(tmp_path, {"rss.xml": b"new rss", "atom.xml": b"new atom"})
    assert (tmp_path / "rss.xml").read_bytes() == b"old rss"
    assert (tmp_path / "atom.xml").read_bytes() == b"old atom"
    assert sorted(path.name for path in tmp_path.iterdir()) == [STATE_FOLDER, "atom.xml", "rss.xml"]


def test_the_state_and_lock_are_all_a_build_leaves_beside_the_files(tmp_path: Path) -> None:
    publish(tmp_path, {"rss.xml": b"feed", "archive/rss-1.xml": b"page"})
    hidden = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert hidden == sorted([LOCK_NAME, STATE_NAME, "archive/rss-1.xml", "rss.xml"])  # staging is gone
    assert Publication(tmp_path).state == STATE


def test_a_killed_builds_staging_folder_goes_whole(tmp_path: Path) -> None:
    publish(tmp_path, {"rss.xml": b"feed"})
    staging = tmp_path / STATE_FOLDER / "staging"
    (staging / "deeper").mkdir(parents=True)  # whatever a kill left there, named as it may be
    for name in ("tmpk2j4h5g6", "old-0a1b2c3d4e5f6a7b", "deeper/x"):
        (staging / name).write_bytes(b"half a feed")
    publish(tmp_path, {"rss.xml": b"feed"})
    assert not staging.exists()


def test_an_older_layouts_temporaries_lock_and_manifest_go_and_nothing_else(tmp_path: Path) -> None:
    """A folder of the layout before: its lock (which every build of it made first), its manifest,
    and the temporary files a killed build of it left in the folder and its subfolders."""
    (tmp_path / "archive").mkdir()
    (tmp_path / ".publish.lock").write_bytes(b"publishing\n")
    (tmp_path / ".build-manifest").write_bytes(b"centralasia_feed build 4\nsalt\n5\nfingerprint\n9\n")
    stale = [tmp_path / ".rss.xml.k2j4h5g6.tmp", tmp_path / "archive" / ".atom-1.xml.a_b0c9d8.tmp"]
    kept = [tmp_path / n for n in (".keep.tmp", ".rss.xml.short.tmp", ".well-known/x.tmp", "notes.tmp")]
    for path in stale + kept:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"half a feed")
    assert Publication(tmp_path).state == BuildState("", "", 5, 9)  # the count of the old manifest
    publish(tmp_path, {"rss.xml": b"feed"})
    assert [path for path in stale if path.exists()] == []
    assert all(path.read_bytes() == b"half a feed" for path in kept)
    assert not (tmp_path / ".publish.lock").exists() and not (tmp_path / ".build-manifest").exists()
    assert Publication(tmp_path).state == STATE


def test_the_state_is_gone_during_the_renames_and_back_after_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(tmp_path, {"a.xml": b"old a", "b.xml": b"old b"})
    seen: list[bool] = []
    real = os.replace

    def replace(source: str, target: str) -> None:
        seen.append((tmp_path / STATE_NAME).exists())
        if str(target).endswith("b.xml"):
            raise OSError(28, "No space left on device")
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(PublishError):
        publish(tmp_path, {"a.xml": b"new a", "b.xml": b"new b"}, BuildState("new", "a-salt", 50, 7))
    assert seen[:2] == [False, False]  # no state vouched for the folder while it changed
    assert [(tmp_path / name).read_bytes() for name in ("a.xml", "b.xml")] == [b"old a", b"old b"]
    assert Publication(tmp_path).state == STATE


def test_an_unchanged_state_is_rewritten_when_anything_else_changes(tmp_path: Path) -> None:
    def state_file() -> int:
        return (tmp_path / STATE_NAME).stat().st_ino  # a rename gives it a new inode

    publish(tmp_path, {"a.xml": b"old a"})
    first = state_file()
    assert publish(tmp_path, {"a.xml": b"new a"}) == ("a.xml",)
    second = state_file()
    assert publish(tmp_path, {"a.xml": b"new a"}) == ()
    assert first != second == state_file()
    publish(tmp_path, {"a.xml": b"new a"}, BuildState("another", "a-salt", 50, 6))  # the state alone
    assert Publication(tmp_path).state == BuildState("another", "a-salt", 50, 6)


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


def test_a_publish_that_fails_leaves_nothing_staged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    publish(tmp_path, {"rss.xml": b"old"})
    real = os.replace
    with monkeypatch.context() as patched:
        patched.setattr(
            os, "replace", lambda old, new: (no_space if new.name == "rss.xml" else real)(old, new)
        )
        with pytest.raises(PublishError):
            publish(tmp_path, {"rss.xml": b"new", "archive/rss-1.xml": b"page"})
    assert sorted(p.name for p in (tmp_path / STATE_FOLDER).iterdir()) == ["lock", "state"]
    assert (tmp_path / "rss.xml").read_bytes() == b"old"
    assert publish(tmp_path, {"rss.xml": b"new"}) == ("rss.xml",)


def test_nothing_is_written_outside_the_lock(tmp_path: Path) -> None:
    with Publication(tmp_path) as folder:
        with pytest.raises(PublishError, match="outside"):
            folder.write("rss.xml", b"feed")
        with folder.locked():
            folder.write("rss.xml", b"feed")
        with pytest.raises(PublishError, match="outside"):
            folder.commit(STATE)
    assert not (tmp_path / "rss.xml").exists() and Publication(tmp_path).state is None


@pytest.mark.parametrize(
    "name", ["../outside.xml", "archive/../../outside.xml", "/abs.xml", "", STATE_NAME, f"{STATE_FOLDER}/x"]
)
def test_a_name_that_leaves_the_folder_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(PublishError):
        publish(tmp_path / "out", {name: b"x"})
    assert not (tmp_path / "outside.xml").exists()
    assert Publication(tmp_path / "out").state is None


@pytest.mark.parametrize(
    "data",
    [b"", b"{}", b"[]", b'{"format": 2}', b'{"format": 1, "revision": "r"}', b"\xff",
     b'{"format": 1, "page_size": 0, "revision": "r", "salt": "s", "sample": false, "shown": 1}',
     b'{"format": 1, "page_size": 5, "revision": "r", "salt": "s", "sample": 1, "shown": 1}',
     b'{"format": 1, "page_size": true, "revision": "r", "salt": "s", "sample": false, "shown": 1}',
     b'{"format": 1, "page_size": 5, "revision": 7, "salt": "s", "sample": false, "shown": 1}',
     b'{"format": 1, "page_size": 5, "revision": "r", "salt": "s", "sample": false, "shown": 1, "x": 1}'],
)  # fmt: skip
def test_a_state_that_is_not_one_is_none(tmp_path: Path, data: bytes) -> None:
    (tmp_path / STATE_FOLDER).mkdir()
    (tmp_path / STATE_NAME).write_bytes(data)
    assert Publication(tmp_path).state is None
    (tmp_path / STATE_NAME).write_bytes(STATE.encode())
    assert Publication(tmp_path).state == STATE


def test_published_files_are_readable_by_everyone(tmp_path: Path) -> None:
    """A web server running as another user must be able to read them (temporaries start 0600)."""
    publish(tmp_path, {"rss.xml": b"feed", "archive/rss-1.xml": b"page"})
    assert {(tmp_path / name).stat().st_mode & 0o777 for name in ("rss.xml", "archive/rss-1.xml")} == {0o644}


def test_every_file_is_synced_before_the_first_rename_and_every_changed_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Else a power cut could leave a renamed file empty, or lose the renames."""
    events: list[tuple[str, int, bool]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        info = os.fstat(fd)
        events.append(("fsync", info.st_ino, stat.S_ISDIR(info.st_mode)))
        real_fsync(fd)

    def replace(source: str, target: str) -> None:
        events.append(("rename", os.stat(source).st_ino, False))
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    publish(tmp_path, {"rss.xml": b"feed", "archive/rss-1.xml": b"page"})
    renamed = [inode for kind, inode, _ in events if kind == "rename"]
    first = next(index for index, event in enumerate(events) if event[0] == "rename")
    assert len(renamed) == 3 and {("fsync", inode, False) for inode in renamed} <= set(events[:first])
    folders = {inode for kind, inode, folder in events if kind == "fsync" and folder}
    changed = (tmp_path, tmp_path / "archive", tmp_path / STATE_FOLDER)
    assert folders == {folder.stat().st_ino for folder in changed}


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


@pytest.mark.parametrize(
    "pieces",
    [
        [b"ab", b"cd"],  # the same bytes: nothing written
        [b"a", b"", b"bcd"],
        [b"ab", b"cX"],  # differs in the second piece: the first is copied from the file
        [b"abcd", b"e"],  # longer
        [b"ab"],  # shorter
        [],
        [b"X" * 3_000_000],
    ],
)
def test_a_file_written_in_pieces_holds_them_and_an_unchanged_one_is_left_alone(
    tmp_path: Path, pieces: list[bytes]
) -> None:
    publish(tmp_path, {"rss.xml": b"abcd"})
    before = (tmp_path / "rss.xml").stat().st_ino
    with Publication(tmp_path) as folder, folder.locked():
        folder.write("rss.xml", iter(pieces))
        changed = folder.commit(STATE)
    data = b"".join(pieces)
    assert (tmp_path / "rss.xml").read_bytes() == data
    assert changed == (() if data == b"abcd" else ("rss.xml",))
    assert ((tmp_path / "rss.xml").stat().st_ino == before) is (data == b"abcd")


def test_a_file_whose_pieces_fail_midway_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    publish(tmp_path, {"rss.xml": b"old"})

    def pieces() -> Iterator[bytes]:
        yield b"new"
        raise PublishError("the renderer failed", path="rss.xml")

    with pytest.raises(PublishError), Publication(tmp_path) as folder, folder.locked():
        folder.write("rss.xml", pieces())
    assert (tmp_path / "rss.xml").read_bytes() == b"old"
    left = sorted(path.relative_to(tmp_path).as_posix() for path in (tmp_path / STATE_FOLDER).iterdir())
    assert left == [LOCK_NAME, STATE_NAME]  # nothing staged
