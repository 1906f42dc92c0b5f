"""The dump generator writes the site's format, deterministically, with the variety real dumps have."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from helpers.paths import SEED
from tools import dumpgen, dumpwords

from centralasia_feed import parse_dump

DAY = dt.date(2025, 1, 5)


@pytest.fixture(scope="module")
def days() -> list[tuple[dt.date, str]]:
    return list(dumpgen.generate_days(400, 20, seed=11))


def test_same_seed_same_text_other_seed_other_text() -> None:
    first = list(dumpgen.generate_days(60, 5, seed=3))
    assert first == list(dumpgen.generate_days(60, 5, seed=3))
    assert first != list(dumpgen.generate_days(60, 5, seed=4))


def test_ticker_date_and_counter_lay_out_like_the_seed() -> None:
    seed_lines = SEED.read_text(encoding="utf-8").split("\n")
    lines = dumpgen.generate_dump(DAY, 6, seed=1, total=20).split("\n")
    assert lines[:44] == seed_lines[:40] + ["05 January 2025", "", "Viewing results 1 - 6 of 20", ""]
    assert len(lines) == len(seed_lines)
    assert [line == "" for line in lines[44:]] == [line == "" for line in seed_lines[44:]]


def test_no_final_newline_and_pages_of_six_each_with_its_ticker() -> None:
    text = dumpgen.generate_dump(DAY, 13, seed=1, start=6)
    counters = [line for line in text.split("\n") if line.startswith("Viewing")]
    assert counters == [f"Viewing results {a} - {b} of 19" for a, b in ((7, 12), (13, 18), (19, 19))]
    assert text.count("KGS/USD = ") == 3 * dumpgen.TICKER_REPEATS
    assert text.startswith("\u2022 KGS/USD") and "\n  \u2022 KGS/USD" in text
    assert not text.endswith("\n")


def test_word_lists_have_no_duplicates() -> None:
    for names in (dumpwords.ACTORS, dumpwords.TOPICS, dumpwords.PLACES):
        assert len(set(names)) == len(names)


def test_titles_and_slugs_never_collide_even_past_the_word_slots() -> None:
    numbers = itertools.chain(range(3000), range(175_000, 179_000))
    slugs = [dumpgen.slugify(dumpgen.title(n, seed=2)) for n in numbers]
    assert len(set(slugs)) == len(slugs)


def test_titles_vary_in_punctuation() -> None:
    titles = [dumpgen.title(n, seed=2) for n in range(300)]
    for mark in ("\u2019", ":", "?", "&"):
        assert any(mark in title for title in titles), mark
    assert any(any(ch.isdigit() for ch in title) for title in titles)


def test_paragraphs_are_seed_sized_with_cut_and_whole_excerpts() -> None:
    paragraphs = [dumpgen.paragraph(n, seed=2) for n in range(600)]
    assert all(1500 <= len(p.encode()) <= 4700 for p in paragraphs)
    cut = [p for p in paragraphs if p.endswith(("...", "\u2026"))]
    assert 0.5 < len(cut) / len(paragraphs) < 0.8
    assert all(p.endswith(".") for p in paragraphs if p not in cut)
    assert any(p.endswith("\u2026") for p in cut) and any(p.endswith("....") for p in cut)


def test_some_paragraphs_carry_a_caption_shortcode_or_a_no_break_space() -> None:
    paragraphs = [dumpgen.paragraph(n, seed=2) for n in range(300)]
    captions = [p for p in paragraphs if '[caption id="attachment_' in p]
    assert 20 < len(captions) < 120 and all("[/caption]" in p for p in captions)
    assert 10 < sum("\u00a0" in p for p in paragraphs) < 60


def test_backfill_days_are_consecutive_and_count_every_article_once(days: list[tuple[dt.date, str]]) -> None:
    dates = [day for day, _ in days]
    assert dates == [dumpgen.FIRST_DAY + dt.timedelta(days=i) for i in range(20)]
    titles = {line for _, text in days for line in _titles(text)}
    assert len(titles) == 400


def test_yesterdays_top_articles_appear_lower_today(days: list[tuple[dt.date, str]]) -> None:
    for (_, yesterday), (_, today) in itertools.pairwise(days):
        old, new = _titles(yesterday), _titles(today)
        shared = [title for title in new if title in old]
        assert shared and shared == old[: len(shared)]
        assert new.index(shared[0]) > 0


def test_rates_move_with_signed_and_unsigned_changes(days: list[tuple[dt.date, str]]) -> None:
    tickers = [{line.strip() for line in text.split("\n") if "/USD = " in line} for _, text in days]
    assert all(len(ticker) == 5 for ticker in tickers)
    assert len({frozenset(ticker) for ticker in tickers}) > 10
    changes = [line.rsplit(" ", 1)[1] for ticker in tickers for line in ticker]
    assert any(c[0] in "+-" for c in changes) and any(c[0].isdigit() and c != "0%" for c in changes)


def _titles(text: str) -> list[str]:
    """Every line that follows a counter's or a paragraph's blank line and precedes a paragraph."""
    lines = text.split("\n")
    return [lines[i] for i in range(len(lines) - 2) if lines[i + 1] == "" and len(lines[i + 2]) > 1000]


def test_generated_dumps_parse_with_no_problems(days: list[tuple[dt.date, str]]) -> None:
    for day, text in days[:5]:
        dump = parse_dump(text, source=f"{day}.txt")
        assert dump.problems == ()
        assert [a.title for a in dump.articles] == _titles(text)
        assert {p.date for p in dump.pages} == {day} and len(dump.rates) == 5
        assert len({a.slug for a in dump.articles}) == len(dump.articles)
