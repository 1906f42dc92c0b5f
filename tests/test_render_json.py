"""JSON Feed 1.1 of articles and of rates, validated by the JSON Feed 1.1 schema the tests carry
(tests/data/jsonfeed-1.1.schema.json, SchemaStore's; see tests/data/README.md)."""

from __future__ import annotations

import datetime as dt
import json

from helpers.render_checks import assert_json_feed_valid
from helpers.render_fixtures import CONFIG, rate, seed_articles, seed_entries, seed_rates, updated_entry

from centralasia_feed.config import FeedConfig
from centralasia_feed.models import entries_of
from centralasia_feed.render import render_json_feed, render_rates_feed


def test_article_feed_is_valid_and_names_itself():
    feed = assert_json_feed_valid(render_json_feed(seed_entries(), CONFIG))
    assert feed["feed_url"] == "http://127.0.0.1:8000/feed.json"
    assert feed["home_page_url"] == "https://timesca.com/"
    assert feed["language"] == "en"
    assert feed["authors"] == [{"name": "The Times of Central Asia", "url": "https://timesca.com/"}]
    assert list(feed)[0] == "version"


def test_items_carry_id_url_title_dates_and_html_in_the_given_order():
    articles = seed_articles()
    items = assert_json_feed_valid(render_json_feed(entries_of(articles), CONFIG))["items"]
    assert [item["id"] for item in items] == [f"tag:timesca.com,2025:article/{a.slug}" for a in articles]
    assert [item["url"] for item in items] == [f"https://timesca.com/{a.slug}/" for a in articles]
    assert [item["title"] for item in items] == [a.title for a in articles]
    assert items[0]["date_published"] == "2025-01-05T00:59:59+00:00"  # the edition's first hour
    assert items[5]["date_published"] == "2025-01-05T00:59:54+00:00"
    assert all("date_modified" not in item for item in items)


def test_truncated_items_have_a_plain_summary_and_a_read_more_link():
    items = assert_json_feed_valid(render_json_feed(seed_entries(), CONFIG))["items"]
    for item, article in zip(items, seed_articles(), strict=True):
        assert item["_centralasia_feed"]["truncated"] == article.truncated
        if article.truncated:
            assert item["summary"] == article.summary
            assert item["summary"].endswith("...")
            assert item["content_html"].endswith(f'<a href="{item["url"]}">Read more at timesca.com</a></p>')
        else:
            assert "summary" not in item
            assert "Read more" not in item["content_html"]


def test_figures_become_figure_elements_and_extension_data():
    item = assert_json_feed_valid(render_json_feed(seed_entries(), CONFIG))["items"][0]
    assert "<figure><figcaption>Image: Akorda</figcaption></figure>" in item["content_html"]
    assert "[caption" not in item["content_html"]
    figure = item["_centralasia_feed"]["figures"][0]
    assert figure == {"caption": "Image: Akorda", "attachment_id": 27253, "width": 750}


def test_date_modified_appears_only_when_the_text_changed():
    changed = updated_entry(seed_articles()[2], dt.date(2025, 1, 2))
    item = assert_json_feed_valid(render_json_feed([changed], CONFIG))["items"][0]
    assert item["date_published"] == "2025-01-02T00:59:57+00:00"
    assert item["date_modified"] == "2025-01-05T00:59:57+00:00"
    assert item["_centralasia_feed"]["first_edition"] == "2025-01-02"


def test_output_is_utf8_a_line_per_member_and_item_with_a_final_newline_and_deterministic():
    data = render_json_feed(seed_entries(), CONFIG)
    assert data == render_json_feed(seed_entries(), CONFIG)
    assert data.endswith(b"\n  ]\n}\n") and b'\n  "title": ' in data
    lines = data.decode().splitlines()
    items = lines[lines.index('  "items": [') + 1 : -2]
    assert [json.loads(line.rstrip(","))["id"] for line in items] == [
        item["id"] for item in json.loads(data)["items"]
    ]
    assert "Kazakhstan’s".encode() in data and b"\\u2019" not in data


