"""Shared fixtures: the bundled seed and a folder to build into."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_caa332ea3062df9c.txt"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def seed() -> Path:
    return SEED
