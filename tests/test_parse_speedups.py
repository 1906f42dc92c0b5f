"""The parser's fast paths against the straightforward code they replaced, on arbitrary input.

Each ``reference_*`` below is the earlier version of an optimised function, kept verbatim (bar
names) as the specification: the fast version must give the same values, problems and errors.
"""

from __future__ import annotations

import hashlib
import unicodedata
from unittest import mock

from hostile import ANY_DUMP
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centralasia_feed.errors import DumpError
from centralasia_feed.parse import _decode, _slug, slugify
from centralasia_feed.parse._report import Report

DIFFERENTIAL = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
ANY_CHAR = st.characters(codec=None, exclude_categories=())
ANY_TEXT = st.text(ANY_CHAR, max_size=300)
WORDS = st.sampled_from(
    ["Kazakhstan’s", "Übergrößen", "Œuvre", "Ташкент", "日本", "é", "e\u0301", "&amp;", "&#8217;", "--", "—"]
)
TITLES = (
    ANY_TEXT
    | st.lists(WORDS | st.text(ANY_CHAR, max_size=4), max_size=60).map(" ".join)
    | st.tuples(st.sampled_from(["a", "é", "ж", "日", "ß", "\ufdfa", "\ud800"]), st.integers(0, 250)).map(
        lambda pair: pair[0] * pair[1]
    )
)


def reference_slugify(title: str) -> str:
    text = reference_cut(_slug._ENTITY.sub("", unicodedata.normalize("NFC", title)))
    slug = _slug._DASHES.sub("-", "".join(reference_slug_char(char) for char in text)).strip("-")
    if slug:
        return slug
    return "article-" + hashlib.sha1(title.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def reference_fold(char: str) -> str:
    if char in _slug._FOLDED:
        return _slug._FOLDED[char]
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return base if base.isascii() and base.isalnum() else unicodedata.normalize("NFKC", char)


def reference_cut(text: str) -> str:
    used = 0
    for index, char in enumerate(text):
        folded = reference_fold(char)
        used += len(folded) if folded.isascii() else 3 * len(folded.encode("utf-8", "surrogatepass"))
        if used > _slug._URL_LENGTH:
            return text[:index]
    return text


def reference_slug_char(char: str) -> str:
    if char in _slug._DROPPED:
        return ""
    if char in "./" or char.isspace() or unicodedata.category(char) == "Pd":
        return "-"
    if char == "×":
        return "x"
    if char == "_" or char.isascii() and char.isalnum():
        return char.lower()
    category = unicodedata.category(char)[0]
    if category in "LN":
        return "".join(
            c for c in reference_fold(char).lower() if c.isalnum() or unicodedata.category(c)[0] == "M"
        )
    return char if category == "M" else ""


_CONTROLS = tuple(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r")


def reference_decode_lines(data: str | bytes, report: Report) -> list[str]:
    if isinstance(data, bytes | bytearray):
        text = _decode._decode_bytes(bytes(data), report)[0]
    elif isinstance(data, str):
        text = data.removeprefix("\ufeff")
    else:
        raise TypeError(f"a dump is str or bytes, not {type(data).__name__}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reference_refuse_binary(text, report.source)
    lines = text.split("\n")
    if _decode._FORBIDDEN.search(text):
        lines = [_decode._remove_forbidden(number, line, report) for number, line in enumerate(lines, 1)]
    return lines


def reference_refuse_binary(text: str, source: str) -> None:
    if "\x00\x00\x00\x00" in text:
        raise DumpError("binary input: a run of NUL bytes", source=source)
    controls = sum(text.count(c) for c in _CONTROLS)
    if controls > 8 and controls * 100 > len(text):
        raise DumpError(f"binary input: {controls} control characters in {len(text)}", source=source)


def outcome(function: object, *args: object) -> object:
    """What a call returns, or the DumpError it raises as comparable values."""
    try:
        return function(*args)  # type: ignore[operator]
    except DumpError as error:
        return ("DumpError", error.message, error.source, error.line)


@DIFFERENTIAL
@given(TITLES)
def test_slugify_is_the_reference(title: str) -> None:
    assert slugify(title) == reference_slugify(title)


def test_slug_tables_stay_bounded() -> None:
    """Past the table's size a character is computed again, never stored: memory stays bounded."""
    with mock.patch.object(_slug, "_TABLE_SIZE", 0):
        table = _slug._Table(reference_slug_char)
        assert "Dé".translate(table) == "de"
        assert len(table) == 0


def decoded(data: str | bytes, decode: object) -> object:
    report = Report("p")
    return outcome(decode, data, report), report.problems


CONTROL_TEXT = st.text(st.sampled_from("ab \n\r\t\x00\x01\x0b\x1f\x7f\x85\ufffe\uffff\ud800é•"), max_size=200)
DECODE_INPUT = (
    ANY_DUMP
    | ANY_TEXT
    | CONTROL_TEXT
    | CONTROL_TEXT.map(lambda text: text.encode("utf-8", "surrogatepass"))
    | st.binary(max_size=300)
)


@DIFFERENTIAL
@given(DECODE_INPUT)
def test_decode_lines_is_the_reference(data: str | bytes) -> None:
    assert decoded(data, _decode.decode_lines) == decoded(data, reference_decode_lines)


@DIFFERENTIAL
@given(CONTROL_TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")), st.integers(1, 7))
def test_control_bytes_are_found_in_any_chunk(data: bytes, chunk: int) -> None:
    with mock.patch.object(_decode, "_CHUNK", chunk):
        assert decoded(data, _decode.decode_lines) == decoded(data, reference_decode_lines)
