"""The render benchmark's baselines write the documents our renderer writes, so its ratios compare
the same work: a baseline that drifted (a column dropped, a wrapper left out) would flatter us."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from benchmarks import baselines, items

from centralasia_feed.config import FeedConfig
from centralasia_feed.render import render_atom, render_json_feed, render_rates_feed, render_rss

CONFIG = FeedConfig(limit=120)
ENTRIES = items.entries(120, seed=3)
# Ours names itself and writes & and < in plain text as references (text.write_references).
_GENERATOR = re.compile(r"<generator[^>]*>[^<]*</generator>")
_REFERENCES = {"&#x26;": "&amp;", "&#x3C;": "&lt;"}


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
