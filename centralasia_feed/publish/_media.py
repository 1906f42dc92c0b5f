"""What each published file is, by its name: its media type, and whether it is hidden (never served)."""

from __future__ import annotations

from pathlib import PurePosixPath

RSS = "application/rss+xml"
ATOM = "application/atom+xml"
JSON_FEED = "application/feed+json"
HTML = "text/html"
_OTHER_TYPES = {".csv": "text/csv", ".svg": "image/svg+xml", ".txt": "text/plain"}


def media_type(name: str) -> str:
    """The media type (without charset) of a published file, from its name.

    Every ``.xml`` is Atom but the RSS ones (``rss.xml``, ``archive/rss-K.xml``), so a new XML feed is
    Atom unless named ``rss*``; ``examples/nginx.conf`` types files by the same rule.
    """
    path = PurePosixPath(name)
    if path.suffix == ".json":
        return JSON_FEED
    if path.suffix in (".html", ".htm"):
        return HTML
    if path.suffix == ".xml":
        return RSS if path.name.startswith("rss") else ATOM
    return _OTHER_TYPES.get(path.suffix, "application/octet-stream")


def is_hidden(name: str) -> bool:
    """Whether a name is hidden (the build's state, any dot file): never served."""
    return any(part.startswith(".") for part in PurePosixPath(name).parts)
