"""White space made plain: every run of it (NBSP and other Unicode spaces included) one space."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s")  # the characters str.split() splits on
_DOUBLE_SPACE = re.compile("  ")  # re finds it a quarter faster than ``in``, space being so common
_CHUNK = 1 << 20


def normalize(text: str) -> str:
    """Whitespace runs to one space, ends stripped: ``" ".join(text.split())``, faster.

    Most text is printable once its NBSPs are spaces, and then its only whitespace is the space:
    a few C passes over it (``normalize_printable``) do what ``str.split`` would do with a list
    of every word. A long text goes a chunk at a time, each cut at a space: ``str.split`` on a
    whole 50 MB paragraph would hold ten million word objects (ten times the text) at once.
    """
    if "\xa0" in text:
        text = text.replace("\xa0", " ")  # a space to str.split as well
    if text.isprintable():
        return _spaces(text)
    if len(text) <= _CHUNK:
        return " ".join(text.split())
    pieces = []
    start = 0
    while start < len(text):
        space = _SPACE.search(text, start + _CHUNK)
        end = space.start() if space else len(text)
        if piece := " ".join(text[start:end].split()):
            pieces.append(piece)
        start = end
    return " ".join(pieces)


def normalize_printable(text: str) -> str:
    """``normalize`` for a text known to be printable once its NBSPs are spaces (the text of a
    dump whose every line is: see ``_decode.decode``), which spares the pass that checks it."""
    if "\xa0" in text:
        text = text.replace("\xa0", " ")
    return _spaces(text)


def _spaces(text: str) -> str:
    """A printable text normalized: ``str.split`` splits on the space and on characters
    ``isprintable`` refuses (other spaces, line and paragraph separators, controls), so only runs
    of spaces are left to collapse. Each ``replace`` halves them; longer runs go to ``str.split``.
    """
    for _ in range(3):
        if not _DOUBLE_SPACE.search(text):
            return text.strip(" ")
        text = text.replace("  ", " ")
    return " ".join(text.split())
