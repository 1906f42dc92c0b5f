"""RSS 2.0 and Atom 1.0: read back by feedparser, checked against RFC 4287's grammar, and the
feedgen traps (order, channel link, now() defaults, dropped atom links) shown disarmed."""

from __future__ import annotations

import calendar
import datetime as dt
import gc
import re
from dataclasses import replace

import pytest
from helpers.render_checks import assert_atom_valid, parse_feed
from helpers.render_fixtures import CONFIG, DAY, make_entry, seed_articles, seed_entries, updated_entry
from lxml import etree

from centralasia_feed.config import FeedConfig
from centralasia_feed.errors import RenderError
from centralasia_feed.models import Entry, entries_of
from centralasia_feed.render import (
    ArchiveLinks,
    items,
    jsonfeed,
    render_atom,
    render_json_feed,
    render_rss,
    xml,
)

ATOM = "{http://www.w3.org/2005/Atom}"
FH = "{http://purl.org/syndication/history/1.0}"
RENDERERS = [render_rss, render_atom]


def _epoch(when: dt.datetime) -> int:
    return int(when.timestamp())


@pytest.mark.parametrize("render", RENDERERS)
def test_feedparser_reads_every_seed_entry_with_title_link_id_and_date(render):
    articles = seed_articles()
    parsed = parse_feed(render(entries_of(articles), CONFIG))
    assert len(parsed.entries) == 6
    for position, (expected_article, entry) in enumerate(zip(articles, parsed.entries, strict=True)):
        assert entry.title == expected_article.title
        assert entry.link == f"https://timesca.com/{expected_article.slug}/"
        assert entry.id == f"tag:timesca.com,2025:article/{expected_article.slug}"
        expected = dt.datetime(2025, 1, 5, 0, 59, 59, tzinfo=dt.UTC) - dt.timedelta(seconds=position)
        assert calendar.timegm(entry.published_parsed) == _epoch(expected)


