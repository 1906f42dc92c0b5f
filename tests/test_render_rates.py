"""The rates as people read them: quotes the region's way round with honest digits, one sign rule,
provenance, the Atom and per-pair feeds, the CSV, the rates page and charts a person can read.
Each output is read back by an independent parser (feedparser, the Atom RELAX NG schema, the JSON
Feed schema, csv, html5lib)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import feedparser
from helpers.render_checks import assert_atom_valid, assert_json_feed_valid, parse_html
from helpers.render_fixtures import CONFIG, rate, seed_rates
from hypothesis import given
from hypothesis import strategies as st

from centralasia_feed.render import (
    quotes,
    rates_csv,
    rates_page,
    render_rates_atom,
    render_rates_csv,
    render_rates_feed,
    render_rates_page,
)
from centralasia_feed.render.chart import chart_svg, gridlines
from centralasia_feed.render.html import STYLE
from centralasia_feed.render.rates import atom_bytes, json_bytes, pair_feed

SVG = "{http://www.w3.org/2000/svg}"
DAY = dt.date(2025, 1, 5)


def test_people_read_tenge_per_dollar_to_the_tickers_digits_beside_the_tickers_own_quote():
    kzt = rate("KZT/USD", "0.00191", "0.52", "down")
    assert quotes.lead(kzt) == "1 USD = 524 KZT"  # 523.56 claims two digits 0.00191 never had
    assert quotes.ticker(kzt) == "1 KZT = 0.00191 USD"
    assert quotes.headline(kzt) == "1 USD = 524 KZT (1 KZT = 0.00191 USD, -0.52%)"
    assert quotes.lead(rate("KGS/USD", "0.01150", "0", "flat")) == "1 USD = 86.96 KGS"  # four digits
    assert quotes.lead(rate("EUR/USD", "1.0350", "0", "flat")) == "1 EUR = 1.0350 USD"  # already above 1


def test_a_one_digit_quote_gives_the_range_it_allows_not_a_figure():
    uzs = rate("UZS/USD", "0.00008", "0", "flat")
    assert quotes.lead(uzs) == "1 USD = 11,765–13,333 UZS"
    note = quotes.precision_note(uzs)
    assert "one significant digit" in note and "0.000075 to 0.000085" in note
    assert uzs.inverse == Decimal(12500)  # the machine-readable field stays 1 / value


@given(
    digits=st.integers(min_value=1, max_value=9_999_999),
    exponent=st.integers(min_value=-12, max_value=3),
)
def test_a_derived_figure_never_has_more_significant_digits_than_the_quote(digits: int, exponent: int):
    value = Decimal(digits).scaleb(exponent)
    figure = quotes.inverse_figure(rate("ABC/USD", str(value), "0", "flat"))
    assert figure is not None
    written = len(value.as_tuple().digits)
    exact = 1 / value
    if written < quotes.RANGE_BELOW:
        low, high = (Decimal(end.replace(",", "")) for end in figure.split(quotes.RANGE_DASH))
        assert low <= exact * Decimal("1.001") and exact <= high * Decimal("1.001")  # 1 / value within
    else:
        shown = Decimal(figure.replace(",", ""))
        assert len(shown.normalize().as_tuple().digits) <= min(written, quotes.MOST_DIGITS)
        assert abs(shown - exact) <= exact * Decimal("0.006")  # rounded, not another number


def test_one_sign_rule_whether_the_ticker_or_history_gave_the_direction():
    said_by_ticker = rate("KZT/USD", "-0.52", "-0.52", "down")
    from_history = rate("KZT/USD", "0.53", "0.53", "down")
    assert said_by_ticker.signed_change == "-0.52" and from_history.signed_change == "-0.53"
    assert rate("KZT/USD", "1", "0.52", "up").signed_change == "+0.52"
    assert rate("KZT/USD", "1", "0", "flat").signed_change == "0"
    assert rate("KZT/USD", "1", "0.44", None).signed_change == "0.44"  # no direction: as written
    assert quotes.change(from_history) == "-0.53%"
    item = assert_json_feed_valid(render_rates_feed([from_history], CONFIG))["items"][0]
    fields = item["_centralasia_feed"]["rates"][0]
    assert fields["change_percent"] == "-0.53" and fields["change_percent_as_written"] == "0.53"
    assert "-0.53% ▼" in item["content_text"]


def test_every_rate_and_feed_says_it_is_the_sites_ticker_not_an_official_rate():
    feed = assert_json_feed_valid(render_rates_feed(seed_rates(), CONFIG))
    assert feed["_centralasia_feed"] == {
        "rate_type": "news-site ticker",
        "official": False,
        "provider": {"name": "The Times of Central Asia", "url": "https://timesca.com/"},
    }
    assert all(not row["official"] for row in feed["items"][0]["_centralasia_feed"]["rates"])
    assert "not an official rate" in feed["description"]
    atom = feedparser.parse(render_rates_atom(seed_rates(), CONFIG))
    assert "not an official rate" in atom.feed.subtitle


def two_days() -> list:
    return [*seed_rates(DAY - dt.timedelta(days=1)), *seed_rates()]


def test_rates_xml_holds_the_items_of_rates_json_in_atom():
    data = render_rates_atom(two_days(), CONFIG)
    assert_atom_valid(data)
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    assert parsed.feed.id == "tag:timesca.com,2025:feed/rates"
    json_items = assert_json_feed_valid(render_rates_feed(two_days(), CONFIG))["items"]
    assert [(e.id, e.title, e.link) for e in parsed.entries] == [
        (item["id"], item["title"], item["url"]) for item in json_items
    ]
    assert parsed.entries[0].link == "http://127.0.0.1:8000/rates.html#2025-01-05"


def test_a_pair_feed_has_a_day_an_item_and_ids_of_its_own():
    history = [
        rate("KZT/USD", "0.00191", "0", "flat", DAY),
        rate("KZT/USD", "0.00192", "0.52", "up", DAY.replace(day=6)),
    ]
    feed = pair_feed(history, CONFIG)
    assert feed is not None and feed.path == "rates/KZT-USD"
    document = assert_json_feed_valid(json_bytes(feed, CONFIG))
    assert document["feed_url"] == "http://127.0.0.1:8000/rates/KZT-USD.json"
    assert [item["title"] for item in document["items"]] == [
        "1 USD = 521 KZT (1 KZT = 0.00192 USD, +0.52%) on 6 January 2025",
        "1 USD = 524 KZT (1 KZT = 0.00191 USD, 0%) on 5 January 2025",
    ]
    atom = atom_bytes(feed, CONFIG)
    assert_atom_valid(atom)
    ids = [entry.id for entry in feedparser.parse(atom).entries]
    assert (
        ids
        == [item["id"] for item in document["items"]]
        == [
            "tag:timesca.com,2025:rates/KZT-USD/2025-01-06",
            "tag:timesca.com,2025:rates/KZT-USD/2025-01-05",
        ]
    )
    daily = {item["id"] for item in assert_json_feed_valid(render_rates_feed(history, CONFIG))["items"]}
    assert not daily & set(ids)
    assert pair_feed([rate("K&Z/USD", "1", "0", "flat")], CONFIG) is None  # no ISO code: no file name


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_the_csv_holds_every_rate_oldest_first_exact_and_signed():
    history = [*seed_rates(DAY), rate("KZT/USD", "0.00190", "0.53", "down", DAY.replace(day=6))]
    data = render_rates_csv(history)
    assert data == render_rates_csv(reversed(history))  # the order given does not matter
    assert data.startswith(b"date,base,quote,value,inverse,change_percent,direction\r\n")
    rows = csv_rows(data)
    assert [(row["date"], row["base"]) for row in rows] == [
        *(("2025-01-05", base) for base in ("KGS", "KZT", "TJS", "TMT", "UZS")),
        ("2025-01-06", "KZT"),
    ]
    assert rows[-1] == {
        "date": "2025-01-06",
        "base": "KZT",
        "quote": "USD",
        "value": "0.00190",
        "inverse": "526.316",
        "change_percent": "-0.53",
        "direction": "down",
    }
    assert rows[2]["change_percent"] == "0.44" and rows[2]["direction"] == ""


def test_a_zero_rate_has_an_empty_inverse_in_the_csv_instead_of_crashing():
    (row,) = csv_rows(render_rates_csv([rate("ABC/USD", "0", "0", None)]))
    assert row["value"] == "0" and row["inverse"] == ""


def test_a_daily_build_keeps_older_csv_rows_and_page_days_only_from_a_file_it_can_trust():
    history = [*seed_rates(DAY), rate("KZT/USD", "0.00190", "0.53", "down", DAY.replace(day=6))]
    data, page = render_rates_csv(history), render_rates_page(history, CONFIG)
    kept = rates_csv.kept_rows(data, DAY.replace(day=6))
    assert kept is not None and [row["date"] for row in csv_rows(kept)] == ["2025-01-05"] * 5
    days = rates_page.kept_days(page, DAY.replace(day=6))
    assert days is not None and days.count(rates_page.DAY_MARK) == 1 and b'id="2025-01-05"' in days
    assert rates_csv.kept_rows(data, DAY) == data[: data.index(b"\n") + 1]  # the header alone
    assert rates_page.kept_days(page, DAY) == b""
    untrusted_csvs = [None, b"", data[:-1], b"date,value\r\n" + data.partition(b"\n")[2]]
    assert [rates_csv.kept_rows(old, DAY) for old in untrusted_csvs] == [None] * 4
    start = f"\n{rates_page.DAYS_START}\n".encode()
    twice, no_days = page + start, page.replace(b"<tbody", b"<tr")  # its days marked twice; none
    untrusted_pages = [None, b"<html></html>", twice, no_days]
    assert [rates_page.kept_days(old, DAY.replace(day=6)) for old in untrusted_pages] == [None] * 4


def test_the_rates_page_has_every_day_newest_first_where_the_items_link():
    rates = two_days()
    page = render_rates_page(rates, CONFIG)
    doc = parse_html(page)
    days = [body.get("id") for body in doc.iter("tbody") if body.get("id")]
    assert days == ["2025-01-05", "2025-01-04"]
    for item in assert_json_feed_valid(render_rates_feed(rates, CONFIG))["items"]:
        assert item["url"].split("#")[1] in days
    text = "".join(doc.itertext())
    assert "1 USD = 524 KZT" in text.replace("\xa0", " ") and "not an official rate" in text
    assert not list(doc.iter("script"))


def history(values: list[str]) -> list:
    return [rate("KZT/USD", value, "0", None, DAY + dt.timedelta(days=i)) for i, value in enumerate(values)]


def chart(values: list[str]):
    svg = chart_svg(history(values), "c")
    return parse_html(f"<!DOCTYPE html><html lang=en><title>t</title>{svg}".encode()).find(f".//{SVG}svg")


def ys(svg) -> list[float]:
    return [float(point.split(",")[1]) for point in svg.find(f"{SVG}polyline").get("points").split()]


def test_a_chart_has_round_ticks_a_point_with_a_tooltip_per_day_and_the_latest_labelled():
    svg = chart(["0.00191", "0.00192", "0.00190"])
    texts = [(t.get("class"), t.text) for t in svg.iter(f"{SVG}text")]
    ticks = [Decimal(text) for kind, text in texts if kind == "tick" and re.fullmatch(r"[0-9.]+", text)]
    assert ticks == [Decimal("0.00189") + Decimal("0.00001") * i for i in range(5)]  # round, evenly
    assert ("tick", "5 Jan 2025") in texts and ("tick", "7 Jan 2025") in texts
    tips = [circle.find(f"{SVG}title").text for circle in svg.iter(f"{SVG}circle") if len(circle)]
    assert tips == [
        "5 January 2025: 1 KZT = 0.00191 USD (1 USD = 524 KZT), 0%",
        "6 January 2025: 1 KZT = 0.00192 USD (1 USD = 521 KZT), 0%",
        "7 January 2025: 1 KZT = 0.00190 USD (1 USD = 526 KZT), 0%",
    ]
    assert [text for kind, text in texts if kind == "value"] == ["0.00190"]  # the latest, labelled


def test_a_flat_series_is_a_level_line_with_one_value_labelled():
    svg = chart(["0.01149", "0.01149", "0.01149"])
    assert len(set(ys(svg))) == 1
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert labels.count("0.01149") == 1


def test_a_quarter_percent_move_is_a_small_step_not_a_cliff():
    svg = chart(["0.28615", "0.28540"])  # -0.26%
    top, bottom = min(ys(svg)), max(ys(svg))
    assert bottom - top < 0.25 * 126  # under a quarter of the plot's height
    assert any("apart" in (t.text or "") for t in svg.iter(f"{SVG}text"))  # the scale, in words
    assert gridlines(Decimal("0.28540"), Decimal("0.28615"))[-1] - gridlines(
        Decimal("0.28540"), Decimal("0.28615")
    )[0] >= Decimal("0.28") * Decimal("0.02")


def test_the_pages_follow_the_readers_colour_scheme():
    assert "prefers-color-scheme:dark" in STYLE and "color-scheme:light dark" in STYLE