def test_empty_feeds_are_valid():
    assert assert_json_feed_valid(render_json_feed([], CONFIG))["items"] == []
    assert assert_json_feed_valid(render_rates_feed([], CONFIG))["items"] == []


def test_rates_feed_has_one_item_per_date_newest_first():
    rates = seed_rates(dt.date(2025, 1, 4)) + seed_rates()
    feed = assert_json_feed_valid(render_rates_feed(rates, CONFIG))
    assert feed["feed_url"] == "http://127.0.0.1:8000/rates.json"
    titles = [item["title"] for item in feed["items"]]
    people = "1 USD = 87.03 KGS, 524 KZT, 10.85 TJS, 3.4947 TMT, 11,765–13,333 UZS"
    assert titles == [f"{people} on 5 January 2025", f"{people} on 4 January 2025"]
    first = feed["items"][0]
    assert first["id"] == "tag:timesca.com,2025:rates/2025-01-05"
    assert first["url"] == "http://127.0.0.1:8000/rates.html#2025-01-05"
    assert first["date_published"] == "2025-01-05T00:00:00+00:00"


def test_rates_extension_keeps_exact_decimals_sorted_by_pair():
    item = assert_json_feed_valid(render_rates_feed(seed_rates(), CONFIG))["items"][0]
    rows = item["_centralasia_feed"]["rates"]
    assert [row["base"] for row in rows] == ["KGS", "KZT", "TJS", "TMT", "UZS"]
    tjs = rows[2]
    assert tjs == {
        "base": "TJS",
        "quote": "USD",
        "value": "0.09217",
        "inverse": "10.8495",
        "change_percent": "0.44",
        "direction": None,
        "date": "2025-01-05",
        "change_percent_as_written": "0.44",
        "rate_type": "news-site ticker",
        "official": False,
        "provider": {"name": "The Times of Central Asia", "url": "https://timesca.com/"},
    }
    assert rows[4]["value"] == "0.00008" and rows[4]["inverse"] == "12500"


def test_rates_text_and_html_tables_lead_with_what_people_say_then_the_ticker():
    item = assert_json_feed_valid(render_rates_feed(seed_rates(), CONFIG))["items"][0]
    lines = item["content_text"].splitlines()
    assert lines[0].split() == ["Pair", "Rate", "Ticker", "Change"]
    assert [cell for cell in lines[2].split("  ") if cell][:3] == [
        "KZT/USD",
        "1 USD = 524 KZT",
        "1 KZT = 0.00191 USD",
    ]
    assert " ".join(lines[3].split()).endswith("1 TJS = 0.09217 USD 0.44% (direction unknown)")
    assert len({line.index("1 KGS") for line in lines[1:6] if "1 KGS" in line}) == 1
    assert "not an official rate" in lines[-1]
    html = item["content_html"]
    assert '<abbr title="Tajikistani somoni">TJS</abbr>/<abbr title="US dollar">USD</abbr>' in html
    assert "<td>1&nbsp;USD = 11,765–13,333&nbsp;UZS</td>" in html and "▬" in html


def test_rates_feed_keeps_at_most_limit_dates_and_each_pair_once_per_date():
    days = [dt.date(2025, 1, day) for day in range(1, 6)]
    rates = [r for day in days for r in seed_rates(day)] + [rate("KGS/USD", "9", "1", "up", days[-1])]
    feed = assert_json_feed_valid(render_rates_feed(rates, FeedConfig(limit=3)))
    assert [item["id"][-10:] for item in feed["items"]] == ["2025-01-05", "2025-01-04", "2025-01-03"]
    newest = feed["items"][0]["_centralasia_feed"]["rates"]
    assert len(newest) == 5 and newest[0]["value"] == "0.01149"


def test_a_zero_rate_has_no_inverse_instead_of_crashing():
    item = assert_json_feed_valid(render_rates_feed([rate("ABC/USD", "0", "0", None)], CONFIG))["items"][0]
    assert item["_centralasia_feed"]["rates"][0]["inverse"] is None
