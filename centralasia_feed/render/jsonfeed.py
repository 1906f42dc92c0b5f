"""JSON Feed 1.1 of the articles, and the JSON writing the rates feed shares.

Keys come in a fixed order (the spec's order, not sorted), text is UTF-8 rather than ``\\u``
escapes, and the file ends with a newline, so the same items always give the same bytes. The
feed's members stand one per line and each item on one line of its own (see ``feed_bytes``).
Machine-readable extras live in one ``_centralasia_feed`` object per item, which readers ignore.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .._chars import clean
from .._gc import paused as gc_paused
from .._jsonable import figure_to_dict
from ..config import FeedConfig
from ..models import Entry, Figure
from . import safe
from .items import Item, prepare

VERSION = "https://jsonfeed.org/version/1.1"
EXTENSION = "_centralasia_feed"
BATCH = 256  # items encoded into one piece of the document


def render_json_feed(entries: Sequence[Entry], config: FeedConfig) -> bytes:
    """A JSON Feed 1.1 of ``entries`` in the order given (newest first)."""
    with gc_paused():
        return b"".join(json_feed_chunks(prepare(entries, config), config))


def json_feed_chunks(items: Iterable[Item], config: FeedConfig) -> Iterator[bytes]:
    """``render_json_feed`` of prepared items (``items.prepare``), as consecutive pieces of its bytes."""
    feed = header(config, "feed.json", config.title, config.description)
    feed["items"] = (_item(item) for item in items)
    return document_chunks(feed)


def header(
    config: FeedConfig, path: str, title: str, description: str, home: str | None = None
) -> dict[str, Any]:
    """The top-level members every JSON feed of ours starts with, in the spec's order; ``home`` is
    the page the feed stands for (by default the source site).

    JSON Feed's ``icon`` and ``favicon`` are both square, so both are the config's (square) icon;
    its wide logo has no place here.
    """
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": safe.line(title),
        "home_page_url": home or config.source_url,
        "feed_url": config.url(path),
        "description": safe.line(description),
    }
    if config.icon:
        feed["icon"] = feed["favicon"] = config.icon
    feed["language"] = clean(config.language)
    feed["authors"] = [{"name": safe.line(config.author), "url": config.source_url}]
    if config.hubs:
        feed["hubs"] = [{"type": "WebSub", "url": hub} for hub in config.hubs]
    return feed


def _item(item: Item) -> dict[str, Any]:
    """One item: always ``content_html``; a truncated one also its plain excerpt as ``summary``."""
    out: dict[str, Any] = {"id": item.id, "url": item.link, "title": item.title, "content_html": item.html}
    if item.truncated:
        out["summary"] = item.excerpt
    out["date_published"] = item.published.isoformat()
    if item.modified:
        out["date_modified"] = item.updated.isoformat()
    out[EXTENSION] = _extension(item)
    return out


def _extension(item: Item) -> dict[str, Any]:
    """What a program may want that JSON Feed has no member for."""
    figures = [_figure(figure) for figure in item.figures]
    return {"truncated": item.truncated, "first_edition": item.first_edition, "figures": figures}


def _figure(figure: Figure) -> dict[str, Any]:
    """A figure's fields, its caption cleaned; not its ``align``, a class of the site's stylesheet."""
    fields = figure_to_dict(figure, clean)
    del fields["align"]
    return fields


def feed_bytes(document: dict[str, Any]) -> bytes:
    """Deterministic JSON bytes: a member per line, each item compact on a line of its own.

    A readable layout that stdlib json's C encoder can write: with ``indent`` it falls back to
    pure Python, which made JSON the slowest part of a daily build. A changed item is one
    changed line in a diff. The caller pauses collection around the document it built.
    """
    return b"".join(document_chunks(document))


def document_chunks(document: dict[str, Any]) -> Iterator[bytes]:
    """``feed_bytes`` in pieces of ``BATCH`` items: ``items`` may be any iterable, made as it is
    read, so a feed of 100,000 items is never one more string in memory, nor a list of its items."""
    yield b"{"
    separator = b"\n  "
    for key, value in document.items():
        yield b"".join((separator, _encode(key), b": "))
        separator = b",\n  "
        yield from _items(value) if key == "items" else (_encode(value),)
    yield b"\n}\n"


def _items(items: Iterable[Any]) -> Iterator[bytes]:
    """The items' array, an item per line, ``BATCH`` of them at a time."""
    pieces: list[bytes] = []
    separator = b"[\n    "
    for item in items:
        pieces += (separator, _encode(item))
        separator = b",\n    "
        if len(pieces) >= 2 * BATCH:
            yield b"".join(pieces)
            pieces = []
    pieces.append(b"[]" if separator == b"[\n    " else b"\n  ]")
    yield b"".join(pieces)


_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _encode(value: Any) -> bytes:
    return _compact(value).encode("utf-8")
