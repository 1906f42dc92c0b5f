"""Text from a dump made safe for each format: it is text, never markup.

Every string that leaves the renderer is ``clean`` (``_chars``: characters XML forbids or
discourages dropped, so one stray control character cannot make a whole feed unreadable); a title
or a setting is also one ``line``; where text lands inside HTML it is ``escape``\\ d; and in feed
XML, ``&`` and ``<`` are written as character references (``write_references``), as the RSS Best
Practices Profile asks.
"""

from __future__ import annotations

import html
import re
from typing import Any

from lxml import etree

from .._chars import clean


def line(text: str) -> str:
    """Clean text on one line, its runs of white space (newlines, U+2028) made single spaces.

    A printable string (so clean, its only white space ASCII spaces) with single spaces inside
    and none at either end is already that: the usual title skips the split and join.
    """
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(clean(text).split())


def escape(text: str) -> str:
    """Clean text made safe for HTML element content and attribute values."""
    return html.escape(clean(text), quote=True)


def has_markup(text: str) -> bool:
    """Whether plain ``text`` holds ``&`` or ``<``, which ``write_references`` writes as references."""
    return "&" in text or "<" in text


def write_atom_text(element: Any, text: str) -> None:
    """An Atom text construct holding ``text``: with ``<`` in it, as ``type="html"`` escaped, which
    shows the text as it is and which the W3C validator does not take for undeclared markup (an
    RSS title has no such type); else with ``write_references``."""
    if "<" in text:
        element.set("type", "html")
        element.text = html.escape(text, quote=False)
    else:
        write_references(element, text)


def write_references(element: Any, text: str) -> None:
    """``element``'s content as ``text`` with ``&`` and ``<`` as ``&#x26;`` and ``&#x3C;``.

    They parse to the same text, but the RSS Best Practices Profile asks for them in plain text,
    and the W3C validator warns about text that looks like an entity or a tag (``&amp;``,
    ``<br>``) unless the element's line holds such a reference. lxml writes its own ``&amp;``
    and ``&lt;`` for text, so the references go in as lxml character entities.
    """
    parts = _MARKUP.split(text)
    element.text = parts[0]
    for char, tail in zip(parts[1::2], parts[2::2], strict=True):
        reference = etree.Entity("#x26" if char == "&" else "#x3C")
        reference.tail = tail
        element.append(reference)


_MARKUP = re.compile("([&<])")
