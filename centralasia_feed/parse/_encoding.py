"""Bytes before they are text: their encoding, whether they are a dump at all, and what a quick
look at UTF-8 bytes tells (no character XML forbids, printable lines, NFC form), which spares the
text the passes that would find it out."""

from __future__ import annotations

import codecs
import unicodedata

from ..errors import DumpError
from ._report import Report

_CONTROL_BYTES = bytes(range(0x20)).translate(None, b"\t\n\r")
# What most of a dump is made of: deleting these bytes leaves what needs a closer look.
_PLAIN_BYTES = bytes(range(0x20, 0x7F)) + b"\n"
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))
_CHUNK = 1 << 20  # bytes ``scan_utf8`` looks at at once
# Characters of combining class 0 that NFC composes with the character before them (the second
# half of a canonical composition; tests/test_parse.py checks the list against unicodedata), and
# the Hangul vowel and final jamo, which compose algorithmically.
_COMPOSING = frozenset(
    "\u09be\u09d7\u0b3e\u0b56\u0b57\u0bbe\u0bd7\u0cc2\u0cd5\u0cd6\u0d3e\u0d57\u0dcf\u0ddf\u0fb5\u0fb7"
    "\u102e\u1b35\U00011127\U0001133e\U00011357\U000114b0\U000114ba\U000114bd\U000115af\U00011930"
) | frozenset(map(chr, [*range(0x1161, 0x1176), *range(0x11A8, 0x11C3)]))
_INERT: dict[str, bool] = {}  # whether a character can never change a text's NFC form (see ``_inert``)
_INERT_SIZE = 1 << 16
# A byte that is not UTF-8, as ``surrogateescape`` leaves it (U+DC80-U+DCFF), read as Windows-1252;
# the five bytes Windows-1252 leaves undefined keep their Latin-1 code points.
_STRAY_AS_CP1252 = {
    0xDC00 + b: bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0x100)
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
WIDE_BOMS = tuple(bom for bom, _ in _BOMS)


def scan_utf8(data: bytes) -> tuple[bool, bool, bool] | None:
    """Whether ``data`` holds no character XML forbids, whether its lines are printable (NBSPs
    aside), and whether it is in NFC form for sure; None if it is not UTF-8. Checked a chunk at a
    time on what is left once ``bytes.translate`` deletes printable ASCII and newlines: a control
    character is one byte, UTF-8 cannot hold a lone surrogate, and the rest of a mostly-ASCII dump
    is a few percent of it. Chunks end between characters, so what is left of each decodes, if
    ``data`` is UTF-8. (What is left can decode where ``data`` does not, an ASCII byte cutting a
    character in two: ``_decode.decode`` finds that out as it reads.)"""
    printable, distinct = True, set[str]()
    start = 0
    while start < len(data):
        end = start + _CHUNK
        while end < len(data) and 0x80 <= data[end] < 0xC0:
            end += 1
        rest = data[start:end].translate(None, _PLAIN_BYTES)
        try:
            chars = rest.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if len(rest) != len(rest.translate(None, _CONTROL_BYTES)) or "\ufffe" in chars or "\uffff" in chars:
            return (False, False, False) if _utf8(data) else None
        printable = printable and chars.replace("\xa0", "").isprintable()
        distinct.update(chars)
        start = end
    return True, printable, all(map(_inert, distinct))


def _inert(char: str) -> bool:
    """Whether ``char`` leaves the NFC form of any text it is in unchanged: it is its own NFC form,
    is not reordered (combining class 0) and composes with nothing before it. A text of such
    characters (and ASCII) is in NFC form, known from the few distinct characters a dump has
    beyond ASCII, where checking the whole text would cost a fifth of a parse."""
    inert = _INERT.get(char)
    if inert is None:
        inert = (
            not unicodedata.combining(char)
            and char not in _COMPOSING
            and unicodedata.is_normalized("NFC", char)
        )
        if len(_INERT) < _INERT_SIZE:
            _INERT[char] = inert
    return inert


def _utf8(data: bytes) -> bool:
    """Whether ``data`` decodes as UTF-8, a chunk at a time (a dump with forbidden characters only)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), _CHUNK):
            decoder.decode(data[start : start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def binary_signs(data: bytes) -> tuple[bool, int, int]:
    """What ``refuse_binary`` weighs, of UTF-8 ``data`` as text with its line ends made ``\\n``:
    whether it holds a run of four NULs, its control characters, its length in characters."""
    controls = characters = 0
    for start in range(0, len(data), _CHUNK):
        chunk = data[start : start + _CHUNK]
        controls += len(chunk) - len(chunk.translate(None, _CONTROL_BYTES))
        characters += len(chunk.translate(None, _CONTINUATION_BYTES))
    return b"\x00\x00\x00\x00" in data, controls, characters - data.count(b"\r\n")


def decode_whole(data: bytes, report: Report) -> str:
    """UTF-16/32 with a BOM, or UTF-8 (BOM optional) read whole; bytes that are not UTF-8 are read
    as Windows-1252, and said so. Only those bytes: one stray byte in a UTF-8 dump must not garble
    every other character (and with them the titles' slugs, which are the articles' ids)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        number = _line_at(data, exc.start)
        report.problem(number, "not UTF-8: read as Windows-1252", _mixed(_line_bytes(data, exc.start)))
        return _mixed(data)


def _line_at(data: bytes, offset: int) -> int:
    before = data[:offset]
    return 1 + before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n")


def _mixed(data: bytes) -> str:
    """UTF-8 where it is UTF-8, Windows-1252 for each byte that is not."""
    return data.decode("utf-8", errors="surrogateescape").translate(_STRAY_AS_CP1252)


def _line_bytes(data: bytes, offset: int) -> bytes:
    """The bytes of the line holding ``offset``."""
    start = max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1
    ends = [end for end in (data.find(b"\n", offset), data.find(b"\r", offset)) if end != -1]
    return data[start : min(ends, default=len(data))]


def refuse_binary(nuls: bool, controls: int, characters: int, source: str) -> None:
    """A run of four NULs, or control characters above 1% of the text (and more than 8): not a dump.

    UTF-16/32 without a BOM, images, archives and executables all fail one test or the other; a few
    stray control characters in a real dump pass, to be removed and reported one by one.
    """
    if nuls:
        raise DumpError("binary input: a run of NUL bytes", source=source)
    if controls > 8 and controls * 100 > characters:
        raise DumpError(
            f"binary input: {controls} control characters in {characters} characters", source=source
        )
