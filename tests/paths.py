"""Where the tests' files are (the checkout, the seed, the test data), and what a built folder holds."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NoReturn

import pytest

from centralasia_feed.publish import STATE_NAME

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_caa332ea3062df9c.txt"
DATA = Path(__file__).resolve().parent / "data"


def missing(tool: str, package: str) -> NoReturn:
    """Skip a test whose outside tool is not installed, saying so plainly; fail it where ``CI`` is
    set, since CI must run it."""
    message = f"{tool} is not installed (apt-get install {package})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must run this test")
    pytest.skip(message)


def folder_files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, hidden ones too, by relative path; none when there is no folder.

    The build's state names the archive revision it shows by a random id, another for every archive
    (one in memory too), so that id is blanked: the rest of the state, and every published byte,
    follow from the entries and the config alone.
    """
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    if STATE_NAME in files:
        files[STATE_NAME] = re.sub(rb'"revision": "[0-9a-f]*"', b'"revision": ""', files[STATE_NAME])
    return files
