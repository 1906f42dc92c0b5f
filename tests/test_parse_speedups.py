"""The parser's fast paths against the straightforward code they replaced, on arbitrary input.

Each ``reference_*`` below is the earlier version of an optimised function, kept verbatim (bar
names) as the specification: the fast version must give the same values, problems and errors.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from helpers.hostile import ANY_DUMP
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tools import dumpgen

from centralasia_feed._jsonable import dump_to_dict
from centralasia_feed.errors import DumpError
from centralasia_feed.models import Dump, Rate
from centralasia_feed.parse import (
    _assemble,
    _decode,
    _lines,
    _nothing,
    _parse,
    _shortcodes,
    _slug,
    slugify,
)
from centralasia_feed.parse._assemble import Assembler
from centralasia_feed.parse._pages import Block, Draft, Token, _unglue, last_nonblank, paginate
from centralasia_feed.parse._report import Report, quote

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
    text = _slug._HTML_TAG.sub("", unicodedata.normalize("NFC", title))
    text = reference_cut(_slug._ENTITY.sub("", text))
    slug = "".join(reference_slug_char(char) for char in text)
    slug = _slug._DASHES.sub("-", unicodedata.normalize("NFC", slug)).strip("-")
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
    return ["" if line is _decode.IGNORED else line for line in reference_visible_lines(data, report)]


def reference_visible_lines(data: str | bytes, report: Report) -> list[str]:
    """The lines, a line of invisible characters only as ``IGNORED``."""
    if isinstance(data, bytes | bytearray):
        text = _decode._decode_bytes(bytes(data), report)
    elif isinstance(data, str):
        text = data.removeprefix("\ufeff")
    else:
        raise TypeError(f"a dump is str or bytes, not {type(data).__name__}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reference_refuse_binary(text, report.source)
    lines = text.split("\n")
    if _decode._FORBIDDEN.search(text):
        lines = [reference_remove_forbidden(number, line, report) for number, line in enumerate(lines, 1)]
    lines = [reference_remove_bidi(number, line, report) for number, line in enumerate(lines, 1)]
    lines = [unicodedata.normalize("NFC", line) for line in lines]
    return _decode.visible("\n".join(lines), lines, report)


_FORBIDDEN_KIND = "removed a character XML forbids"
_BIDI_KIND = "removed a bidi control"


def reference_remove_forbidden(number: int, line: str, report: Report) -> str:
    found = _decode._FORBIDDEN.findall(line)
    if not found:
        return line
    clean = _decode._FORBIDDEN.sub("", line)
    for char in found:
        report.problem(
            number, f"removed U+{ord(char):04X}, a character XML forbids", clean, kind=_FORBIDDEN_KIND
        )
    return clean


def reference_remove_bidi(number: int, line: str, report: Report) -> str:
    clean = _decode._BIDI.sub("", line)
    for char in _decode._BIDI.findall(line):
        report.problem(number, f"removed U+{ord(char):04X}, a bidi control", clean, kind=_BIDI_KIND)
    return clean


def reference_refuse_binary(text: str, source: str) -> None:
    if "\x00\x00\x00\x00" in text:
        raise DumpError("binary input: a run of NUL bytes", source=source)
    controls = sum(text.count(c) for c in _CONTROLS)
    if controls > 8 and controls * 100 > len(text):
        raise DumpError(
            f"binary input: {controls} control characters in {len(text)} characters", source=source
        )


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


def decode_lines(data: str | bytes, report: Report) -> list[str]:
    """The lines ``decode`` and ``lines`` give, a line of invisible characters as an empty one
    (read again as not UTF-8 where a character cut in two says so, as a parse does)."""
    try:
        return read_lines(data, report, utf8=True)
    except _decode.NotUtf8:
        report.restart()
        return read_lines(data, report, utf8=False)


def read_lines(data: str | bytes, report: Report, *, utf8: bool) -> list[str]:
    pieces, printable = _decode.decode(data, report, utf8=utf8)
    chunks = _decode.lines(pieces, report, printable)
    return ["" if line is _decode.IGNORED else line for chunk in chunks for line in chunk]


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
    assert decoded(data, decode_lines) == decoded(data, reference_decode_lines)


@DIFFERENTIAL
@given(CONTROL_TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")), st.integers(1, 7))
def test_control_bytes_are_found_in_any_chunk(data: bytes, chunk: int) -> None:
    with mock.patch.object(_decode, "_CHUNK", chunk):
        assert decoded(data, decode_lines) == decoded(data, reference_decode_lines)


def reference_normalize(text: str, *, printable: bool = False) -> str:
    return " ".join(text.split())


SPACES = st.text(st.sampled_from(" a\t\n\x0b\x1c\x85\xa0\u1680\u2000\u2028\u202f\u3000\u200b"), max_size=40)


RUNS = st.lists(st.sampled_from(["a", "b c", " ", "\xa0", "\t"]) | st.integers(1, 20).map(" ".__mul__)).map(
    "".join
)


@DIFFERENTIAL
@given(ANY_TEXT | SPACES | RUNS)
def test_normalize_is_the_reference(text: str) -> None:
    assert _shortcodes.normalize(text) == reference_normalize(text)


@DIFFERENTIAL
@given(ANY_TEXT | SPACES | RUNS)
def test_normalize_known_printable_is_the_reference(text: str) -> None:
    """``printable=True`` is only ever said of text printable once its NBSPs are spaces."""
    if text.replace("\xa0", " ").isprintable():
        assert _shortcodes.normalize(text, printable=True) == reference_normalize(text)


def printable_lines(data: str | bytes) -> object:
    """What ``decode``'s second value promises, computed line by line."""
    report = Report("p")
    try:
        lines = decode_lines(data, report)
    except DumpError:
        return None
    return all(line.replace("\xa0", " ").isprintable() for line in lines)


