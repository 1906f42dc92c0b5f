"""The landing page (index.html): valid HTML5 (html5lib, strict), autodiscovery of every feed,
the articles, the latest rates and, with history, one SVG chart per pair."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from helpers.render_checks import parse_html
from helpers.render_fixtures import CONFIG, make_entry, rate, seed_articles, seed_entries, seed_rates

from centralasia_feed.config import FeedConfig
from centralasia_feed.render import render_landing

SVG = "{http://www.w3.org/2000/svg}"


def _history(days: int = 4) -> dict[str, list]:
    """Every seed pair over ``days`` days, rising by 1% a day, oldest first."""
    start = dt.date(2025, 1, 6 - days)
    return {
        r.pair: [
            rate(r.pair, str(r.value * (1 + Decimal(i) / 100)), "1", "up", start + dt.timedelta(days=i))
            for i in range(days)
        ]
        for r in seed_rates()
    }


def test_page_is_valid_html5_with_language_charset_and_viewport():
    data = render_landing(seed_entries(), seed_rates(), CONFIG)
    assert data.startswith(b"<!DOCTYPE html>\n")
    doc = parse_html(data)
    assert doc.get("lang") == "en"
    assert doc.find("head/meta[@charset]").get("charset") == "utf-8"
    assert "width=device-width" in doc.find("head/meta[@name='viewport']").get("content")
    assert not list(doc.iter("script"))


def test_page_names_every_feed_for_autodiscovery_relative_to_itself():
    history = {pair: rates for pair, rates in _history(2).items() if pair in ("KZT/USD", "UZS/USD")}
    doc = parse_html(render_landing(seed_entries(), seed_rates(), CONFIG, history=history))
    alternates = [link for link in doc.iter("link") if link.get("rel") == "alternate"]
    found = {link.get("href"): link.get("type") for link in alternates}
    assert found == {
        "rss.xml": "application/rss+xml",
        "atom.xml": "application/atom+xml",
        "feed.json": "application/feed+json",
        "rates.xml": "application/atom+xml",
        "rates.json": "application/feed+json",
        "rates/KZT-USD.xml": "application/atom+xml",
        "rates/KZT-USD.json": "application/feed+json",
        "rates/UZS-USD.xml": "application/atom+xml",
        "rates/UZS-USD.json": "application/feed+json",
    }
    assert all(link.get("title") for link in alternates)
    subscribe = {a.get("href") for a in doc.iter("a")}
    assert set(found) <= subscribe


def test_articles_are_listed_in_order_linked_to_the_source_with_excerpt_marks():
    doc = parse_html(render_landing(seed_entries(), seed_rates(), CONFIG))
    headings = [h.find("a") for h in doc.iter("h3") if h.find("a") is not None]
    assert [a.text for a in headings] == [a.title for a in seed_articles()]
    assert headings[0].get("href") == f"https://timesca.com/{seed_articles()[0].slug}/"
    marks = [span for span in doc.iter("span") if span.get("class") == "mark"]
    assert len(marks) == 4 and {m.text for m in marks} == {"excerpt"}
    assert doc.find(".//time").get("datetime") == "2025-01-05"
    assert doc.find(".//time").text == "5 January 2025"


def test_latest_rates_table_has_pairs_values_and_direction_arrows():
    older = [rate("KGS/USD", "0.5", "2", "down", dt.date(2025, 1, 1))]
    doc = parse_html(render_landing(seed_entries(), [*older, *seed_rates()], CONFIG))
    rows = doc.findall(".//table/tbody/tr")
    assert ["".join(row.find("th").itertext()) for row in rows] == [
        "KGS/USD",
        "KZT/USD",
        "TJS/USD",
        "TMT/USD",
        "UZS/USD",
    ]
    cells = ["".join(td.itertext()).replace("\xa0", " ") for td in rows[2].findall("td")]
    assert cells == ["1 USD = 10.85 TJS", "1 TJS = 0.09217 USD", "0.44% ?"]
    assert "".join(rows[0].findall("td")[2].itertext()) == "0% ▬"
    assert doc.find(".//section[@aria-labelledby='rates']/h2").text == "Exchange rates, 5 January 2025"
    links = {a.get("href") for a in doc.iter("a")}
    assert {"rates.html", "rates.csv"} <= links
    assert "not an official rate" in "".join(doc.find(".//section[@aria-labelledby='rates']").itertext())


def test_no_charts_without_history_and_one_per_pair_with_it():
    plain = parse_html(render_landing(seed_entries(), seed_rates(), CONFIG))
    assert not list(plain.iter(f"{SVG}svg"))
    single = parse_html(render_landing(seed_entries(), seed_rates(), CONFIG, history=_history(1)))
    assert not list(single.iter(f"{SVG}svg"))
    doc = parse_html(render_landing(seed_entries(), seed_rates(), CONFIG, history=_history(4)))
    charts = list(doc.iter(f"{SVG}svg"))
    assert len(charts) == 5
    first = charts[0]
    assert first.get("role") == "img" and first.get("class") == "chart"
    title = first.find(f"{SVG}title").text
    assert title.startswith("KGS/USD, 1 KGS in USD, from 2 January 2025 to 5 January 2025: lowest 0.01149")
    points = first.find(f"{SVG}polyline").get("points").split()
    assert len(points) == 4
    ys = [float(point.split(",")[1]) for point in points]
    assert ys == sorted(ys, reverse=True)  # rising values are drawn higher up (smaller y)
    labels = [t.text for t in first.iter(f"{SVG}text")]
    assert "2 Jan 2025" in labels and "5 Jan 2025" in labels


def test_the_rates_page_link_promises_charts_only_where_there_are_some():
    def link(history: dict[str, list]) -> str:
        doc = parse_html(render_landing(seed_entries(), seed_rates(), CONFIG, history=history))
        (found,) = [a.text for a in doc.iter("a") if a.get("href") == "rates.html"]
        return found

    assert link(_history(1)) == "Every day since the first"
    assert link(_history(4)) == "Every day since the first, with charts"


def test_a_flat_history_draws_a_level_line():
    flat = {"KGS/USD": [rate("KGS/USD", "0.01149", "0", "flat", dt.date(2025, 1, d)) for d in (1, 3)]}
    doc = parse_html(render_landing([], seed_rates(), CONFIG, history=flat))
    points = next(doc.iter(f"{SVG}polyline")).get("points").split()
    assert len({point.split(",")[1] for point in points}) == 1


def test_empty_page_is_still_valid():
    doc = parse_html(render_landing([], [], CONFIG))
    assert "No articles yet." in "".join(doc.itertext())
    assert "No exchange rates yet." in "".join(doc.itertext())


def test_every_text_is_escaped():
    hostile = make_entry('<script>alert("x")</script> & </h3>', "x")
    config = FeedConfig(title='Feeds <b>"bold"</b> & co')
    data = render_landing([hostile], seed_rates(), config)
    doc = parse_html(data)
    assert not list(doc.iter("script")) and not list(doc.iter("b"))
    assert doc.find("head/title").text == 'Feeds <b>"bold"</b> & co'
    assert [h.find("a").text for h in doc.iter("h3")] == ['<script>alert("x")</script> & </h3>']


def test_rendering_twice_gives_identical_bytes():
    history = _history(5)
    assert render_landing(seed_entries(), seed_rates(), CONFIG, history=history) == render_landing(
        seed_entries(), seed_rates(), CONFIG, history=history
    )


def test_the_page_shows_the_opening_of_long_excerpts_cut_at_a_word():
    from centralasia_feed.render.landing import TEASER, teaser

    assert teaser("Short and whole.") == "Short and whole."
    long = "word " * 200
    opening = teaser(long.strip())
    assert opening.endswith(" …") and len(opening) <= TEASER + 2
    assert opening[:-2].split(" ") == ["word"] * len(opening[:-2].split(" "))
    page = parse_html(render_landing(seed_entries(), seed_rates(), CONFIG))
    texts = [p.text for p in page.iter("p") if p.text and p.text.startswith("In an interview")]
    assert texts and all(len(text) <= TEASER + 2 for text in texts)
