"""Properties of parse_dump for any input: a Dump or a DumpError, never anything else, nothing lost."""

from __future__ import annotations

import codecs

from helpers.ledger import parse_with_ledger
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centralasia_feed.errors import DumpError
from centralasia_feed.models import Dump
from centralasia_feed.parse import parse_dump, slugify

FRAGMENTS = [
    "• KZT/USD = 0.00191 0%",
    "  • KGS/USD = 0.01149 0%",
    "  • KGS/USD = 0.01150 +0.5%",
    "TJS/USD = 0.09217 0.44%",
    "▪ EUR/USD = 1.04 ▼ 0.1%",
    "KZT/USD 0.00191",
    "• kzt/usd = 1 0%",
    "• KZT/USD = -1 0%",
    "• KZT/USD = 1e9999 0%",
    "• KZT/USD = 0.00191 ▲ -1%",
    "05 January 2025",
    "January 6, 2025",
    "Jan 7, 2025",
    "2025-01-08",
    "01/05/2025",
    "31 February 2025",
    "Monday, 5 January 2025",
    "Viewing results 1 - 6 of 20",
    "Viewing results 7 - 8 of 20",
    "Viewing results 3 - 1 of 2",
    "Viewing results x",
    "A Title",
    "Kazakhstan’s Future: Reforms?",
    "U.S. Talks.",
    "A paragraph.",
    "A cut paragraph...",
    "A wrapped",
    'Text [caption id="attachment_1" width="9"]Cap[/caption] …',
    "A cut paragraph....• KGS/USD = 0.01149 0%",
    "[caption",
    "[/caption]",
    "[embed a=1]x[/embed]",
    "\u00a0",
    "\x01 control",
    "x\ufffe",
    "\ud800",
    "\ufeff",
    "\u2028",
]
LINE = st.sampled_from(FRAGMENTS) | st.just("") | st.text(max_size=30)
DUMP_LIKE = st.lists(LINE, max_size=40).map("\n".join)
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
PROPERTIES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def split_lines(text: str) -> list[str]:
    """The lines as the issue counts them (LF, CRLF or CR ends), independently of the parser."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def nonblank_lines(text: str) -> set[int]:
    return {number for number, line in enumerate(split_lines(text), 1) if line.strip()}


def assert_nothing_lost(data: str | bytes, text: str) -> Dump | None:
    """Parse; when a Dump comes back, every non-blank line is used by a value or named in a problem
    (or lies in the lines a group of problems spans)."""
    try:
        dump, used = parse_with_ledger(data, source="p")
    except DumpError as error:
        assert error.source == "p" and error.line >= 0
        return None
    lines = nonblank_lines(text)
    problem_lines = {line for problem in dump.problems for line in range(problem.line, problem.last_line + 1)}
    assert lines - used - problem_lines == set()
    assert used <= lines and problem_lines <= set(range(1, len(split_lines(text)) + 1))
    assert {article.line for article in dump.articles} <= used
    assert {rate.line for page in dump.pages for rate in page.rates} <= used
    assert dump.articles or dump.rates
    return dump


@PROPERTIES
@given(ANY_TEXT)
def test_any_text_gives_a_dump_or_dump_error_and_loses_nothing(text: str) -> None:
    assert_nothing_lost(text, text)


@PROPERTIES
@given(DUMP_LIKE)
def test_dump_like_text_loses_nothing(text: str) -> None:
    dump = assert_nothing_lost(text, text)
    if dump is not None:
        assert all(str(problem).startswith(f"p:{problem.line}: ") for problem in dump.problems)
        assert all(article.slug and article.date for article in dump.articles)
        assert all(rate.value > 0 and len(rate.base) == len(rate.quote) == 3 for rate in dump.rates)


@PROPERTIES
@given(st.binary(max_size=300) | DUMP_LIKE.map(lambda text: text.encode("utf-8", "surrogatepass")))
def test_any_bytes_give_a_dump_or_dump_error(data: bytes) -> None:
    try:
        text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError:
        try:
            parse_dump(data)
        except DumpError:
            pass
        return
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        assert_nothing_lost(data, text)


@PROPERTIES
@given(DUMP_LIKE)
def test_strict_raises_at_the_first_problem(text: str) -> None:
    try:
        dump = parse_dump(text, source="p")
    except DumpError:
        dump = None
    try:
        strict = parse_dump(text, source="p", strict=True)
    except DumpError as error:
        if dump is not None:
            assert dump.problems, "strict raised on a dump without problems"
            first = dump.problems[0]
            assert (error.source, error.line, error.message) == (first.source, first.line, first.message)
        return
    assert dump is not None and dump.problems == () and strict == dump


@PROPERTIES
@given(DUMP_LIKE.filter(lambda text: "\ud800" not in text and "\r" not in text and text[:1] != "\ufeff"))
def test_bytes_bom_and_line_ends_do_not_change_values(text: str) -> None:
    variants: list[str | bytes] = [
        text.encode("utf-8"),
        codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8"),
        text.replace("\n", "\r"),
    ]
    try:
        dump = parse_dump(text)
    except DumpError as error:
        for variant in variants:
            try:
                parse_dump(variant)
            except DumpError as again:
                assert (again.message, again.line) == (error.message, error.line)
            else:
                raise AssertionError("a variant parsed where the text did not")
        return
    assert all(parse_dump(variant) == dump for variant in variants)


@PROPERTIES
@given(st.text(st.characters(codec=None, exclude_categories=()), max_size=80))
def test_slugs_are_never_empty_and_well_formed(title: str) -> None:
    slug = slugify(title)
    assert slug and slug == slugify(title)
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug
    assert slug == slug.lower() and not any(char.isspace() for char in slug)
