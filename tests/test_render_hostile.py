"""Text from a dump is text, never markup: hostile titles, texts, captions and settings keep every
output valid, and the independent readers get the text back (less XML-forbidden characters)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html

import hypothesis.strategies as st
import pytest
from helpers.render_checks import assert_atom_valid, assert_json_feed_valid, parse_feed, parse_html
from helpers.render_fixtures import AKORDA, CONFIG, make_entry, rate, seed_articles, seed_entries
from hypothesis import HealthCheck, given, settings
from lxml import etree

from centralasia_feed.config import FeedConfig
from centralasia_feed.models import Article, Entry, entries_of
from centralasia_feed.render import (
    render_atom,
    render_json_feed,
    render_landing,
    render_rates_feed,
    render_rss,
)
from centralasia_feed.render.safe import line

HOSTILE = {
    "script": "<script>alert('x')</script> Budget",
    "entity": "Tom &amp; Jerry & co &lt;b&gt; &#0; &nbsp;",
    "cdata-end": "Before ]]> after ]]]]><![CDATA[>",
    "rtl": "Қазақстан — ‏العربية‎ עברית \u202eevil\u202c",
    "emoji": "Kazakh 🐎 horses 👨‍👩‍👧 🇰🇿",
    "line-separator": "first\u2028second\u2029third\r\nfourth",
    "control": "nul\x00 bell\x07 vt\x0b ff\x0c esc\x1b fffe\ufffe ffff\uffff surrogate\ud800 end",
    "long": "Very long title " * 312 + "end",
    "quotes": '"double" \'single\' `back` <a href="javascript:alert(1)">x</a>',
}


def _hostile_article(text: str, position: int = 0) -> Article:
    figure = dataclasses.replace(AKORDA, caption=text)
    return Article(text, f"{text} ...", dt.date(2025, 1, 5), f"slug-{position}", True, (figure,), position)


def _hostile_items() -> list[Article]:
    return [_hostile_article(text, n) for n, text in enumerate(HOSTILE.values())]


def _titles(data: bytes) -> list[str]:
    """Item titles as a reader shows them, read with an XML parser (feedparser sanitizes what looks
    like HTML): an Atom title of type html is unescaped once more."""
    root = etree.fromstring(data)
    titles = root.iter("{http://www.w3.org/2005/Atom}title", "title")
    return [html.unescape(t.text) if t.get("type") == "html" else t.text for t in titles][1:]


def _assert_all_valid(articles: list[Article], config: FeedConfig = CONFIG) -> None:
    items = entries_of(articles)
    for render in (render_rss, render_atom):
        data = render(items, config)
        assert len(parse_feed(data).entries) == len(items)
        assert _titles(data) == [line(a.title) for a in articles]
    assert_atom_valid(render_atom(items, config))
    feed = assert_json_feed_valid(render_json_feed(items, config))
    assert [item["title"] for item in feed["items"]] == [line(a.title) for a in articles]
    parse_html(render_landing(items, [], config))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_text_keeps_every_output_valid(name):
    _assert_all_valid([_hostile_article(HOSTILE[name])])


def test_all_hostile_texts_together_keep_every_output_valid():
    _assert_all_valid(_hostile_items())


def test_markup_in_text_arrives_escaped_once_in_html_content():
    entry = parse_feed(render_atom(entries_of([_hostile_article(HOSTILE["script"])]), CONFIG)).entries[0]
    assert "&lt;script&gt;" in entry.summary
    assert "<script>" not in entry.summary


TITLED = [make_entry("Say &amp; done"), make_entry("Use <br> tags in Q&A", "q-and-a", position=1)]


def _title_lines(data: bytes) -> list[str]:
    return [line.strip() for line in data.decode().splitlines() if line.strip().startswith("<title")]


def test_ampersands_and_angle_brackets_in_rss_titles_are_hex_references():
    """As the RSS Best Practices Profile asks: the W3C validator otherwise warns that a title such as
    "Say &amp; done" or "Use <br> tags" looks like markup. Parsers read the same text either way."""
    data = render_rss(TITLED, FeedConfig(title="News & <Views>"))
    assert _title_lines(data) == [
        "<title>News &#x26; &#x3C;Views&gt;</title>",
        "<title>Say &#x26;amp; done</title>",
        "<title>Use &#x3C;br&gt; tags in Q&#x26;A</title>",
    ]
    assert _titles(data) == ["Say &amp; done", "Use <br> tags in Q&A"]
    assert b"&#x" not in render_rss(seed_entries(), CONFIG)  # plain titles are left as they were


def test_atom_titles_with_angle_brackets_say_they_are_escaped_html():
    """Atom can declare a title HTML: escaped, it shows the text as it is, and the validator no longer
    takes "<br>" for undeclared markup. A title with only "&" gets hex references, as in RSS."""
    data = render_atom(TITLED, FeedConfig(title="News & <Views>"))
    assert _title_lines(data) == [
        '<title type="html">News &amp;amp; &amp;lt;Views&amp;gt;</title>',
        "<title>Say &#x26;amp; done</title>",
        '<title type="html">Use &amp;lt;br&amp;gt; tags in Q&amp;amp;A</title>',
    ]
    assert _titles(data) == ["Say &amp; done", "Use <br> tags in Q&A"]
    entry = parse_feed(data).entries[1]  # feedparser hands readers the HTML, which shows the text
    assert (entry.title_detail.type, entry.title) == ("text/html", "Use &lt;br&gt; tags in Q&amp;A")
    assert_atom_valid(data)
    assert b'type="html">' not in render_atom(seed_entries(), CONFIG).split(b"<entry>")[0]


def test_forbidden_characters_are_removed_everywhere():
    item = Entry.first_seen(_hostile_article(HOSTILE["control"]))
    for data in (render_rss([item], CONFIG), render_atom([item], CONFIG), render_json_feed([item], CONFIG)):
        text = data.decode("utf-8")
        assert not any(ch in text for ch in "\x00\x07\x0b\x0c\x1b\ufffe\uffff")
        assert "nul bell vt ff esc fffe ffff surrogate end" in text


def test_hostile_config_values_are_escaped_too():
    config = FeedConfig(
        title="Feed <i>x</i> & ]]> \x01",
        description="About <script>1</script>\u2028more",
        author="A & B <ab@example.org>",
    )
    _assert_all_valid(list(seed_articles()[:2]), config)
    assert parse_feed(render_rss([], config)).feed.title == "Feed <i>x</i> & ]]>"


def test_odd_slugs_still_give_absolute_links_and_valid_ids():
    items = [
        make_entry("Odd", "slug with spaces/and?query#frag"),
        make_entry("Empty slug", "", position=1),
    ]
    entries = parse_feed(render_atom(items, CONFIG)).entries
    assert entries[0].link == "https://timesca.com/slug%20with%20spaces%2Fand%3Fquery%23frag/"
    assert entries[0].id == "tag:timesca.com,2025:article/slug%20with%20spaces%2Fand%3Fquery%23frag"
    assert_atom_valid(render_atom(items, CONFIG))


def test_an_empty_title_gets_a_placeholder_rather_than_an_error():
    items = [make_entry("   \x00 ", "blank")]
    assert parse_feed(render_rss(items, CONFIG)).entries[0].title == "(untitled)"
    assert_atom_valid(render_atom(items, CONFIG))


def test_hostile_rate_codes_are_escaped_in_the_rates_feed_and_page():
    odd = rate("<b>&/USD", "1.5", "-0.3", "down")
    feed = assert_json_feed_valid(render_rates_feed([odd], CONFIG))
    assert "&lt;b&gt;&amp;" in feed["items"][0]["content_html"]
    doc = parse_html(
        render_landing([], [odd], CONFIG, history={odd.pair: [odd, rate("<b>&/USD", "2", "0", None)]})
    )
    assert not list(doc.iter("b"))


def test_the_schema_would_catch_a_broken_feed():
    """The JSON Feed schema is not vacuous: an item without content fails it."""
    with pytest.raises(AssertionError):
        assert_json_feed_valid(
            b'{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [{"id": "1"}]}'
        )


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("<>&]\x00\ufffe"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_TEXT, summary=_TEXT, caption=_TEXT, truncated=st.booleans())
def test_any_text_renders_to_feeds_that_read_back(title, summary, caption, truncated):
    figure = dataclasses.replace(AKORDA, caption=caption)
    item = Entry.first_seen(Article(title, summary, dt.date(2025, 1, 5), "any", truncated, (figure,)))
    for render in (render_rss, render_atom):
        data = render([item], CONFIG)
        assert parse_feed(data).entries[0].id == "tag:timesca.com,2025:article/any"
        assert _titles(data) == [line(title) or "(untitled)"]
    assert_atom_valid(render_atom([item], CONFIG))
    assert_json_feed_valid(render_json_feed([item], CONFIG))
    parse_html(render_landing([item], [], CONFIG))
