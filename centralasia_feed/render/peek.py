"""What an RSS document this package wrote says of itself, read back: its self link, its items.

A folder's feeds are the only record of what a folder written before the build manifest said so
(or one whose manifest a killed build took away) shows, and of the address it was built for.
Both are read as a stream, never as a tree: the self link stands before the first item, and
counting the items of a long archive holds one at a time. No entity is expanded and nothing is
fetched; a file that is missing or not XML says nothing (None, or 0 items).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any, BinaryIO

from lxml import etree

from .archive_links import ATOM_NS


def self_link(path: str | os.PathLike[str]) -> str | None:
    """The ``href`` of the RSS channel's ``atom:link rel="self"``; None when there is none."""
    try:
        with open(path, "rb") as handle:
            for element in _elements(handle, f"{{{ATOM_NS}}}link"):
                if element.getparent().tag != "channel":
                    return None  # an item's: the channel's links come before its items
                if element.get("rel") == "self":
                    href = element.get("href")
                    return href if isinstance(href, str) else None
    except (OSError, etree.XMLSyntaxError):
        pass
    return None


def count_items(path: str | os.PathLike[str]) -> int:
    """How many ``<item>`` elements the document holds."""
    try:
        with open(path, "rb") as handle:
            return sum(1 for _ in _elements(handle, "item"))
    except (OSError, etree.XMLSyntaxError):
        return 0


def _elements(handle: BinaryIO, tag: str) -> Iterator[Any]:
    """Each ``tag`` element as it ends, the elements before it dropped once it has been seen."""
    parsed = etree.iterparse(
        handle, events=("end",), tag=tag, resolve_entities=False, no_network=True, huge_tree=True
    )
    for _, element in parsed:
        yield element
        element.clear(keep_tail=False)
        while element.getprevious() is not None:
            del element.getparent()[0]