def clean_utf8(data: str | bytes) -> bool:
    """UTF-8 bytes without a character XML forbids (which decode removes and reports)."""
    try:
        return isinstance(data, bytes) and not _decode._FORBIDDEN.search(data.decode("utf-8"))
    except UnicodeDecodeError:
        return False


@DIFFERENTIAL
@given(DECODE_INPUT | ANY_TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")), st.integers(1, 7))
def test_decode_says_printable_only_of_printable_lines(data: str | bytes, chunk: int) -> None:
    """Said only when true, and said of every clean UTF-8 dump without CR whose lines are printable
    (NBSPs aside), whatever the chunk size: chunks end between characters. (Not of a dump whose
    lines are printable only once invisible characters are trimmed off their ends.)"""
    with mock.patch.object(_decode, "_CHUNK", chunk):
        said = outcome(_decode.decode, data, Report("p"))
    if isinstance(said, tuple) and said[0] != "DumpError":
        if said[1]:
            assert printable_lines(data)
        elif clean_utf8(data) and b"\r" not in data and not _decode._ANY_INVISIBLE.search(data.decode()):
            assert not printable_lines(data)


def test_generated_dumps_are_printable() -> None:
    text = dumpgen.generate_dump(dt.date(2025, 1, 5), 40, seed=3)
    assert _decode.decode(text.encode("utf-8"), Report("p"))[1]


def test_every_space_str_split_knows_is_unprintable() -> None:
    """What the normalize fast path relies on, over all of Unicode."""
    spaces = [chr(code) for code in range(0x110000) if chr(code).isspace()]
    assert [char for char in spaces if char.isprintable()] == [" "]


def reference_classify(number: int, text: str, report: Report) -> _lines.Structural | None:
    if len(text) <= _lines._LONGEST_TICKER and _lines._is_tickerish(text):
        return _lines.TickerLine(number, text, _lines.read_ticker(number, text, report))
    if len(text) > _lines._LONGEST_STRUCTURAL:
        return None
    if _lines.is_counterish(text):
        return _lines.CounterLine(number, text, _lines._read_counter(number, text, report))
    return reference_read_date(number, text, report)


def reference_read_date(number: int, text: str, report: Report) -> _lines.DateLine | None:
    if _lines._AMBIGUOUS.fullmatch(text):
        report.quoting(number, "ambiguous date, day and month order unknown", text)
        return _lines.DateLine(number, text, None)
    weekday = _lines._WEEKDAY.match(text)
    rest = text[weekday.end() :] if weekday and weekday.group(1).lower() in _lines._WEEKDAYS else text
    parts = _lines._date_parts(rest)
    if parts is None:
        return None
    try:
        date = dt.date(*parts)
    except ValueError:
        report.quoting(number, "no such date", text)
        return _lines.DateLine(number, text, None)
    if not _lines._EARLIEST <= date <= _lines._LATEST:
        report.quoting(number, f"edition date outside {_lines._EARLIEST.year}-{_lines._LATEST.year}", text)
        return _lines.DateLine(number, text, None)
    if rest is not text and weekday and _lines._WEEKDAYS[weekday.group(1).lower()] != date.weekday():
        report.quoting(number, "the weekday does not match the date", text)
    return _lines.DateLine(number, text, date)


LONG_DATES = st.builds(
    "{}{}{}{}{}{}{}{}".format,
    st.sampled_from(["", "Wednesday", "Wednesday.,", "Wed", "Septembers"]),
    st.sampled_from(["", " ", "   ", "\u3000\u3000\u3000"]),
    st.sampled_from(["05", "5", "2025"]),
    st.sampled_from([" ", "   ", "-"]),
    st.sampled_from(["September", "September.,", "Sept.", "Sep", "01"]),
    st.sampled_from([" ", "   ", "-"]),
    st.sampled_from(["2025", "05", "5"]),
    st.sampled_from(["", "x", " "]),
)


@DIFFERENTIAL
@given(LONG_DATES | st.text(ANY_CHAR, max_size=60))
def test_classify_is_the_reference(text: str) -> None:
    report, again = Report("p"), Report("p")
    assert _lines.classify(1, text, report) == reference_classify(1, text, again)
    assert report.problems == again.problems


def reference_tokenize(lines: list[str], ignored: set[int], report: Report) -> list[Token]:
    tokens: list[Token | list[tuple[int, str]]] = []
    block: list[tuple[int, str]] | None = None
    alone: list[int] = []  # lines of invisible characters only, since the last block
    for number, raw in enumerate(lines, 1):
        if number in ignored:
            alone += [] if block else [number]
            continue
        text = raw.strip()
        structural = reference_classify(number, text, report) if text else None
        if structural is not None or not text:
            block = None
            if structural is not None:
                tokens.append(structural)
                alone = []
            continue
        glued = _lines.glued_ticker(text)
        if block is None:
            if alone and number > alone[-1] + 1:
                tokens.append(Block(alone[0], "", alone[0], 0, True))
            alone = []
            block = []
            tokens.append(block)
        block.append((number, text[:glued].rstrip() if glued > 0 else text))
        if glued > 0:
            block = None
            tokens.append(_unglue(number, text[glued:], report))
    return [Block.of(token) if isinstance(token, list) else token for token in tokens]


def reference_pair_blocks(blocks: Iterable[Block], report: Report) -> list[_assemble.Pair]:
    blocks = list(blocks)
    pairs: list[_assemble.Pair] = []
    index = 0
    while index < len(blocks):
        block, following = blocks[index], reference_at(blocks, index + 1)
        if block.rejected:
            if following and not reference_title_without_paragraph(blocks, index):
                report.lines(
                    "paragraph of a title of invisible characters only, left out",
                    following.numbered(),
                    following.count,
                    following.last,
                )
                index += 1
            index += 1
            continue
        if following and following.rejected:
            blocks.pop(index + 1)
            continue
        if (
            not reference_title_like(block)
            or reference_sentence(block)
            and not reference_paragraph_like(following)
        ):
            _assemble._orphan(block, report)
            index += 1
        elif reference_title_without_paragraph(blocks, index):
            report.quoting(block.line, "title without a paragraph", block.text)
            pairs.append((block, None))
            index += 1
        else:
            pairs.append((block, following))
            index += 2
    return pairs


def reference_title_without_paragraph(blocks: list[Block], index: int) -> bool:
    following = reference_at(blocks, index + 1)
    return following is None or (
        not reference_paragraph_like(following) and reference_paragraph_like(reference_at(blocks, index + 2))
    )


def reference_at(blocks: list[Block], index: int) -> Block | None:
    return blocks[index] if index < len(blocks) else None


def reference_title_like(block: Block) -> bool:
    return block.rejected or _assemble.title_like(block)


def reference_sentence(block: Block) -> bool:
    return _assemble.sentence_like(block.text)


def reference_paragraph_like(block: Block | None) -> bool:
    if block is None or block.rejected:
        return False
    return not reference_title_like(block) or reference_sentence(block)


BLOCK_TEXTS = st.sampled_from(["A Title", "Ends.", "Ends…”", 'Quoted.)"', "Asks?", "", "x" * 300, "x" * 301])
BLOCKS = st.lists(st.lists(BLOCK_TEXTS | ANY_TEXT, min_size=1, max_size=3), max_size=8).map(
    lambda blocks: [Block.of(list(enumerate(texts, 1))) for texts in blocks]
)


@DIFFERENTIAL
@given(BLOCKS)
def test_pair_blocks_is_the_reference(blocks: list[Block]) -> None:
    report, again = Report("p"), Report("p")
    assert list(_assemble.pair_blocks(blocks, report)) == reference_pair_blocks(blocks, again)
    assert report.problems == again.problems


def reference_same(one: Rate, other: Rate) -> bool:
    return (str(one.value), str(one.change_percent), one.direction) == (
        str(other.value),
        str(other.change_percent),
        other.direction,
    )


DECIMALS = st.sampled_from(["1", "1.0", "0.00191", "-0", "0", "1E+1", "10"]).map(Decimal)
RATES = st.builds(
    Rate,
    st.just("KZT"),
    st.just("USD"),
    DECIMALS,
    DECIMALS,
    st.sampled_from(["up", "down", "flat", None]),
    st.just(dt.date(2025, 1, 5)),
)


@DIFFERENTIAL
@given(RATES, RATES, st.booleans())
def test_same_is_the_reference(one: Rate, other: Rate, share: bool) -> None:
    """Also with the Decimals of one Quote shared, as tokenize shares them."""
    if share:
        other = dataclasses.replace(other, value=one.value, change_percent=one.change_percent)
    assert _assemble._same(one, other) == reference_same(one, other)


class ReferenceAssembler(Assembler):
    def _rates(self, draft: Draft, date: dt.date) -> tuple[Rate, ...]:
        kept: dict[str, Rate] = {}
        for ticker in draft.tickers:
            if (q := ticker.quote) is None:
                continue
            rate = Rate(
                q.base, q.quote, q.value, q.change, q.direction, date, self.report.source, ticker.line
            )
            first = kept.setdefault(rate.pair, rate)
            if first is rate:
                self._check_earlier_page(rate, ticker.text)
            elif not reference_same(first, rate):
                self.report.problem(
                    ticker.line,
                    f"{rate.pair} quoted again with another rate, the first kept: {quote(ticker.text)}",
                    ticker.text,
                    kind="a pair quoted again with another rate, the first kept",
                )
                continue
            self.report.use(ticker.line)
        return tuple(kept.values())


def reference_parse(data: str | bytes) -> tuple[Dump, frozenset[int]]:
    """The parse of before the fast paths: the reference stages above, the unchanged ones between."""
    report = Report("p", track=True)
    lines = reference_visible_lines(data, report)
    ignored = {number for number, line in enumerate(lines, 1) if line is _decode.IGNORED}
    lines = ["" if number in ignored else line for number, line in enumerate(lines, 1)]
    report.last_line = last_nonblank(lines)
    assembler = ReferenceAssembler(report)
    with (
        mock.patch.object(_shortcodes, "normalize", reference_normalize),
        mock.patch.object(_assemble, "normalize", reference_normalize),
        mock.patch.object(_assemble, "slugify", reference_slugify),
        mock.patch.object(_assemble, "pair_blocks", reference_pair_blocks),
    ):
        tokens = reference_tokenize(lines, ignored, report)
        pages = [assembler.page(draft) for draft in paginate(tokens, report)]
        assembler.finish(pages)
    dump = Dump(report.source, tuple(pages), report.sorted_problems())
    if not dump.articles and not dump.rates:
        raise DumpError(_nothing(dump, report.total), source=report.source, line=_first_line(dump))
    return dump, frozenset(report.used)


def _first_line(dump: Dump) -> int:
    return dump.problems[0].line if dump.problems else 0


def comparable(parse: Any, data: str | bytes) -> object:
    """Everything a parse says, as plain values: the dump as JSON data, its problems, the used lines."""
    try:
        dump, used = parse(data)
    except DumpError as error:
        return ("DumpError", error.message, error.source, error.line)
    return dump_to_dict(dump), dump.problems, sorted(used)


def fast_parse(data: str | bytes) -> tuple[Dump, frozenset[int]]:
    return _parse(data, source="p")


@DIFFERENTIAL
@given(ANY_DUMP)
def test_parse_is_the_reference(data: str | bytes) -> None:
    assert comparable(fast_parse, data) == comparable(reference_parse, data)


@DIFFERENTIAL
@given(ANY_DUMP, st.integers(1, 64))
def test_parse_is_the_reference_whatever_the_pieces_it_reads(data: str | bytes, size: int) -> None:
    """Lines are read a piece at a time: a block, a ticker run or a CRLF across two pieces parse as
    if whole."""
    with mock.patch.object(_decode, "LINES_CHUNK", size):
        assert comparable(fast_parse, data) == comparable(reference_parse, data)


@pytest.mark.parametrize(
    "unit",
    [
        "ab\n",
        "ab\n\n",
        "\u200b\n",
        "\u200b\n\nab\n\n",
        "• KGS/USD = x 0%\n",
        "a\u202eb\n",
        "[gallery] a.\n\n",
    ],
)
def test_junk_parses_as_the_reference(unit: str) -> None:
    """More problems of a kind than are kept in full, grouped alike."""
    data = "05 January 2025\n\nA Title\n\nIts paragraph.\n\n" + unit * 40
    assert comparable(fast_parse, data) == comparable(reference_parse, data)


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 1000), st.integers(1, 40))
def test_generated_dumps_parse_as_the_reference(seed: int, articles: int) -> None:
    text = dumpgen.generate_dump(dt.date(2025, 1, 5), articles, seed=seed)
    assert comparable(fast_parse, text) == comparable(reference_parse, text)
    data = text.encode("utf-8")
    assert comparable(fast_parse, data) == comparable(reference_parse, data)


