"""The renderer's text rules, wherever they live: cleaning (``_chars``), one-line text (``safe``),
excerpts, slugs and de-duplication (``items``), dates (``dates``), error wrapping (``xml``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import hypothesis.strategies as st
import pytest
from helpers.render_fixtures import CONFIG, make_article, seed_articles
from hypothesis import example, given

from centralasia_feed._chars import clean
from centralasia_feed.config import FeedConfig
from centralasia_feed.errors import RenderError
from centralasia_feed.models import Entry, Stamp, entries_of
from centralasia_feed.render import dates, items, safe, xml
from centralasia_feed.render.items import prepare


def test_clean_drops_what_xml_forbids_and_keeps_the_rest():
    kept = "tab\t nl\n cr\r é Қ 🐎 \u2028 \ue000"
    assert clean("\x00a\x08\x0b\x0c\x1f\x7f\x85\ufdd0\ufffe\uffff\ud800\U0001fffe" + kept) == "a" + kept


# The rule as first written: one class of every character to drop, astral noncharacters one by one.
_ASTRAL_NONCHARACTERS = "".join(chr(p << 16 | 0xFFFE) + chr(p << 16 | 0xFFFF) for p in range(1, 17))
_REFERENCE = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff{_ASTRAL_NONCHARACTERS}]"
)
# Each side of every boundary of the rule, and of the shortcuts' byte and category tests.
_EDGE_POINTS = (0, 8, 9, 10, 11, 13, 14, 31, 32, 126, 127, 128, 159, 160, 191, 192, 0x7FF, 0x800)
_EDGE_POINTS += (0xD7FF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000, 0xEFFF, 0xF000, 0xFDCF, 0xFDD0, 0xFDEF)
_EDGE_POINTS += (
    0xFDF0,
    0xFEFF,
    0xFFFD,
    0xFFFE,
    0xFFFF,
    0x10000,
    0x1FFFD,
    0x1FFFE,
    0x1FFFF,
    0x10FFFE,
    0x10FFFF,
)
_EDGES = [chr(c) for c in _EDGE_POINTS]
_PLAIN = ["a", " ", "\u2019", "\u2026", "\u00e9", "\u049b", "\U0001f40e"]


@given(
    st.one_of(
        st.lists(st.one_of(st.characters(), st.sampled_from(_EDGES), st.text(max_size=5))).map("".join),
        st.text(alphabet=st.sampled_from(_PLAIN + _EDGES)),
    )
)
@example("a\U0001fffeb")
@example("\u2028 \ufdd0")
def test_clean_drops_exactly_what_the_reference_pattern_drops(text_):
    assert clean(text_) == _REFERENCE.sub("", text_)


@pytest.mark.parametrize("edge", _EDGES, ids=[f"U+{c:04X}" for c in _EDGE_POINTS])
@pytest.mark.parametrize("context", ["", "ascii text ", "curly \u2019 ", "long \u2026 " * 200])
def test_clean_agrees_with_the_reference_on_each_edge_in_plain_text(edge, context):
    for text_ in (edge, context + edge, edge + context, context + edge + context):
        assert clean(text_) == _REFERENCE.sub("", text_)


def test_line_joins_white_space_including_line_separators():
    assert safe.line(" a\u2028b\n\tc\u2029 ") == "a b c"


def test_a_truncated_excerpt_always_ends_in_an_ellipsis():
    assert items.excerpt("Cut here...", truncated=True) == "Cut here..."
    assert items.excerpt("Cut here", truncated=True) == "Cut here …"
    assert items.excerpt("Cut here…", truncated=True) == "Cut here…"
    assert items.excerpt("", truncated=True) == "…"
    assert items.excerpt("Whole.", truncated=False) == "Whole."


def test_body_html_escapes_text_and_links_truncated_excerpts_to_the_source():
    article = dataclasses.replace(make_article("T", "a-b"), summary='<b>"x"</b> & y...')
    html = prepare(entries_of([article]), CONFIG)[0].html
    assert html.startswith("<p>&lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; y...</p>")
    assert html.endswith('<p><a href="https://timesca.com/a-b/">Read more at timesca.com</a></p>')


def test_entries_are_rendered_once_per_slug_the_first_in_order():
    a, b, c = seed_articles()[:3]
    repeated = dataclasses.replace(a, title="Retold")
    result = items.unique([*entries_of([b, a]), Entry.first_seen(repeated), *entries_of([c])])
    assert [e.slug for e in result] == [b.slug, a.slug, c.slug]
    assert result[1].article.title == a.title


def test_slug_part_leaves_wordpress_slugs_alone_and_quotes_anything_else():
    assert items.slug_part("us-ambassador-to-kazakhstan") == "us-ambassador-to-kazakhstan"
    assert items.slug_part("a b/c?d") == "a%20b%2Fc%3Fd"
    assert items.slug_part("қазақ") == "%D2%9B%D0%B0%D0%B7%D0%B0%D2%9B"


def test_long_date_has_no_leading_zero_and_english_month():
    assert dates.long_date(dt.date(2025, 1, 5)) == "5 January 2025"
    assert dates.long_date(dt.date(2024, 12, 31)) == "31 December 2024"


@pytest.mark.parametrize(
    "id_date, zone, expected",
    [
        ("2025", "UTC", "2025-01-01T00:00:00+00:00"),
        ("2024-06", "UTC", "2024-06-01T00:00:00+00:00"),
        ("2023-02-03", "Asia/Tashkent", "2023-02-03T00:00:00+05:00"),
    ],
)
def test_an_empty_feed_is_dated_at_the_first_moment_of_id_date(id_date, zone, expected):
    config = FeedConfig(id_date=id_date, timezone=zone)
    assert dates.feed_updated((), config).isoformat() == expected


def test_field_turns_bare_value_errors_into_render_errors_and_chains_them():
    with pytest.raises(RenderError, match="cannot render the title: bad") as caught:
        with xml.field("the title"):
            raise ValueError("bad")
    assert isinstance(caught.value.__cause__, ValueError)
    assert (caught.value.field, caught.value.message) == ("the title", "bad")
    with pytest.raises(TypeError):
        with xml.field("the title"):
            raise TypeError("not ours to wrap")


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tashkent", "America/New_York", "Australia/Lord_Howe"])
def test_item_times_are_the_stamps_times_across_days_ranks_and_clock_changes(zone):
    config = FeedConfig(timezone=zone)
    days = [dt.date(2024, 3, 9) + dt.timedelta(days=n) for n in range(3)]  # New York springs forward
    days += [dt.date(2024, 11, 2) + dt.timedelta(days=n) for n in range(3)]  # and falls back
    stamps = [Stamp(day, rank) for day in days for rank in (0, 1, 3599, 3600, 86_399, 86_400, 10**9)]
    entries = [
        Entry(dataclasses.replace(make_article("T"), slug=f"s{n}"), stamp, stamps[n - 1])
        for n, stamp in enumerate(stamps)
    ]
    for item, entry in zip(prepare(entries, config), entries, strict=True):
        assert item.published == entry.published.time(config.tz)
        assert item.updated == entry.updated.time(config.tz)
        assert item.published.isoformat() == entry.published.time(config.tz).isoformat()


EDGE_DAYS = {
    "UTC": dt.date(2025, 1, 5),
    "Asia/Almaty": dt.date(2025, 1, 5),
    "America/New_York": dt.date(2024, 3, 10),  # springs forward at 02:00
    "Australia/Lord_Howe": dt.date(2024, 10, 6),  # springs forward half an hour at 02:00
    "America/Havana": dt.date(2024, 3, 10),  # skips its midnight: the day starts at 01:00
    "America/St_Johns": dt.date(1990, 10, 28),  # falls back at 00:01 to 23:01: midnight comes twice
}


@pytest.mark.parametrize(("zone", "day"), EDGE_DAYS.items())
def test_an_edition_is_dated_in_its_first_hour_on_its_own_date_top_of_the_listing_newest(zone, day):
    """Readers in the feed's zone show every item on its edition's date (issue 15): rank 0 at
    00:59:59, one second earlier per rank, and ranks past the hour sharing its first second."""
    tz = FeedConfig(timezone=zone).tz
    ranks = (0, 1, 2, 1800, 3598, 3599, 3600, 86_400, 10**9)
    times = {rank: Stamp(day, rank).time(tz) for rank in ranks}
    start = Stamp(day).midnight(tz)
    assert {rank: when.date() for rank, when in times.items()} == dict.fromkeys(ranks, day)
    assert {when.tzinfo for when in times.values()} == {tz}
    seconds = {rank: (when - start).total_seconds() for rank, when in times.items()}
    assert seconds == {0: 3599, 1: 3598, 2: 3597, 1800: 1799, 3598: 1, 3599: 0, 3600: 0, 86_400: 0, 10**9: 0}

    before = Stamp(day - dt.timedelta(days=1), 10**9).time(tz)
    assert (before.date(), before < start) == (day - dt.timedelta(days=1), True)
    if zone == "UTC":
        assert times[0].isoformat() == "2025-01-05T00:59:59+00:00"
        assert times[3600].isoformat() == "2025-01-05T00:00:00+00:00"


@pytest.mark.parametrize(
    "line",
    ["Plain title", "", " ", "  lead", "trail ", "two  spaces", "tab\there", "a\u2028b", "a\x85b", "a\xa0b"],
)
def test_line_takes_its_shortcut_only_where_split_and_join_change_nothing(line):
    assert safe.line(line) == " ".join(clean(line).split())


@given(st.text(alphabet=st.sampled_from(" \t\n\xa0\x85\u2028\u3000\x01ab\u2019"), max_size=12))
def test_line_is_clean_split_and_joined(line):
    assert safe.line(line) == " ".join(clean(line).split())
