"""What a feed says about itself beyond its items: WebSub hubs, the icon and logo readers list it
by, and the polling hints of RSS, in every format, read back by feedparser and the schemas."""

from __future__ import annotations

import json

import pytest
from helpers.render_checks import assert_atom_valid, assert_json_feed_valid, parse_feed
from helpers.render_fixtures import seed_entries, seed_rates
from lxml import etree

from centralasia_feed.config import FeedConfig
from centralasia_feed.errors import ConfigError
from centralasia_feed.render import ArchiveLinks, render_atom, render_json_feed, render_rates_feed, render_rss

ATOM = "{http://www.w3.org/2005/Atom}"
SY = "{http://purl.org/rss/1.0/modules/syndication/}"
HUBS = ("https://hub.example.org/", "https://push.example.net/hub?feed=ca")
ICON = "https://timesca.com/icon-64.png"
LOGO = "https://timesca.com/logo-300x150.png"
FULL = FeedConfig(hubs=HUBS, icon=ICON, logo=LOGO, ttl=90, update_period="hourly", update_frequency=2)
PAGE = ArchiveLinks("archive/rss-1.xml", current="rss.xml", next_archive="archive/rss-2.xml")


def _hub_links(parent: etree._Element, tag: str = f"{ATOM}link") -> list[str]:
    return [link.get("href", "") for link in parent.findall(tag) if link.get("rel") == "hub"]


def _channel(config: FeedConfig, links: ArchiveLinks | None = None) -> etree._Element:
    return etree.fromstring(render_rss(seed_entries(), config, links=links)).find("channel")


def test_rss_names_its_hubs_as_atom_links_and_its_one_plain_link_is_the_site() -> None:
    channel = _channel(FULL)
    assert [link.text for link in channel.findall("link")] == ["https://timesca.com/"]
    assert _hub_links(channel) == list(HUBS)
    parsed = parse_feed(render_rss(seed_entries(), FULL)).feed
    assert [link.href for link in parsed.links if link.rel == "hub"] == list(HUBS)


def test_rss_tells_pollers_how_often_to_come_back() -> None:
    channel = _channel(FULL)
    assert channel.findtext("ttl") == "90"
    hints = (channel.findtext(f"{SY}updatePeriod"), channel.findtext(f"{SY}updateFrequency"))
    assert hints == ("hourly", "2")
    parsed = parse_feed(render_rss(seed_entries(), FULL)).feed
    assert (parsed.ttl, parsed.sy_updateperiod, parsed.sy_updatefrequency) == ("90", "hourly", "2")
    default = _channel(FeedConfig())
    assert (default.findtext("ttl"), default.findtext(f"{SY}updatePeriod")) == ("180", "daily")
    assert default.findtext(f"{SY}updateFrequency") == "1"


def test_rss_image_is_the_logo_with_the_channels_title_and_link() -> None:
    channel = _channel(FULL)
    image = channel.find("image")
    assert image.findtext("url") == LOGO
    assert image.findtext("title") == channel.findtext("title")
    assert image.findtext("link") == channel.findtext("link")
    assert parse_feed(render_rss(seed_entries(), FULL)).feed.image.href == LOGO
    assert _channel(FeedConfig(icon=ICON)).findtext("image/url") == ICON  # the only image there is
    assert _channel(FeedConfig()).find("image") is None


def test_an_image_title_with_markup_is_written_as_the_channel_title_is() -> None:
    data = render_rss(seed_entries(), FeedConfig(title="Central Asia & <Co>", logo=LOGO))
    assert data.count(b"<title>Central Asia &#x26; &#x3C;Co&gt;</title>") == 2  # the channel's, the image's
    channel = etree.fromstring(data).find("channel")
    assert channel.findtext("image/title") == channel.findtext("title") == "Central Asia & <Co>"


def test_atom_has_hub_links_icon_and_logo_and_stays_valid() -> None:
    data = render_atom(seed_entries(), FULL)
    assert_atom_valid(data)
    root = etree.fromstring(data)
    assert _hub_links(root) == list(HUBS)
    assert (root.findtext(f"{ATOM}icon"), root.findtext(f"{ATOM}logo")) == (ICON, LOGO)
    feed = parse_feed(data).feed
    assert (feed.icon, feed.logo) == (ICON, LOGO)
    assert b"modules/syndication" not in data and b"<ttl" not in data  # RSS's hints only


@pytest.mark.parametrize("render", [render_json_feed, render_rates_feed])
def test_json_feeds_name_their_hubs_and_square_icon(render) -> None:
    items = seed_rates() if render is render_rates_feed else seed_entries()
    document = assert_json_feed_valid(render(items, FULL))
    assert document["hubs"] == [{"type": "WebSub", "url": hub} for hub in HUBS]
    assert (document["icon"], document["favicon"]) == (ICON, ICON)
    keys = list(document)
    assert keys.index("favicon") < keys.index("authors") < keys.index("hubs") < keys.index("items")
    plain = json.loads(render(items, FeedConfig()))
    assert not {"hubs", "icon", "favicon"} & set(plain)


@pytest.mark.parametrize(("render", "kind"), [(render_rss, "rss"), (render_atom, "atom")])
def test_an_archive_page_is_neither_pushed_nor_polled_but_keeps_its_images(render, kind) -> None:
    """Subscribers follow the main feed; a page is read once, so no hub is named (none would be
    pinged for it) and no polling hint is given."""
    links = ArchiveLinks(f"archive/{kind}-1.xml", current=f"{kind}.xml", next_archive=f"archive/{kind}-2.xml")
    data = render(seed_entries(), FULL, links=links)
    assert b'rel="hub"' not in data and b"<ttl>" not in data and b"modules/syndication" not in data
    assert LOGO.encode() in data
    assert (ICON.encode() in data) == (kind == "atom")  # RSS's one image is the logo


def test_an_atom_feed_with_hubs_alone_still_names_them() -> None:
    data = render_atom(seed_entries(), FeedConfig(hubs=HUBS[:1]))
    assert _hub_links(etree.fromstring(data)) == [HUBS[0]]


def test_hubs_are_kept_in_order_once_each() -> None:
    config = FeedConfig(hubs=[HUBS[1], HUBS[0], HUBS[1]])  # type: ignore[arg-type]
    assert config.hubs == (HUBS[1], HUBS[0])


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"hubs": "https://hub.example.org/"}, "hubs", "must be a sequence of URLs"),
        ({"hubs": ["hub.example.org"]}, "hubs", "must be an absolute http(s) URL"),
        ({"hubs": [None]}, "hubs", "must be a URL, not None"),
        ({"icon": "/icon.png"}, "icon", "must be an absolute http(s) URL"),
        ({"logo": "https://x/a b.png"}, "logo", "holds characters a URL cannot"),
        ({"logo": "https://x/logo.png#top"}, "logo", "must not have a fragment"),
        ({"ttl": 0}, "ttl", "must be a whole number of at least 1, not 0"),
        ({"ttl": True}, "ttl", "must be a whole number of at least 1, not True"),
        ({"update_frequency": 1.5}, "update_frequency", "must be a whole number"),
        ({"update_period": "Daily"}, "update_period", "must be one of hourly, daily, weekly"),
    ],
)
def test_bad_hints_and_images_are_config_errors_naming_their_field(values, field, message) -> None:
    with pytest.raises(ConfigError) as caught:
        FeedConfig(**values)
    assert caught.value.field == field and caught.value.message.startswith(message)
