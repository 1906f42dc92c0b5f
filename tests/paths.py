"""Where the tests' files are: the checkout, the bundled seed, the test data."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

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