def test_parse_restores_the_garbage_collector() -> None:
    """Paused during a parse, running again after it, even after an error; left off if it was off."""
    assert gc.isenabled()
    seen: list[bool] = []

    def page(self: Assembler, draft: Draft) -> None:
        seen.append(gc.isenabled())
        raise DumpError("stop", source="p")

    with mock.patch.object(Assembler, "page", page), pytest.raises(DumpError):
        _parse("05 January 2025\n\nA title\n\nA paragraph.\n")
    assert seen == [False] and gc.isenabled()
    with pytest.raises(DumpError):
        _parse(b"\x00\x00\x00\x00")
    assert gc.isenabled()
    gc.disable()
    try:
        _parse("05 January 2025\n\nA title\n\nA paragraph.\n")
        assert not gc.isenabled()
    finally:
        gc.enable()


TICKER_LINES = st.sampled_from(
    [
        "  • KGS/USD = 0.01149 0%",
        "• KGS/USD = 0.01149 0%",
        "  • KGS/USD = 0.01150 +0.5%",
        "  • KZT/USD = 0.00191 0%",
        "  • KZT/USD =  0.00191 0%",
        "  • TJS/USD = 0.09217 ▲ -0.44%",
        "  • KZT/KZT = 1 0%",
        "  • kgs/usd = 1 0%",
        "",
        "Stray text",
        "A cut paragraph....• KGS/USD = 0.01149 0%",
    ]
)


