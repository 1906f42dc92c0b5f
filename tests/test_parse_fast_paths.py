"""The parser's fast paths, each against the plain code it stands for, on arbitrary input.

A fast path lives in one leaf (a function, or a memo a stage can do without), and is compared here
with that leaf's plain reference, or with the parse with the fast path turned off. What a parse
returns is pinned by the other parse tests; nothing here is a second parser.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from unittest import mock

import pytest
from helpers.hostile import ANY_DUMP
from helpers.ledger import parse_with_ledger
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tools import dumpgen

from centralasia_feed._jsonable import dump_to_dict
from centralasia_feed.errors import DumpError
from centralasia_feed.parse import _dates, _decode, _encoding, _lines, _pairing, _slug, _spaces, _tickers
from centralasia_feed.parse._blocks import Block
from centralasia_feed.parse._lines import Tick, TickerLine
from centralasia_feed.parse._rates import Rates, same
from centralasia_feed.parse._report import Report
from centralasia_feed.parse._tokens import tokenize

DIFFERENTIAL = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
ANY_CHAR = st.characters(codec=None, exclude_categories=())
ANY_TEXT = st.text(ANY_CHAR, max_size=300)


def outcome(function: object, *args: object) -> object:
    """What a call returns, or the DumpError it raises as comparable values."""
    try:
        return function(*args)  # type: ignore[operator]
    except DumpError as error:
        return ("DumpError", error.message, error.source, error.line)


# Slugs: each character's piece and URL width, kept in tables that ``str.translate`` reads.

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
    """``slugify`` a character at a time, without its tables."""
    text = _slug._HTML_TAG.sub("", unicodedata.normalize("NFC", title))
    text = reference_cut(_slug._ENTITY.sub("", text))
    slug = "".join(_slug._slug_char(char) for char in text)
    slug = _slug._DASHES.sub("-", unicodedata.normalize("NFC", slug)).strip("-")
    if slug:
        return slug
    return "article-" + hashlib.sha1(title.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def reference_cut(text: str) -> str:
    used = 0
    for index, char in enumerate(text):
        used += _slug._width(char)
        if used > _slug._URL_LENGTH:
            return text[:index]
    return text


@DIFFERENTIAL
@given(TITLES)
def test_slugify_is_the_reference(title: str) -> None:
    assert _slug.slugify(title) == reference_slugify(title)


def test_slug_tables_stay_bounded() -> None:
    """Past the table's size a character is computed again, never stored: memory stays bounded."""
    with mock.patch.object(_slug, "_TABLE_SIZE", 0):
        table = _slug._Table(_slug._slug_char)
        assert "Dé".translate(table) == "de"
        assert len(table) == 0


# Decoding: bytes scanned for what needs a closer look, decoded and split a piece at a time.

