"""Output folders written before the build kept its state under one hidden name: a lock file
(``.publish.lock``), a manifest of archive pages (``.build-manifest``) and hidden temporary files a
killed build left beside the files. Their next build reads the manifest's count, so the folder never
shrinks, tidies the temporaries, and its commit removes the old files.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

MANIFEST = ".build-manifest"
LOCK = ".publish.lock"
_TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")  # .rss.xml.k2j4h5g6.tmp
_HEADERS = ("centralasia_feed build 4", "centralasia_feed archive pages 3")


def files(root: Path) -> list[str]:
    """The old layout's own files in ``root``."""
    return [name for name in (MANIFEST, LOCK) if os.path.lexists(root / name)]


def manifest(root: Path) -> tuple[int, int] | None:
    """The page size and the number of articles shown, as the manifest says; None where it says
    nothing. The format before the last counted archived articles alone, the full feeds beside them."""
    try:
        lines = (root / MANIFEST).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if len(lines) != 5 or lines[0] not in _HEADERS or not (lines[2].isdigit() and lines[4].isdigit()):
        return None
    size, count = int(lines[2]), int(lines[4])
    if size < 1 or (lines[0] != _HEADERS[0] and not count):
        return None
    return size, count if lines[0] == _HEADERS[0] else count + size


def tidy(root: Path) -> None:
    """Remove the temporary files a killed build of the old layout left, in the folder and its
    subfolders; only in a folder that has its lock (every such build made it first)."""
    if not os.path.lexists(root / LOCK):
        return
    folders = [root]
    with contextlib.suppress(OSError):
        folders += [Path(entry.path) for entry in os.scandir(root) if entry.is_dir(follow_symlinks=False)]
    for folder in folders:
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                if _TEMPORARY.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)
