"""Bytes or text in, numbered lines out: encodings, line ends, and the characters XML forbids.

Everything here runs in time linear in the input: whole-text ``str`` methods and one character-class
regex, never a per-character Python loop over the whole dump.
"""

from __future__ import annotations

import codecs
import re

from ..errors import DumpError
from ._report import Report, quote

# XML 1.0 forbids these; lone surrogates only reach us in str input.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_BYTES = bytes(range(0x20)).translate(None, b"\t\n\r")
# What most of a dump is made of: deleting these bytes leaves what needs a closer look.
_PLAIN_BYTES = bytes(range(0x20, 0x7F)) + b"\n"
_CHUNK = 1 << 20
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


def decode(data: str | bytes, report: Report) -> tuple[list[str], bool]:
    """The dump's lines (index 0 is line 1), with forbidden characters removed and reported, and
    whether every line is printable once its NBSPs are spaces (then no text made of the lines and
    spaces needs ``str.isprintable`` again)."""
    if isinstance(data, bytes | bytearray):
        raw = bytes(data)
        text, utf8 = _decode_bytes(raw, report)
        clean, printable = _scan_utf8(raw) if utf8 else (False, False)
    elif isinstance(data, str):
        text, clean, printable = data.removeprefix("\ufeff"), False, False
    else:
        raise TypeError(f"a dump is str or bytes, not {type(data).__name__}")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if clean or not _FORBIDDEN.search(text):
        lines = text.split("\n")
    else:
        _refuse_binary(text, report.source)
        lines = [_remove_forbidden(number, line, report) for number, line in enumerate(text.split("\n"), 1)]
        printable = False
    return (lines if printable else visible(text, lines, report)), printable


def visible(text: str, lines: list[str], report: Report) -> list[str]:
    """``lines`` (of ``text``) without invisible characters at either end, so ``\ufeff• KGS/USD =
    ...`` is a ticker line. A line of nothing else is reported and ignored: empty, and in
    ``report.ignored``, so it neither ends a block (a paragraph wrapped around it stays one) nor
    joins one (as a title it would be an article with nothing to see). A printable dump has none:
    its lines skip this."""
    if not _ANY_INVISIBLE.search(text):
        return lines
    trimmed = []
    for number, line in enumerate(lines, 1):
        if _ANY_INVISIBLE.search(line):
            line = line.strip(_EDGES) or _ignore(number, line, report)
        trimmed.append(line)
    return trimmed


def _ignore(number: int, line: str, report: Report) -> str:
    report.problem(number, f"a line of invisible characters only, ignored: {quote(line)}", line)
    report.ignored.add(number)
    return ""


def _scan_utf8(data: bytes) -> tuple[bool, bool]:
    """Whether UTF-8 ``data`` holds no character XML forbids, and whether its lines are printable
    (NBSPs aside), checked a chunk at a time on what is left once ``bytes.translate`` deletes
    printable ASCII and newlines: a control character is one byte, UTF-8 cannot hold a lone
    surrogate, and the rest of a mostly-ASCII dump is a few percent of it. Chunks end between
    characters, so what is left of each decodes. A BOM, which decoding drops, is skipped."""
    printable = True
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    while start < len(data):
        end = start + _CHUNK
        while end < len(data) and 0x80 <= data[end] < 0xC0:
            end += 1
        rest = data[start:end].translate(None, _PLAIN_BYTES)
        if len(rest) != len(rest.translate(None, _CONTROL_BYTES)):
            return False, False
        chars = rest.decode("utf-8")
        if "\ufffe" in chars or "\uffff" in chars:
            return False, False
        printable = printable and chars.replace("\xa0", "").isprintable()
        start = end
    return True, printable


def _decode_bytes(data: bytes, report: Report) -> tuple[str, bool]:
    """UTF-8 (BOM optional), UTF-16/32 with a BOM; bytes that are not UTF-8 are read as Windows-1252,
    and said so. Only those bytes: one stray byte in a UTF-8 dump must not garble every other
    character (and with them the titles' slugs, which are the articles' ids).

    Also says whether the text is ``data`` read as UTF-8.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), False
            except UnicodeDecodeError:
                break
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError as exc:
        number = _line_at(data, exc.start)
        report.problem(number, "not UTF-8: read as Windows-1252", _mixed(_line_bytes(data, exc.start)))
        return _mixed(data), False


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


def _refuse_binary(text: str, source: str) -> None:
    """A run of four NULs, or control characters above 1% of the text (and more than 8): not a dump.

    UTF-16/32 without a BOM, images, archives and executables all fail one test or the other; a few
    stray control characters in a real dump pass, to be removed and reported one by one.
    """
    if "\x00\x00\x00\x00" in text:
        raise DumpError("binary input: a run of NUL bytes", source=source)
    controls = _CONTROL.subn("", text)[1]
    if controls > 8 and controls * 100 > len(text):
        raise DumpError(
            f"binary input: {controls} control characters in {len(text)} characters", source=source
        )


def _remove_forbidden(number: int, line: str, report: Report) -> str:
    found = _FORBIDDEN.findall(line)
    if not found:
        return line
    clean = _FORBIDDEN.sub("", line)
    for char in found:
        report.problem(number, f"removed U+{ord(char):04X}, a character XML forbids", clean)
    return clean
