"""The public surface: one sorted __all__ that names everything a user needs, and nothing missing."""

from __future__ import annotations

import inspect

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

    for name in ("DumpError", "ConfigError", "ArchiveError", "RenderError", "PublishError"):
        assert issubclass(getattr(errors, name), centralasia_feed.CentralAsiaFeedError)
    assert issubclass(centralasia_feed.DumpError, ValueError)
