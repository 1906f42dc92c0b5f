"""Shared fixtures: an output folder, and a server over it on 127.0.0.1 (tests/helpers/serving.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.serving import Served, fill_site, start, stop
from hypothesis import settings

# CI explores the same examples every run: a failure there is the change's, never the dice's.
# Elsewhere hypothesis draws new ones each run, and keeps what failed in .hypothesis/.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


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
