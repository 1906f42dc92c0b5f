"""Shared fixtures: an output folder, and a server over it on 127.0.0.1 (tests/serving.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from serving import Served, fill_site, start, stop


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "public"
    folder.mkdir()
    fill_site(folder)
    return folder


@pytest.fixture
def served(site: Path) -> Iterator[Served]:
    running, thread = start(site)
    yield running
    stop(running, thread)