@st.composite
def ticker_dumps(draw: st.DrawFn) -> str:
    """Pages whose tickers repeat a few blocks: runs met again, runs that conflict, runs undated."""
    blocks = draw(st.lists(st.lists(TICKER_LINES, max_size=8), min_size=1, max_size=3))
    pages = []
    for _ in range(draw(st.integers(1, 6))):
        head = draw(st.sampled_from(["05 January 2025", "06 January 2025", "", "Viewing results 1 - 1 of 2"]))
        body = draw(
            st.sampled_from(["A Title\n\nA paragraph.", "", "A Title\nA paragraph...", "• KZT/USD = 2 0%"])
        )
        pages.append("\n".join([*draw(st.sampled_from(blocks)), head, "", body, ""]))
    return "\n".join(pages)


@DIFFERENTIAL
@given(ticker_dumps())
def test_repeated_tickers_parse_as_the_reference(text: str) -> None:
    assert comparable(fast_parse, text) == comparable(reference_parse, text)


def test_the_last_paragraph_is_known_only_once_the_dump_is_read() -> None:
    """Read a piece at a time, a paragraph whose glued ticker is the last token of its piece looked
    like the dump's last, and cut mid-sentence, while more text followed in the next piece."""
    data = "05 January 2025\n\nTitle\n\nNo full stop • KZT/USD = 0.00191 0%\n\nMore text after it\n"
    with mock.patch.object(_decode, "LINES_CHUNK", 1):
        dump, _ = fast_parse(data)
        assert comparable(fast_parse, data) == comparable(reference_parse, data)
    assert not dump.articles[0].truncated
    assert "the dump ends mid-paragraph" not in " ".join(str(problem) for problem in dump.problems)
