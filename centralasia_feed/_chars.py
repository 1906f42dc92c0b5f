"""Characters that cannot go everywhere text goes, spelled once.

XML 1.0 forbids the C0 controls but tab and the line ends, U+FFFE, U+FFFF and lone surrogates:
the parser removes them from a dump and reports each (``FORBIDDEN``). It also discourages DEL,
the C1 controls and the noncharacters, which HTML5 rejects: every string the renderer writes goes
through ``clean``, which drops both kinds, so one stray character cannot make a feed unreadable.
A line for a person (an error, a log line) shows what is unprintable as an escape (``one_line``).
"""

from __future__ import annotations

import re

C0 = "\x00-\x08\x0b\x0c\x0e-\x1f"  # the C0 controls but tab, newline and carriage return
FORBIDDEN = re.compile(f"[{C0}\ufffe\uffff\ud800-\udfff]")  # lone surrogates only come in str input
_NONCHARACTERS = "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(1, 17))
_DISCOURAGED = f"\x7f-\x9f\ufdd0-\ufdef{_NONCHARACTERS}"  # DEL, C1 and the noncharacters not forbidden
_UNFIT = re.compile(f"[{C0}\ufffe\uffff\ud800-\udfff{_DISCOURAGED}]")
# Everything but what _UNFIT drops, or an astral character: one class of ranges, which the regex
# engine scans ten times faster than _UNFIT's thirty-two single astral characters.
_SUSPECT = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd]")
# The UTF-8 bytes no dropped character's encoding needs: all but C0 (less tab and newlines), DEL,
# and the lead bytes of U+0080-00BF (C1 controls), U+F000-FFFF (noncharacters) and astral planes.
_PLAIN_BYTES = bytes(
    sorted({9, 10, 13, *range(0x20, 0x7F), *range(0x80, 0x100)} - {0xC2, 0xEF, *range(0xF0, 0xF5)})
)


def clean(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids or discourages, which HTML5 also rejects.

    That is C0 controls but tab and newlines, DEL and C1 controls, noncharacters, and lone
    surrogates (which UTF-8 cannot carry). Ordinary text comes back as it is, unscanned by the
    slow precise pattern (see ``_surely_clean``).
    """
    if _surely_clean(text):
        return text
    return _UNFIT.sub("", text)


def _surely_clean(text: str) -> bool:
    """Whether ``text`` has nothing to drop, by the fastest scans CPython has for it.

    ASCII is known without a scan, and every ASCII character to drop is unprintable. Other text
    is encoded, a C loop three times faster than ``isprintable`` on an article's paragraph; a
    byte of _PLAIN_BYTES' complement (or a lone surrogate) sends it to the one-class pattern.
    """
    if text.isascii() and text.isprintable():
        return True
    try:
        if not text.encode().translate(None, _PLAIN_BYTES):
            return True
    except UnicodeEncodeError:
        return False
    return not _SUSPECT.search(text)


def one_line(text: str, limit: int | None = None) -> str:
    """``text`` as one printable line: each unprintable character as its Python escape (``\\n``,
    ``\\x1b``), so a file name or a request cannot split a message in two or drive the terminal;
    past ``limit`` characters, cut, with ``...`` to say so."""
    shown = text if limit is None else text[:limit]
    if not shown.isprintable():
        shown = "".join(char if char.isprintable() else repr(char)[1:-1] for char in shown)
    return shown + "..." if limit is not None and len(text) > limit else shown