# XML 1.0's Char production, and the bidi embeddings, overrides and isolates: written out here, not
# taken from the parser, so a change to either shows.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
CONTROLS = tuple(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r")


def reference_lines(data: str | bytes, report: Report) -> list[str]:
    """The dump's lines, made whole and then line by line, a line of invisible characters empty."""
    if isinstance(data, bytes | bytearray):
        text = _encoding.decode_whole(bytes(data), report)
    elif isinstance(data, str):
        text = data.removeprefix("\ufeff")
    else:
        raise TypeError(f"a dump is str or bytes, not {type(data).__name__}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reference_refuse_binary(text, report.source)
    lines = text.split("\n")
    if FORBIDDEN.search(text):
        lines = [
            removed(number, line, FORBIDDEN, "a character XML forbids", report)
            for number, line in enumerate(lines, 1)
        ]
    lines = [removed(number, line, BIDI, "a bidi control", report) for number, line in enumerate(lines, 1)]
    lines = [unicodedata.normalize("NFC", line) for line in lines]
    lines = _decode.visible("\n".join(lines), lines, report)
    return ["" if line is _decode.IGNORED else line for line in lines]


def removed(number: int, line: str, found: re.Pattern[str], what: str, report: Report) -> str:
    clean = found.sub("", line)
    for char in found.findall(line):
        report.problem(number, f"removed U+{ord(char):04X}, {what}", clean, kind=f"removed {what}")
    return clean


def reference_refuse_binary(text: str, source: str) -> None:
    if "\x00\x00\x00\x00" in text:
        raise DumpError("binary input: a run of NUL bytes", source=source)
    controls = sum(text.count(c) for c in CONTROLS)
    if controls > 8 and controls * 100 > len(text):
        raise DumpError(
            f"binary input: {controls} control characters in {len(text)} characters", source=source
        )


def decode_lines(data: str | bytes, report: Report) -> list[str]:
    """The lines ``decode`` gives, a line of invisible characters as an empty one (read again as
    not UTF-8 where a character cut in two says so, as a parse does)."""
    try:
        return read_lines(data, report, utf8=True)
    except _decode.NotUtf8:
        report.restart()
        return read_lines(data, report, utf8=False)


def read_lines(data: str | bytes, report: Report, *, utf8: bool) -> list[str]:
    chunks, _ = _decode.decode(data, report, utf8=utf8)
    return ["" if line is _decode.IGNORED else line for chunk in chunks for line in chunk]


def decoded(data: str | bytes, decode: object) -> object:
    report = Report("p")
    return outcome(decode, data, report), report.sorted_problems()


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
def test_decode_is_the_reference(data: str | bytes) -> None:
    assert decoded(data, decode_lines) == decoded(data, reference_lines)


@DIFFERENTIAL
@given(CONTROL_TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")), st.integers(1, 7))
def test_control_bytes_are_found_in_any_chunk(data: bytes, chunk: int) -> None:
    with mock.patch.object(_encoding, "_CHUNK", chunk):
        assert decoded(data, decode_lines) == decoded(data, reference_lines)


def printable_lines(data: str | bytes) -> object:
    """What ``decode``'s second value promises, computed line by line."""
    try:
        lines = decode_lines(data, Report("p"))
    except DumpError:
        return None
    return all(line.replace("\xa0", " ").isprintable() for line in lines)


def clean_utf8(data: str | bytes) -> bool:
    """UTF-8 bytes without a character XML forbids (which decode removes and reports)."""
    try:
        return isinstance(data, bytes) and not FORBIDDEN.search(data.decode("utf-8"))
    except UnicodeDecodeError:
        return False


@DIFFERENTIAL
@given(DECODE_INPUT | ANY_TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")), st.integers(1, 7))
def test_decode_says_printable_only_of_printable_lines(data: str | bytes, chunk: int) -> None:
    """Said only when true, and said of every clean UTF-8 dump without CR whose lines are printable
    (NBSPs aside), whatever the chunk size: chunks end between characters. (Not of a dump whose
    lines are printable only once invisible characters are trimmed off their ends.)"""
    with mock.patch.object(_encoding, "_CHUNK", chunk):
        said = outcome(_decode.decode, data, Report("p"))
    if isinstance(said, tuple) and said[0] != "DumpError":
        if said[1]:
            assert printable_lines(data)
        elif clean_utf8(data) and b"\r" not in data and not _decode._ANY_INVISIBLE.search(data.decode()):
            assert not printable_lines(data)


def test_generated_dumps_are_printable() -> None:
    text = dumpgen.generate_dump(dt.date(2025, 1, 5), 40, seed=3)
    assert _decode.decode(text.encode("utf-8"), Report("p"))[1]


# White space: collapsed by a few C passes, not a list of every word.

SPACES = st.text(st.sampled_from(" a\t\n\x0b\x1c\x85\xa0\u1680\u2000\u2028\u202f\u3000\u200b"), max_size=40)
RUNS = st.lists(st.sampled_from(["a", "b c", " ", "\xa0", "\t"]) | st.integers(1, 20).map(" ".__mul__)).map(
    "".join
)


def reference_normalize(text: str) -> str:
    return " ".join(text.split())


@DIFFERENTIAL
@given(ANY_TEXT | SPACES | RUNS)
def test_normalize_is_the_reference(text: str) -> None:
    assert _spaces.normalize(text) == reference_normalize(text)


@DIFFERENTIAL
@given(ANY_TEXT | SPACES | RUNS)
def test_normalize_printable_is_the_reference_for_printable_text(text: str) -> None:
    """``normalize_printable`` is only ever given text printable once its NBSPs are spaces."""
    if text.replace("\xa0", " ").isprintable():
        assert _spaces.normalize_printable(text) == reference_normalize(text)


def test_every_space_str_split_knows_is_unprintable() -> None:
    """What ``normalize_printable`` relies on, over all of Unicode."""
    spaces = [chr(code) for code in range(0x110000) if chr(code).isspace()]
    assert [char for char in spaces if char.isprintable()] == [" "]


# Lines: the quick refusals before the patterns.

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
def test_classify_is_the_same_without_its_quick_refusals(text: str) -> None:
    """A line with no slash or digit is text, and a line longer than any date is no date, without
    trying the patterns: the patterns say the same."""
    report, again = Report("p"), Report("p")
    read = _lines.classify(1, text, report)
    with (
        mock.patch.object(_lines, "_STRUCTURAL_SIGN", re.compile("")),
        mock.patch.object(_dates, "LONGEST_DATE", 10**9),
    ):
        assert read == _lines.classify(1, text, again)
    assert report.sorted_problems() == again.sorted_problems()


# Pairing: each block's shape worked out inline.


def reference_shape(block: Block) -> tuple[bool, bool]:
    """Whether a block looks like a title, and whether like a paragraph."""
    title = block.rejected or _pairing.title_like(block)
    return title, not block.rejected and (not title or _pairing.sentence_like(block.text))


BLOCK_TEXTS = st.sampled_from(
    [
        "A Title",
        "Ends.",
        "Ends…”",
        'Quoted.)"',
        "Asks?",
        "U.S. Talks.",
        "A Deal With the U.S.",
        "He met the U.S.",
        "• USD/KZT rose",
        "[gallery]",
        "x" * 301,
    ]
)
BLOCKS = st.lists(st.lists(BLOCK_TEXTS | ANY_TEXT, min_size=1, max_size=3), max_size=8).map(
    lambda blocks: (
        [Block(1, "\n".join(texts), len(texts), len(texts)) for texts in blocks] + [Block(1, "", 1, 0, True)]
    )
)


@DIFFERENTIAL
@given(BLOCKS)
def test_shapes_are_the_reference(blocks: list[Block]) -> None:
    assert [shape[1:] for shape in _pairing.shapes(blocks)] == [reference_shape(block) for block in blocks]


# Rates: a ticker run taken whole, and Ticks compared by identity first.

DECIMALS = st.sampled_from(["1", "1.0", "0.00191", "-0", "0", "1E+1", "10"]).map(Decimal)
TICKS = st.builds(
    Tick,
    st.sampled_from(["KZT", "KGS"]),
    st.just("USD"),
    DECIMALS,
    DECIMALS,
    st.sampled_from(["up", "down", "flat", None]),
    st.just(""),
).map(lambda tick: Tick(tick.base, tick.quote, tick.value, tick.change, tick.direction, f"{tick.base}/USD"))


def reference_same(one: Tick, other: Tick) -> bool:
    return (str(one.value), str(one.change), one.direction) == (
        str(other.value),
        str(other.change),
        other.direction,
    )


@DIFFERENTIAL
@given(TICKS, TICKS, st.booleans())
def test_same_is_the_reference(one: Tick, other: Tick, itself: bool) -> None:
    other = one if itself else other
    assert same(one, other) == reference_same(one, other)


def page_rates(tickers: list[TickerLine | _tickers.TickerRun]) -> object:
    report = Report("p")
    rates = Rates(report)
    earlier = rates.page(tickers, dt.date(2025, 1, 5))
    return earlier, rates.page(tickers, dt.date(2025, 1, 5)), report.sorted_problems()


@DIFFERENTIAL
@given(
    st.lists(TICKS, max_size=3),
    st.lists(TICKS, min_size=1, max_size=2, unique_by=lambda tick: tick.pair),
    st.lists(st.integers(0, 1), min_size=2, max_size=8),
)
def test_a_run_gives_the_rates_of_its_lines(before: list[Tick], pairs: list[Tick], order: list[int]) -> None:
    """Ticker lines, then a run (a pair's lines share one Tick, as in a run the memo learns): the
    same rates and problems as the run's lines one by one, on a first page and on a second."""
    run = [pairs[index % len(pairs)] for index in order]
    ticker = _tickers.learn([(f"{tick.pair} {tick.value}", tick.pair, tick) for tick in run])
    assert ticker is not None
    lines = [TickerLine(number, tick.pair, tick) for number, tick in enumerate(before, 1)]
    whole = _tickers.TickerRun(len(before) + 1, ticker)
    one_by_one = [TickerLine(number, text, tick) for number, text, tick in whole.lines()]
    assert page_rates([*lines, whole]) == page_rates([*lines, *one_by_one])


# The parse with its memo off, and read in pieces of any size.

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


def everything(data: str | bytes) -> object:
    """All a parse says, as plain values: the dump as JSON data, and the lines its values used."""
    try:
        dump, used = parse_with_ledger(data)
    except DumpError as error:
        return ("DumpError", error.message, error.source, error.line)
    return dump_to_dict(dump), sorted(used)


def plainly(data: str | bytes, piece: int) -> object:
    """``everything``, read in pieces of ``piece`` lines' worth, with the ticker memo off."""
    with (
        mock.patch.object(_decode, "LINES_CHUNK", piece),
        mock.patch.object(_tickers, "KNOWN_TEXTS", 0),
        mock.patch.object(_tickers, "KNOWN_RUNS", 0),
    ):
        return everything(data)


@DIFFERENTIAL
@given(ANY_DUMP | ticker_dumps(), st.integers(1, 64))
def test_the_parse_is_the_same_without_its_memo_in_pieces_of_any_size(data: str | bytes, piece: int) -> None:
    """A block, a ticker run or a CRLF across two pieces parse as if whole; a ticker known or
    taken as a run gives what its lines give one by one."""
    assert everything(data) == plainly(data, piece)


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
def test_junk_is_grouped_alike_in_pieces_of_any_size(unit: str) -> None:
    """More problems of a kind than are kept in full, met in another order, grouped alike."""
    data = "05 January 2025\n\nA Title\n\nIts paragraph.\n\n" + unit * 40
    assert everything(data) == plainly(data, 1) == plainly(data, 7)


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 1000), st.integers(1, 40))
def test_generated_dumps_parse_the_same_without_the_memo(seed: int, articles: int) -> None:
    text = dumpgen.generate_dump(dt.date(2025, 1, 5), articles, seed=seed)
    assert everything(text) == plainly(text, 1 << 16)
    assert everything(text.encode("utf-8")) == plainly(text.encode("utf-8"), 100)


def test_the_memo_takes_the_ticker_whole() -> None:
    """What the comparisons above rely on: a repeated ticker becomes one run, its Ticks shared."""
    ticker = "• KGS/USD = 0.01149 0%\n• KZT/USD = 0.00191 0%\n• KGS/USD = 0.01149 0%\n"
    lines = (ticker + "05 January 2025\n\nA Title\n\nText.\n\n") * 3
    tokens = list(tokenize(iter([lines.split("\n")]), Report("p")))
    runs = [token for token in tokens if isinstance(token, _tickers.TickerRun)]
    assert [(run.line, run.last) for run in runs] == [(10, 12), (19, 21)]
    ticks = [token.tick for token in tokens if isinstance(token, TickerLine)]
    assert ticks[0] is ticks[2] and ticks[0] is runs[0].ticker.ticks[0]


def test_the_last_paragraph_is_known_only_once_the_dump_is_read() -> None:
    """Read a piece at a time, a paragraph whose glued ticker is the last token of its piece looked
    like the dump's last, and cut mid-sentence, while more text followed in the next piece."""
    data = "05 January 2025\n\nTitle\n\nNo full stop • KZT/USD = 0.00191 0%\n\nMore text after it\n"
    with mock.patch.object(_decode, "LINES_CHUNK", 1):
        dump, _ = parse_with_ledger(data)
    assert not dump.articles[0].truncated
    assert "the dump ends mid-paragraph" not in " ".join(str(problem) for problem in dump.problems)


def test_parse_restores_the_garbage_collector() -> None:
    """Paused during a parse, running again after it, even after an error; left off if it was off."""
    assert gc.isenabled()
    seen: list[bool] = []

    def stop(chunks: object, report: Report) -> Iterator[object]:
        seen.append(gc.isenabled())
        raise DumpError("stop", source="p")

    with mock.patch("centralasia_feed.parse.tokenize", stop), pytest.raises(DumpError):
        parse_with_ledger("05 January 2025\n\nA title\n\nA paragraph.\n")
    assert seen == [False] and gc.isenabled()
    with pytest.raises(DumpError):
        parse_with_ledger(b"\x00\x00\x00\x00")
    assert gc.isenabled()
    gc.disable()
    try:
        parse_with_ledger("05 January 2025\n\nA title\n\nA paragraph.\n")
        assert not gc.isenabled()
    finally:
        gc.enable()
