"""publish(): the output folder is replaced whole or not at all, and tidied after killed builds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from centralasia_feed.errors import PublishError
from centralasia_feed.publish import publish


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
