"""Shared fixtures: a site built once per run, a copy of it for each test, and a server over the copy
on 127.0.0.1 (tests/helpers/serving.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.serving import Served, build_site, start, stop
from hypothesis import settings

# CI explores the same examples every run: a failure there is the change's, never the dice's.
# Elsewhere hypothesis draws new ones each run, and keeps what failed in .hypothesis/.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site every test serves a copy of, built once per run; not to be changed."""
    work = tmp_path_factory.mktemp("site")
    build_site(work / "public", work / "archive.sqlite")
    return work / "public"


@pytest.fixture
def site(built_site: Path, tmp_path: Path) -> Path:
    """A copy of the built site, the test's own to change."""
    return Path(shutil.copytree(built_site, tmp_path / "public"))


@pytest.fixture
def served(site: Path) -> Iterator[Served]:
    running, thread = start(site)
    yield running
    stop(running, thread)
