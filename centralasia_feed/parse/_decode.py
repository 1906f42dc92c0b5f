"""Bytes or text in, numbered lines out: line ends, Unicode normal form, the characters XML forbids,
bidi controls and invisible characters (``_encoding`` reads bytes as text).

Everything here runs in time linear in the input: whole-text ``str`` methods and character-class
regexes, never a per-character Python loop over the whole dump. A UTF-8 dump (the usual one) is
decoded a piece at a time and never held whole as text, and every dump is split into lines a piece
at a time, so a parse holds the bytes it was given, what it returns, and one piece.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import AnyStr

from .._chars import C0
from .._chars import FORBIDDEN as _FORBIDDEN
from ._encoding import WIDE_BOMS, binary_signs, decode_whole, refuse_binary, scan_utf8
from ._report import Report

_CONTROL = re.compile(f"[{C0}]")
# Bidi embeddings, overrides and isolates (not the LRM/RLM marks, which open nothing): each opens a
# run that a later control must close, and one left open (a line cut after it, an edge trimmed)
# reverses what a reader shows after it. They are all dropped and reported, so none is left open.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
LINES_CHUNK = 1 << 16  # bytes or characters split into lines at once: about 20,000 lines at most
# Format characters nobody sees (all unprintable, so a printable dump has none): soft hyphen, the
# Arabic letter mark, zero-width spaces and joiners, bidi controls, and U+FEFF, the BOM a dump gets
# in its middle when ``cat`` joins files saved with one. At either end of a line they go, with its
# white space (``str.strip`` with them all: linear, where a regex anchored at the end rescans a run
# of spaces from each of its characters). A line of nothing else is ignored: see ``visible``.
_INVISIBLE = "".join(
    chr(code)
    for first, last in (
        (0xAD, 0xAD),
        (0x61C, 0x61C),
        (0x180E, 0x180E),
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x206F),
        (0xFEFF, 0xFEFF),
    )
    for code in range(first, last + 1)
)
_ANY_INVISIBLE = re.compile(f"[{_INVISIBLE}]")
_EDGES = "".join(chr(code) for code in range(0x3001) if chr(code).isspace()) + _INVISIBLE
IGNORED = "\x00"  # a line of invisible characters only, as ``visible`` leaves it (no line has a NUL)


class NotUtf8(Exception):  # noqa: N818 (a signal to start again, not an error anyone sees)
    """Bytes that ``scan_utf8`` took for UTF-8 (it looks only at what is not ASCII) but that fail
    to decode as such: the parse starts again, reading them as not UTF-8 (``utf8=False``)."""


def decode(data: str | bytes, report: Report, *, utf8: bool = True) -> tuple[Iterator[list[str]], bool]:
    """The dump's lines, a piece at a time (the first list's index 0 is line 1), with forbidden
    characters and bidi controls removed and reported, line ends made ``\\n``, the text in
    Unicode's NFC form and invisible characters off the lines' ends (``visible``); and whether
    every line is printable once its NBSPs are spaces (then no text made of the lines and spaces
    needs ``str.isprintable`` again). UTF-8 bytes are decoded as the pieces are read, and may
    raise ``NotUtf8`` then."""
    pieces, printable = _pieces(data, report, utf8=utf8)
    return _lines(pieces, report, printable), printable


def _pieces(data: str | bytes, report: Report, *, utf8: bool) -> tuple[Iterator[str], bool]:
    """The dump's text, a piece at a time (each piece ends at a line end, ``\\n`` left out), made
    as ``decode`` says; and whether its lines are printable."""
    if isinstance(data, bytes | bytearray):
        raw = bytes(data)
        body = raw.removeprefix(codecs.BOM_UTF8)
        scan = scan_utf8(body) if utf8 and not raw.startswith(WIDE_BOMS) else None
        if scan is not None:
            clean, printable, composed = scan
            if not clean:
                refuse_binary(*binary_signs(body), report.source)
            return _utf8_pieces(body, scan, report), printable
        text = decode_whole(raw, report)
    elif isinstance(data, str):
        text = data.removeprefix("\ufeff")
    else:
        raise TypeError(f"a dump is str or bytes, not {type(data).__name__}")
    return _text_pieces(text, report), False


def _lines(pieces: Iterable[str], report: Report, printable: bool) -> Iterator[list[str]]:
    """The lines of the pieces, a piece at a time, without invisible characters at their ends
    (``visible``, which a printable text skips)."""
    number = 1
    for piece in pieces:
        chunk = piece.split("\n")
        yield chunk if printable else visible(piece, chunk, report, number)
        number += len(chunk)


def _utf8_pieces(body: bytes, scan: tuple[bool, bool, bool], report: Report) -> Iterator[str]:
    """UTF-8 ``body`` decoded about ``LINES_CHUNK`` bytes at a time, each piece cut at a line
    end (a CR before it goes with it); ``scan`` is what ``scan_utf8`` said of it."""
    clean, printable, composed = scan
    view = memoryview(body)  # a slice of it copies nothing: a piece of one long line is all of it
    start, number = 0, 1
    while True:
        end = _piece_end(body, b"\n", start)
        try:
            text = str(view[start:] if end == -1 else view[start : end - (body[end - 1] == 0x0D)], "utf-8")
        except UnicodeDecodeError as exc:
            raise NotUtf8 from exc
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _normal(text, number, report, clean=clean, printable=printable, composed=composed)
        yield text
        if end == -1:
            return
        start, number = end + 1, number + text.count("\n") + 1


def _text_pieces(text: str, report: Report) -> Iterator[str]:
    """A text read whole (given as text, or bytes not in UTF-8) made normal, then cut into pieces
    of about ``LINES_CHUNK`` characters."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _FORBIDDEN.search(text):
        refuse_binary("\x00\x00\x00\x00" in text, _CONTROL.subn("", text)[1], len(text), report.source)
    text = _normal(text, 1, report, clean=False, printable=False, composed=False)
    return _cut(text)


