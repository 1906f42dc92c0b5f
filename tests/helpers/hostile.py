"""Hostile dumps for the property, corpus, fuzz and CLI tests: generators, and one check of a whole
output folder by independent readers (lxml, RFC 4287 RELAX NG, feedparser, jsonschema, html5lib).

Budgets: ``HOSTILE_EXAMPLES`` (an environment variable, default 50) sets hypothesis' example count
for the whole-build properties, so ``HOSTILE_EXAMPLES=2000 pytest tests/test_hostile_properties.py``
runs a longer campaign without editing anything.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from lxml import etree

from centralasia_feed.errors import DumpError
from centralasia_feed.models import Dump

from .ledger import parse_with_ledger
from .render_checks import assert_atom_valid, assert_json_feed_valid, parse_feed, parse_html

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "50"))
BUILD_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
FEEDS = ("rss.xml", "atom.xml", "feed.json", "rates.json", "index.html")

HOSTILE_TEXT = [
    "<script>alert('x')</script>",
    "]]>",
    "]]]]><![CDATA[>",
    "<![CDATA[",
    "&amp;",
    "&",
    "&#0;",
    "&#x1F;",
    "&nbsp;",
    "&lt;b&gt;",
    '"double"',
    "'single'",
    "`back`",
    '<a href="javascript:alert(1)">x</a>',
    "<!--",
    "-->",
    "<?xml version='1.0'?>",
    "Қазақстан",
    "‏العربية‎",
    "עברית",
    "\u202eevil\u202c",
    "🐎",
    "👨‍👩‍👧",
    "🇰🇿",
    "\u2028",
    "\u2029",
    "\ufffe",
    "\uffff",
    "\x00",
    "\x07",
    "\x0b",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\x9f",
    "\ufeff",
    "\u00a0",
    "\u200b",
    "\ufdd0",
    "\U0001fffe",
    "\t",
    "...",
    "…",
    "[caption",
    "[caption]",
    '[caption id="attachment_1" align="alignleft" width="9"]',
    "[/caption]",
    '[caption id="attachment_x" width="-1"]<b>cap</b>[/caption]',
    "[embed]",
    "[/embed]",
    "[gallery ids=1,2]",
    "[sic]",
    "[",
    "]",
    "/]",
    "• KZT/USD = 0.00191 0%",
    "• KZT/USD =",
    "=",
    "%",
    "Viewing results 1 - 6 of 20",
    "05 January 2025",
]
TICKERS = [
    "• KGS/USD = 0.01149 0%",
    "  • KZT/USD = 0.00191 0%",
    "• TJS/USD = 0.09217 0.44%",
    "• UZS/USD = 0.00008 ▼ -0.5%",
    "• TMT/USD = 0.28615 +1.25%",
    "• EUR/USD = 1.04 ▲ 0.1%",
    "• KZT/USD 0.00191",
    "• TJS/USD = 0.09217",
    "• UZS/USD: 0.00008 0%",
    "• kgs/USD = 0.01149 0%",
    "• USD/USD = 1 0%",
    "• KZT/USD = -1 0%",
    "• KZT/USD = 0 0%",
    "• KZT/USD = 1e9999 0%",
    "• KZT/USD = NaN 0%",
    "• KZT/USD = 0.00191 ▲ -1%",
    "• KZT/USD = 0.00192 0%",
    "• KZT/USD = " + "9" * 40 + "." + "9" * 40 + " 0%",
    "• KZT/USD = 0.00191 " + "9" * 20 + "%",
    "• <b>/USD = 1 0%",
    "• KZT/USD = 0.00191 0%• KGS/USD = 0.01149 0%",
    "KZT/USD",
    "•",
]
DATES = [
    "05 January 2025",
    "06 January 2025",
    "January 7, 2025",
    "2025-01-08",
    "Monday, 6 January 2025",
    "01/05/2025",
    "31 February 2025",
    "0001-01-01",
    "9999-12-31",
]
COUNTERS = [
    "Viewing results 1 - 6 of 20",
    "Viewing results 1 - 1 of 1",
    "Viewing results 7 - 8 of 20",
    "Viewing results 3 - 1 of 2",
    "Viewing results 999999999 - 999999999 of 999999999",
    "Viewing results x",
]

PIECE = st.sampled_from(HOSTILE_TEXT) | st.text(max_size=12)
HOSTILE_STRING = st.lists(PIECE, max_size=8).map(" ".join)
HUGE = st.sampled_from([5000, 300, 301, 20_000]).map(lambda n: ("Long <title> & ]]> " * n)[:n])
TITLE = (HOSTILE_STRING | HUGE).map(lambda s: s.replace("\n", " ").replace("\r", " "))
PARAGRAPH = (
    st.lists(PIECE, min_size=1, max_size=12).map(" ".join) | HUGE | st.just("") | st.just("A plain sentence.")
).map(lambda s: s.replace("\n", " ").replace("\r", " ") + ".")
TICKER = st.sampled_from(TICKERS)


@st.composite
def page(draw: Any) -> list[str]:
    """One listing page: a ticker, a date, a counter, then titles and paragraphs, all hostile."""
    lines = draw(st.lists(TICKER, max_size=6))
    if draw(st.booleans()) or not lines:
        lines.append(draw(st.sampled_from(DATES)))
    if draw(st.booleans()):
        lines += ["", draw(st.sampled_from(COUNTERS))]
    for _ in range(draw(st.integers(0, 4))):
        lines += ["", draw(TITLE)]
        if draw(st.integers(0, 5)):
            lines += ["", draw(PARAGRAPH)]
    return lines


@st.composite
def dump_text(draw: Any) -> str:
    """One or more pages, sometimes with stray hostile lines and blank runs mixed in."""
    lines = [line for pages in draw(st.lists(page(), min_size=1, max_size=3)) for line in pages]
    for _ in range(draw(st.integers(0, 3))):
        lines.insert(draw(st.integers(0, len(lines))), draw(HOSTILE_STRING | TICKER))
    ending = draw(st.sampled_from(["\n", "", "\r\n", "\n\n"]))
    return draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines) + ending


ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]


@st.composite
def dump_bytes(draw: Any) -> bytes:
    """A dump encoded in some encoding (characters it cannot carry replaced), or random bytes."""
    text = draw(dump_text())
    encoding = draw(st.sampled_from(ENCODINGS))
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=2000))
    data = text.encode(encoding, errors="replace" if "utf" not in encoding else "surrogatepass")
    if draw(st.integers(0, 5)) == 0:  # a few random bytes sprinkled in
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=8)) + data[at:]
    return data


ANY_DUMP = dump_text() | dump_bytes()


def decoded_for_counting(data: str | bytes) -> str | None:
    """The text whose lines a dump's line numbers count, when the test can decode it on its own
    (str, or UTF-8 bytes with or without a BOM); None for other encodings."""
    if isinstance(data, str):
        return data
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        return data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError:
        return None


def assert_output_valid(folder: Path, *, entries: int | None = None) -> dict[str, Any]:
    """Every feed of a build folder read back by an independent parser; returns what they read.

    ``entries`` is the item count the article feeds must hold when the caller knows it.
    """
    read: dict[str, Any] = {}
    for name in ("rss.xml", "atom.xml"):
        data = (folder / name).read_bytes()
        etree.fromstring(data)  # well-formed, or lxml raises
        parsed = parse_feed(data)
        ids = [entry.id for entry in parsed.entries]
        assert len(ids) == len(set(ids)), f"{name}: ids repeat"
        if entries is not None:
            assert len(parsed.entries) == entries, name
        read[name] = parsed
    assert_atom_valid((folder / "atom.xml").read_bytes())
    for name in ("feed.json", "rates.json"):
        read[name] = assert_json_feed_valid((folder / name).read_bytes())
    if entries is not None:
        assert len(read["feed.json"]["items"]) == entries
    read["index.html"] = parse_html((folder / "index.html").read_bytes())
    for path in sorted((folder / "archive").glob("*.xml")) if (folder / "archive").is_dir() else ():
        parse_feed(path.read_bytes())
        if path.name.startswith("atom"):
            assert_atom_valid(path.read_bytes())
    return read


def split_lines(text: str) -> list[str]:
    """The lines as the issue counts them (LF, CRLF or CR ends), independently of the parser."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def assert_nothing_lost(data: str | bytes, source: str = "hostile") -> Dump | None:
    """Parse: a Dump or a DumpError, nothing else; for a Dump whose text the test can decode, every
    non-blank line is used by a value or named in a problem (or lies in the lines a group of them
    spans), and every problem line exists."""
    try:
        dump, used = parse_with_ledger(data, source=source)
    except DumpError as error:
        assert error.source == source and error.line >= 0
        return None
    text = decoded_for_counting(data)
    if text is not None:
        lines = split_lines(text)
        nonblank = {number for number, line in enumerate(lines, 1) if line.strip()}
        problems = {line for problem in dump.problems for line in range(problem.line, problem.last_line + 1)}
        assert nonblank - used - problems == set()
        assert used <= nonblank and problems <= set(range(1, len(lines) + 1))
    assert all(str(problem).startswith(f"{source}:{problem.line}: ") for problem in dump.problems)
    assert dump.articles or dump.rates
    return dump
