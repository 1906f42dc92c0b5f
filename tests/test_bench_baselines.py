"""The benchmark's baselines make what ours makes, so its ratios compare the same work: a render
baseline that drifted (a column dropped, a wrapper left out) would flatter us, and a parse baseline
that built fewer values than ours returns, or more, would misstate the least a parser can cost."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from tools import dumpgen

from benchmarks import baselines, items
from centralasia_feed.config import FeedConfig
from centralasia_feed.models import Dump
from centralasia_feed.parse import parse_dump
from centralasia_feed.pipeline import build
from centralasia_feed.render import render_atom, render_json_feed, render_rates_feed, render_rss

CONFIG = FeedConfig(limit=120)
ENTRIES = items.entries(120, seed=3)
# Ours names itself and writes & and < in plain text as references (text.write_references);
# feedgen's syndication extension capitalises the names of the sy: elements.
_GENERATOR = re.compile(r"<generator[^>]*>[^<]*</generator>")
_REFERENCES = {"&#x26;": "&amp;", "&#x3C;": "&lt;", "sy:Update": "sy:update"}


def _comparable(document: bytes) -> list[str]:
    text = _GENERATOR.sub("<generator/>", document.decode())
    for reference, entity in _REFERENCES.items():
        text = text.replace(reference, entity)
    return text.splitlines()


@pytest.mark.parametrize(
    ("ours", "plain"),
    [
        (render_rss, baselines.rss),
        (render_rss, baselines.feedgen_rss),
        (render_atom, baselines.atom),
        (render_atom, baselines.feedgen_atom),
    ],
)
def test_xml_baselines_write_our_document_line_for_line(
    ours: Callable[..., bytes], plain: Callable[..., bytes]
) -> None:
    mine, theirs = _comparable(ours(ENTRIES, CONFIG)), _comparable(plain(ENTRIES, CONFIG))
    assert sum(line.strip() in ("<item>", "<entry>") for line in mine) == len(ENTRIES)
    assert mine == theirs


def test_the_entries_exercise_every_branch_the_baselines_have() -> None:
    assert {entry.article.truncated for entry in ENTRIES} == {True, False}
    assert any(entry.article.figures for entry in ENTRIES)
    assert any("&" in entry.article.title for entry in ENTRIES)


def test_json_feed_baseline_writes_our_feed() -> None:
    assert json.loads(baselines.json_feed(ENTRIES, CONFIG)) == json.loads(render_json_feed(ENTRIES, CONFIG))


def test_rates_feed_baseline_writes_our_feed() -> None:
    rates = items.rates(120, seed=3)
    assert {rate.direction for rate in rates} >= {"up", "down", None}
    assert json.loads(baselines.rates_feed(rates, CONFIG)) == json.loads(render_rates_feed(rates, CONFIG))


def test_values_baseline_builds_every_value_our_parse_returns_anew() -> None:
    text = dumpgen.generate_dump(dt.date(2025, 1, 5), 40, seed=3) + "stray line\n"
    parsed = parse_dump(text, source="day.txt")
    assert parsed.problems and any(article.figures for article in parsed.articles) and parsed.rates
    built = baselines.dump(baselines.dump_fields(parsed))
    assert built == parsed and repr(built) == repr(parsed)  # repr: the fields equality leaves out too
    assert not {id(value) for value in _values(built)} & {id(value) for value in _values(parsed)}


def _values(dump: Dump) -> list[object]:
    figures = [figure for article in dump.articles for figure in article.figures]
    return [dump, *dump.pages, *dump.articles, *figures, *dump.rates, *dump.problems]


def test_backfill_baseline_stores_and_writes_the_items_ours_does(tmp_path: Path) -> None:
    days = []
    for day, text in dumpgen.generate_days(260, 13, seed=3, first=dt.date(2025, 1, 1)):
        days.append(tmp_path / f"{day}.txt")
        days[-1].write_text(text, encoding="utf-8")
    dumps = [str(path) for path in days]
    written = baselines.backfill(dumps, tmp_path / "plain", tmp_path / "plain.sqlite", 50)
    report = build(dumps, tmp_path / "ours", archive=tmp_path / "ours.sqlite")
    articles = re.compile(r"(rss|atom|archive/(rss|atom)-[0-9]+)\.xml")  # not the rates' feeds
    ours = {file.name: file.items for file in report.files if articles.fullmatch(file.name)}
    assert written == ours and len(ours) == 2 + 2 * 5  # the feeds and pages 1 to 5
    for name in ours:
        mine, theirs = (_ids(tmp_path / side / name) for side in ("ours", "plain"))
        assert mine == theirs and len(mine) == ours[name]


def _ids(path: Path) -> list[str]:
    """The items' ids, in order (an id names an article, a feed's own id does not)."""
    return re.findall(r">(tag:[^<]*:article/[^<]*)</", path.read_text(encoding="utf-8"))
