"""Slugs as WordPress's ``sanitize_title`` makes them for timesca.com permalinks.

WordPress strips HTML tags and accents, drops a list of Unicode punctuation (’ “ ” « » … ™ and the
like), turns ``.``, ``/``, en and em dashes and whitespace into ``-``, and keeps letters of other
scripts (percent-encoded in the URL; we keep them as Unicode). It also cuts the title at 200 URL
characters.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable

_ENTITY = re.compile(r"&#?[A-Za-z0-9]{1,10};")
_HTML_TAG = re.compile(r"<[A-Za-z/!][^<>]*>")  # strip_tags' work on a title: ``<b>Bold</b>`` -> ``Bold``
_DASHES = re.compile(r"-{2,}")
# Characters sanitize_title removes outright rather than turning into a dash.
_DROPPED = frozenset(
    "\u00ad¡¿«»‹›‘’“”‚‛„‟•©®°…™´ˊ\u0301\u0341\u0300\u0304\u030c\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\ufeff"
)
_FOLDED = {
    "ß": "ss",
    "ẞ": "SS",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "ø": "o",
    "Ø": "O",
    "đ": "d",
    "Đ": "D",
    "ł": "l",
    "Ł": "L",
    "þ": "th",
    "Þ": "TH",
    "ð": "d",
    "Ð": "D",
    "ı": "i",
    "ħ": "h",
}
_URL_LENGTH = 200
_TABLE_SIZE = 1 << 16


def slugify(title: str) -> str:
    """``Kazakhstan’s Future: Reforms`` -> ``kazakhstans-future-reforms``; never empty, and in NFC.

    Each character's slug piece and URL length are computed once and kept in tables that
    ``str.translate`` reads in C: a title costs two translations, not a Python call per character.
    """
    text = unicodedata.normalize("NFC", title)
    if "<" in text:
        text = _HTML_TAG.sub("", text)
    if "&" in text:
        text = _ENTITY.sub("", text)
    if len(text) > _URL_LENGTH if text.isascii() else len(text.translate(_WIDTHS)) > _URL_LENGTH:
        text = _cut(text)
    slug = text.translate(_PIECES)
    if not slug.isascii():  # a mark left beside a letter once what stood between them is dropped
        slug = unicodedata.normalize("NFC", slug)
    if "--" in slug:
        slug = _DASHES.sub("-", slug)
    slug = slug.strip("-")
    if slug:
        return slug
    return "article-" + hashlib.sha1(title.encode("utf-8", "surrogatepass")).hexdigest()[:12]


class _Table(dict[int, str | None]):
    """A ``str.translate`` table filled on first use: code point -> ``make(char)``, None for "".

    At most ``_TABLE_SIZE`` characters are kept, so titles in every script of Unicode cannot
    grow it without bound; characters past that are computed again each time. (None, not "",
    marks a deleted character: ``str.translate`` keeps its fast path for ASCII text with None.)
    """

    def __init__(self, make: Callable[[str], str]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, code: int) -> str | None:
        value = self.make(chr(code)) or None
        if len(self) < _TABLE_SIZE:
            self[code] = value
        return value


def _width(char: str) -> int:
    """How many URL characters ``char`` costs once folded (a non-ASCII byte is a %XX escape)."""
    folded = _fold(char)
    return len(folded) if folded.isascii() else 3 * len(folded.encode("utf-8", "surrogatepass"))


def _fold(char: str) -> str:
    """A Latin letter without its accents (``é`` -> ``e``); letters of other scripts unchanged."""
    if char in _FOLDED:
        return _FOLDED[char]
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return base if base.isascii() and base.isalnum() else unicodedata.normalize("NFKC", char)


def _cut(text: str) -> str:
    """The title as far as its first 200 URL characters go (non-ASCII counts its %XX escapes)."""
    used = 0
    for index, char in enumerate(text):
        used += len(_WIDTHS[ord(char)] or "")
        if used > _URL_LENGTH:
            return text[:index]
    return text


def _slug_char(char: str) -> str:
    """What one character of the title becomes in the slug: itself, lower-cased, ``-`` or nothing."""
    if char in _DROPPED:
        return ""
    if char in "./" or char.isspace() or unicodedata.category(char) == "Pd":
        return "-"
    if char == "×":
        return "x"
    if char == "_" or char.isascii() and char.isalnum():
        return char.lower()
    category = unicodedata.category(char)[0]
    if category in "LN":
        return "".join(c for c in _fold(char).lower() if c.isalnum() or unicodedata.category(c)[0] == "M")
    return char if category == "M" else ""


# A character's width as that many ``x`` (the translated title's length is its URL length), and
# its slug piece.
_WIDTHS = _Table(lambda char: "x" * _width(char))
_PIECES = _Table(_slug_char)
