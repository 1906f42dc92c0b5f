"""The public surface: one sorted __all__ that names everything a user needs, and nothing missing."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from helpers.paths import SEED

import centralasia_feed


def test_all_is_sorted_and_unique() -> None:
    assert centralasia_feed.__all__ == sorted(set(centralasia_feed.__all__))


def test_all_names_exist() -> None:
    for name in centralasia_feed.__all__:
        assert hasattr(centralasia_feed, name), name


def test_every_public_name_is_exported() -> None:
    public = {
        name
        for name, value in vars(centralasia_feed).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }
    assert public <= set(centralasia_feed.__all__)


def test_errors_form_one_tree() -> None:
    from centralasia_feed import errors

    for name in ("DumpError", "ConfigError", "ArchiveError", "RenderError", "PublishError", "ServeError"):
        assert issubclass(getattr(errors, name), centralasia_feed.CentralAsiaFeedError)
    assert issubclass(centralasia_feed.DumpError, ValueError)


def test_a_config_error_names_its_field_apart_from_its_message() -> None:
    """So a caller can name the setting its own way (the CLI's --feed-url) without parsing text."""
    from centralasia_feed import ConfigError, FeedConfig

    with pytest.raises(ConfigError) as caught:
        FeedConfig(feed_url="feeds/")
    assert (caught.value.field, caught.value.message) == (
        "feed_url",
        "must be an absolute http(s) URL, not 'feeds/'",
    )
    assert str(caught.value) == "feed_url must be an absolute http(s) URL, not 'feeds/'"
    assert str(ConfigError("a pair is written BASE/QUOTE")) == "a pair is written BASE/QUOTE"


def test_misuses_of_the_api_raise_the_package_errors(tmp_path: Path) -> None:
    """Found by a review: each raised a bare ValueError or OverflowError, or did something odd."""
    from centralasia_feed import Archive, ArchiveError, ConfigError, PublishError, build
    from centralasia_feed.serve import make_server

    with pytest.raises(ConfigError, match="last must be at least 1"), Archive(":memory:") as archive:
        archive.rate_history(0)
    with pytest.raises(ArchiveError, match="not a file name"):
        Archive(str(tmp_path / "a\0b.sqlite"))
    with pytest.raises(ConfigError, match="not a port number: 70000"):
        make_server(tmp_path, port=70000)
    with pytest.raises(PublishError, match="an empty name is no output folder"):
        build([SEED], "")


def test_build_takes_one_dump_as_well_as_many(tmp_path: Path) -> None:
    """A single path is one dump, not the characters of its name."""
    from centralasia_feed import build

    one = build(str(SEED), tmp_path / "one")
    assert one.files and one.problems == ()
    assert build([SEED], tmp_path / "many").files == one.files