def test_rss_guid_is_not_a_permalink_and_channel_link_is_the_site():
    root = etree.fromstring(render_rss(seed_entries(), CONFIG))
    channel = root.find("channel")
    assert channel.findtext("link") == "https://timesca.com/"
    selves = [link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert [link.get("href") for link in selves] == ["http://127.0.0.1:8000/rss.xml"]
    assert {guid.get("isPermaLink") for guid in root.iter("guid")} == {"false"}
    assert channel.findtext("language") == "en"
    assert channel.findtext("generator").startswith("centralasia_feed ")


def test_atom_names_the_site_before_itself():
    """Clients that take Atom's first link for the site (feed-extractor) find the site, not atom.xml."""
    root = etree.fromstring(render_atom(seed_entries(), CONFIG))
    links = [(link.get("rel"), link.get("href")) for link in root.findall(f"{ATOM}link")]
    assert links == [("alternate", "https://timesca.com/"), ("self", "http://127.0.0.1:8000/atom.xml")]
    assert parse_feed(render_atom(seed_entries(), CONFIG)).feed.link == "https://timesca.com/"


def test_last_build_date_and_updated_come_from_the_newest_item_not_the_clock():
    entries = list(seed_entries(dt.date(2024, 12, 30)))
    entries[3] = updated_entry(seed_articles(dt.date(2025, 1, 2))[3], dt.date(2024, 12, 30))
    rss = etree.fromstring(render_rss(entries, CONFIG))
    assert rss.findtext("channel/lastBuildDate") == "Thu, 02 Jan 2025 00:59:56 +0000"
    atom = etree.fromstring(render_atom(entries, CONFIG))
    assert atom.findtext(f"{ATOM}updated") == "2025-01-02T00:59:56+00:00"


@pytest.mark.parametrize("render", RENDERERS)
def test_empty_feed_is_dated_at_the_id_date_epoch(render):
    parsed = parse_feed(render([], CONFIG))
    assert parsed.entries == []
    assert calendar.timegm(parsed.feed.updated_parsed) == _epoch(dt.datetime(2025, 1, 1, tzinfo=dt.UTC))


@pytest.mark.parametrize("render", RENDERERS)
def test_items_keep_the_given_order_even_when_it_is_not_by_date(render):
    articles = seed_entries()
    shuffled = [articles[3], articles[0], articles[5]]
    ids = [entry.id for entry in parse_feed(render(shuffled, CONFIG)).entries]
    assert ids == [f"tag:timesca.com,2025:article/{a.slug}" for a in shuffled]


@pytest.mark.parametrize("render", RENDERERS)
def test_a_repeated_slug_appears_once_and_the_first_wins(render):
    first = make_entry("First title", "same-slug")
    again = make_entry("Second title", "same-slug", position=1)
    entries = parse_feed(render([first, again], CONFIG)).entries
    assert [entry.title for entry in entries] == ["First title"]


def test_atom_truncated_is_a_summary_and_whole_text_is_content():
    root = etree.fromstring(render_atom(seed_entries(), CONFIG))
    entries = root.findall(f"{ATOM}entry")
    for entry, seed in zip(entries, seed_articles(), strict=True):
        summary, content = entry.find(f"{ATOM}summary"), entry.find(f"{ATOM}content")
        if seed.truncated:
            assert content is None and summary.get("type") == "html"
            assert summary.text.rstrip().endswith("Read more at timesca.com</a></p>")
        else:
            assert summary is None and content.get("type") == "html"
            assert "Read more" not in content.text


def test_rss_truncated_has_no_full_content_and_whole_text_has_content_encoded():
    encoded = "{http://purl.org/rss/1.0/modules/content/}encoded"
    items = etree.fromstring(render_rss(seed_entries(), CONFIG)).iter("item")
    for item, seed in zip(items, seed_articles(), strict=True):
        assert (item.find(encoded) is None) == seed.truncated
        description = item.findtext("description")
        assert ("Read more" in description) == seed.truncated
    first = etree.fromstring(render_rss(seed_entries(), CONFIG)).find("channel/item/description")
    assert "<figure><figcaption>Image: Akorda</figcaption></figure>" in first.text


def test_atom_dates_published_and_updated_differ_after_a_change():
    changed = updated_entry(seed_articles()[0], dt.date(2025, 1, 3))
    entry = parse_feed(render_atom([changed], CONFIG)).entries[0]
    assert entry.published.startswith("2025-01-03T00:59:59")
    assert entry.updated.startswith("2025-01-05T00:59:59")
    rss = parse_feed(render_rss([changed], CONFIG)).entries[0]
    assert rss.published == "Fri, 03 Jan 2025 00:59:59 +0000"


def test_atom_is_valid_by_rfc4287_grammar_and_has_feed_author_and_ids():
    data = render_atom(seed_entries(), CONFIG)
    assert_atom_valid(data)
    root = etree.fromstring(data)
    assert root.findtext(f"{ATOM}id") == "tag:timesca.com,2025:feed"
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "The Times of Central Asia"
    assert b"CDATA" not in data


def test_main_feeds_link_their_previous_archive():
    links = ArchiveLinks("rss.xml", prev_archive="archive/rss-2.xml")
    channel = etree.fromstring(render_rss(seed_entries(), CONFIG, links=links)).find("channel")
    rels = {link.get("rel"): link.get("href") for link in channel.findall(f"{ATOM}link")}
    base = "http://127.0.0.1:8000/"
    assert rels == {"self": f"{base}rss.xml", "prev-archive": f"{base}archive/rss-2.xml"}
    assert channel.find(f"{FH}archive") is None
    links = ArchiveLinks("atom.xml", prev_archive="archive/atom-2.xml")
    data = render_atom(seed_entries(), CONFIG, links=links)
    assert_atom_valid(data)
    assert b'rel="prev-archive"' in data and b"fh:archive" not in data


@pytest.mark.parametrize("render, kind", [(render_rss, "rss"), (render_atom, "atom")])
def test_archive_pages_say_so_and_link_current_and_neighbours(render, kind):
    links = ArchiveLinks(
        f"archive/{kind}-2.xml",
        current=f"{kind}.xml",
        prev_archive=f"archive/{kind}-1.xml",
        next_archive=f"archive/{kind}-3.xml",
    )
    data = render(seed_entries(), CONFIG, links=links)
    root = etree.fromstring(data)
    parent = root.find("channel") if kind == "rss" else root
    assert parent.find(f"{FH}archive") is not None
    found = {link.get("rel"): link.get("href") for link in parent.iter(f"{ATOM}link")}
    base = "http://127.0.0.1:8000/"
    assert found["self"] == f"{base}archive/{kind}-2.xml"
    assert found["current"] == f"{base}{kind}.xml"
    assert found["prev-archive"] == f"{base}archive/{kind}-1.xml"
    assert found["next-archive"] == f"{base}archive/{kind}-3.xml"
    assert len(parse_feed(data).entries) == 6
    if kind == "atom":
        assert_atom_valid(data)
        assert root.findtext(f"{ATOM}id") == "tag:timesca.com,2025:feed/archive/atom-2"


@pytest.mark.parametrize("render", RENDERERS)
def test_rendering_twice_gives_identical_bytes(render):
    entries = [*seed_entries(), updated_entry(seed_articles(dt.date(2025, 1, 4))[0], dt.date(2025, 1, 1))]
    assert render(entries, CONFIG) == render(entries, CONFIG)


def test_times_are_in_the_configured_zone():
    config = FeedConfig(timezone="Asia/Almaty")
    rss = parse_feed(render_rss(seed_entries()[:1], config)).entries[0]
    assert rss.published == "Sun, 05 Jan 2025 00:59:59 +0500"
    atom = parse_feed(render_atom(seed_entries()[:1], config)).entries[0]
    assert atom.published == "2025-01-05T00:59:59+05:00"


def test_entries_of_articles_are_the_articles_first_seen_where_they_stand():
    articles = seed_articles()
    mixed = [Entry.first_seen(articles[0]), *entries_of(articles[1:2])]
    assert render_atom(mixed, CONFIG) == render_atom(entries_of(articles[:2]), CONFIG)


def test_feedgen_value_errors_become_render_errors_naming_our_field(monkeypatch):
    from feedgen.feed import FeedGenerator

    def broken(*args, **kwargs):
        raise ValueError("Required fields not set")

    monkeypatch.setattr(FeedGenerator, "rss_str", broken)
    with pytest.raises(RenderError, match="the RSS feed: Required fields not set"):
        render_rss(seed_entries(), CONFIG)


@pytest.mark.parametrize(
    "method, step",
    [("title", "title"), ("link", "id and link"), ("updated", "dates"), ("summary", "text")],
)
def test_an_item_feedgen_refuses_is_named_with_the_field_and_its_article(monkeypatch, method, step):
    from feedgen.entry import FeedEntry

    def broken(*args, **kwargs):
        raise ValueError("refused")

    monkeypatch.setattr(FeedEntry, method, broken)
    article = seed_articles()[0]
    assert article.truncated  # so the text step calls summary()
    with pytest.raises(
        RenderError, match=re.escape(f"cannot render the {step} of article {article.slug!r}: refused")
    ) as caught:
        render_atom(entries_of([article]), CONFIG)
    assert isinstance(caught.value.__cause__, ValueError)
    assert caught.value.field == f"the {step} of article {article.slug!r}"


def test_a_complete_feed_says_so_and_an_ordinary_one_declares_no_history_namespace():
    data = render_atom(seed_entries(), CONFIG, links=ArchiveLinks("atom.xml", complete=True))
    assert_atom_valid(data)
    assert etree.fromstring(data).find(f"{FH}complete") is not None
    assert b"purl.org/syndication/history" not in render_rss(seed_entries(), CONFIG)


@pytest.mark.parametrize("render", [*RENDERERS, render_json_feed])
@pytest.mark.parametrize("enabled", [True, False])
def test_rendering_pauses_garbage_collection_and_leaves_it_as_it_found_it(monkeypatch, render, enabled):
    seen = []
    excerpt = items.excerpt
    monkeypatch.setattr(items, "excerpt", lambda *given: seen.append(gc.isenabled()) or excerpt(*given))
    (gc.enable if enabled else gc.disable)()
    try:
        render(seed_entries(), CONFIG)
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
    assert seen and not any(seen)


def test_a_failed_render_resumes_garbage_collection(monkeypatch):
    from feedgen.feed import FeedGenerator

    def broken(*args, **kwargs):
        raise ValueError("Required fields not set")

    monkeypatch.setattr(FeedGenerator, "rss_str", broken)
    with pytest.raises(RenderError):
        render_rss(seed_entries(), CONFIG)
    assert gc.isenabled()


@pytest.mark.parametrize(
    "links, silent",
    [
        (ArchiveLinks("atom.xml"), True),
        (ArchiveLinks("atom.xml", prev_archive="archive/1.xml"), False),
        (ArchiveLinks("atom.xml", complete=True), False),
        (ArchiveLinks("archive/2.xml", current="atom.xml"), False),
        (ArchiveLinks("archive/1.xml", current="atom.xml", next_archive="archive/2.xml"), False),
    ],
)
def test_only_a_feed_with_no_history_marker_or_link_says_nothing(links, silent):
    assert links.says_nothing is silent
    data = render_atom(seed_entries(), CONFIG, links=links)
    assert (b"purl.org/syndication/history" not in data and b'rel="prev-archive"' not in data) is silent


def _entries(count: int) -> tuple[Entry, ...]:
    """``count`` entries, newest first, some with a title that needs references."""
    days = [DAY + dt.timedelta(days=day) for day in range(count // 6, -1, -1)]
    found = [replace(a, slug=f"{a.slug}-{day}") for day in days for a in seed_articles(day)][:count]
    found[1:2] = [make_entry("Q&A <b>", "q-and-a", position=1).article] if count > 1 else []
    return entries_of(found)


@pytest.mark.parametrize("count", [0, 1, 2, 3, 7])
@pytest.mark.parametrize(
    "links",
    [
        ArchiveLinks("feed.xml", prev_archive="archive/2.xml"),
        ArchiveLinks("a/2.xml", current="feed.xml", prev_archive="a/1.xml", next_archive="a/3.xml"),
    ],
)
def test_a_document_written_a_batch_at_a_time_is_the_one_written_at_once(monkeypatch, count, links):
    """Pieces cut from batch documents, joined, give feedgen's document of every item."""
    config = FeedConfig(title="News & <More>", hubs=("https://hub.example/",), limit=10)
    entries = _entries(count)
    whole = [render(entries, config, links=links) for render in RENDERERS]
    assert all(data.count(b"<item>") + data.count(b"<entry>") == count for data in whole)
    for size in (1, 2, 3):
        monkeypatch.setattr(xml, "BATCH", size)
        prepared = items.prepare(entries, config)
        pieces = [list(chunks(prepared, config, links=links)) for chunks in (xml.rss_chunks, xml.atom_chunks)]
        assert [b"".join(piece) for piece in pieces] == whole
        assert [len(piece) for piece in pieces] == [max(1, -(-count // size))] * 2


def test_a_json_feed_written_a_batch_at_a_time_is_the_one_written_at_once(monkeypatch):
    entries = _entries(7)
    whole = render_json_feed(entries, CONFIG)
    monkeypatch.setattr(jsonfeed, "BATCH", 2)
    assert b"".join(jsonfeed.json_feed_chunks(items.prepare(entries, CONFIG), CONFIG)) == whole
    assert render_json_feed((), CONFIG).count(b'"items": []') == 1


@pytest.mark.parametrize("count", [0, 1, 7])
def test_items_prepared_a_batch_at_a_time_write_the_same_documents(monkeypatch, count):
    """``Lazy`` (the main feeds of a build) prepares at most a batch at a time, and the three
    formats read from it give the documents of every item prepared at once; a repeated slug is
    dropped in both."""
    config = FeedConfig(title="News & <More>", limit=10)
    entries = _entries(count) + _entries(count)[:1]  # the first entry again, last
    whole = [render(entries, config) for render in (*RENDERERS, render_json_feed)]
    sizes: list[int] = []
    prepare = items.prepare
    monkeypatch.setattr(items, "prepare", lambda some, cfg: sizes.append(len(some)) or prepare(some, cfg))
    monkeypatch.setattr(items, "BATCH", 2)
    monkeypatch.setattr(xml, "BATCH", 3)
    lazy = items.Lazy(entries, config)
    assert len(lazy) == count and lazy.updated() == [item.updated for item in prepare(entries, config)]
    written = [b"".join(chunks(lazy, config)) for chunks in (xml.rss_chunks, xml.atom_chunks)]
    written.append(b"".join(jsonfeed.json_feed_chunks(lazy, config)))
    assert written == whole
    assert max(sizes, default=0) <= 3
