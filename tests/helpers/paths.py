"""Where the tests' files are (the checkout, the seed, the test data), and what a built folder holds."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

from centralasia_feed.publish import STATE_FOLDER

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_caa332ea3062df9c.txt"
DATA = ROOT / "tests" / "data"


def missing(tool: str, package: str) -> NoReturn:
    """Skip a test whose outside tool is not installed, saying so plainly; fail it where ``CI`` is
    set, since CI must run it."""
    message = f"{tool} is not installed (apt-get install {package})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must run this test")
    pytest.skip(message)


def folder_files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, hidden ones too (the build's state), by relative path; none when
    there is no folder."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def published_files(folder: Path) -> dict[str, bytes]:
    """``folder_files`` but the build's state, which names the archive revision the folder shows:
    another archive, or the same entries reached by another history, has another."""
    return {name: data for name, data in folder_files(folder).items() if not name.startswith(STATE_FOLDER)}
