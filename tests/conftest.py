"""Shared fixtures: the bundled seed."""

from __future__ import annotations

from pathlib import Path

import pytest
from paths import SEED


@pytest.fixture
def seed() -> Path:
    return SEED