def _cut(text: str) -> Iterator[str]:
    start = 0
    while True:
        end = _piece_end(text, "\n", start)
        yield text[start:] if end == -1 else text[start:end]
        if end == -1:
            return
        start = end + 1


def _piece_end(text: AnyStr, newline: AnyStr, start: int) -> int:
    """Where the piece from ``start`` ends (-1: at the end): the last line end within
    ``LINES_CHUNK``, or, for a longer line, its own end. A long line is a piece of its own, so it
    is one string, not a slice of a larger one (nor, once decoded, as wide as its widest
    neighbour's characters)."""
    if start + LINES_CHUNK >= len(text):
        return -1
    end = text.rfind(newline, start, start + LINES_CHUNK)
    return end if end != -1 else text.find(newline, start + LINES_CHUNK)


def _normal(text: str, first: int, report: Report, *, clean: bool, printable: bool, composed: bool) -> str:
    """``text`` (its first line numbered ``first``) without forbidden characters and bidi
    controls, each reported, and in NFC form; what is known of it spares the searches."""
    if not clean and _FORBIDDEN.search(text):
        text = _remove(
            text, first, _FORBIDDEN, "removed a character XML forbids", "a character XML forbids", report
        )
        printable = False
    if not printable and _BIDI.search(text):
        text = _remove(text, first, _BIDI, "removed a bidi control", "a bidi control", report)
    if not composed and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)  # after the removals, which can bring a mark to a letter
    return text


def visible(text: str, lines: list[str], report: Report, first: int = 1) -> list[str]:
    """``lines`` (of ``text``, the first numbered ``first``) without invisible characters at either
    end, so ``\\ufeff• KGS/USD = ...`` is a ticker line. A line of nothing else is reported and
    becomes ``IGNORED``: it neither ends a block (a paragraph wrapped around it stays one) nor
    joins one (as a title it would be an article with nothing to see). A printable dump has none:
    its lines skip this."""
    if not _ANY_INVISIBLE.search(text):
        return lines
    trimmed = []
    for number, line in enumerate(lines, first):
        if _ANY_INVISIBLE.search(line):
            line = line.strip(_EDGES) or _ignore(number, line, report)
        trimmed.append(line)
    return trimmed


def _ignore(number: int, line: str, report: Report) -> str:
    report.line(number, "a line of invisible characters only, ignored", line)
    return IGNORED


def _remove(text: str, first: int, found: re.Pattern[str], kind: str, what: str, report: Report) -> str:
    """``text`` (its first line numbered ``first``) without what ``found`` matches, each character
    reported on its line (with the line's text, once cleaned, for the problems kept in full)."""
    number, position = first, 0
    for match in found.finditer(text):
        number += text.count("\n", position, match.start())
        position = match.start()
        line = _line_around(text, position, found) if report.keeps(kind, number) else ""
        report.problem(number, f"removed U+{ord(match.group()):04X}, {what}", line, kind=kind)
    return found.sub("", text)


def _line_around(text: str, position: int, found: re.Pattern[str]) -> str:
    """The line holding ``position``, without what ``found`` matches."""
    end = text.find("\n", position)
    return found.sub("", text[text.rfind("\n", 0, position) + 1 : end if end != -1 else len(text)])
