"""Plain scripts that write the same documents as our renderer, for the render benchmark's ratios.

Raw lxml for RSS and Atom (the floor under feedgen, which builds the same lxml tree), and one
``json.dumps`` for each JSON Feed. Each does the work a renderer cannot skip: escaping the excerpt
into HTML with its figures and "Read more" link, formatting dates, minting ids.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
from collections.abc import Sequence
from itertools import groupby
from typing import Any

from lxml import etree

from centralasia_feed.config import FeedConfig
from centralasia_feed.models import Entry, Rate

ATOM = "http://www.w3.org/2005/Atom"
_A = f"{{{ATOM}}}"


def content_html(entry: Entry, config: FeedConfig) -> str:
    """The excerpt as HTML: paragraph, figures, and a read-more link when the site cut it."""
    article = entry.article
    parts = [f"<p>{html.escape(article.summary)}</p>"]
    parts += [f"<figure><figcaption>{html.escape(f.caption)}</figcaption></figure>" for f in article.figures]
    if article.truncated:
        parts.append(f'<p><a href="{html.escape(config.source_link(article.slug))}">Read more</a></p>')
    return "".join(parts)


def rss(entries: Sequence[Entry], config: FeedConfig) -> bytes:
    tz = config.tz
    root = etree.Element("rss", version="2.0", nsmap={"atom": ATOM})
    channel = etree.SubElement(root, "channel")
    _text(channel, "title", config.title)
    _text(channel, "link", config.source_url)
    _text(channel, "description", config.description)
    etree.SubElement(channel, _A + "link", href=config.url("rss.xml"), rel="self", type="application/rss+xml")
    _text(channel, "language", config.language)
    if entries:
        _text(channel, "lastBuildDate", email.utils.format_datetime(entries[0].updated.time(tz)))
    _text(channel, "generator", "baseline")
    for entry in entries:
        item = etree.SubElement(channel, "item")
        _text(item, "title", entry.article.title)
        _text(item, "link", config.source_link(entry.slug))
        _text(item, "description", content_html(entry, config))
        _text(item, "guid", config.tag("article", entry.slug)).set("isPermaLink", "false")
        _text(item, "pubDate", email.utils.format_datetime(entry.published.time(tz)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def atom(entries: Sequence[Entry], config: FeedConfig) -> bytes:
    tz = config.tz
    root = etree.Element(_A + "feed", nsmap={None: ATOM})
    _text(root, _A + "id", config.tag("feed"))
    _text(root, _A + "title", config.title)
    if entries:
        _text(root, _A + "updated", entries[0].updated.time(tz).isoformat())
    author = etree.SubElement(root, _A + "author")
    _text(author, _A + "name", config.author)
    etree.SubElement(root, _A + "link", href=config.url("atom.xml"), rel="self")
    etree.SubElement(root, _A + "link", href=config.source_url, rel="alternate")
    _text(root, _A + "generator", "baseline")
    _text(root, _A + "subtitle", config.description)
    for entry in entries:
        node = etree.SubElement(root, _A + "entry")
        _text(node, _A + "id", config.tag("article", entry.slug))
        _text(node, _A + "title", entry.article.title)
        _text(node, _A + "updated", entry.updated.time(tz).isoformat())
        etree.SubElement(node, _A + "link", href=config.source_link(entry.slug), rel="alternate")
        _text(node, _A + "summary", content_html(entry, config)).set("type", "html")
        _text(node, _A + "published", entry.published.time(tz).isoformat())
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _text(parent: etree._Element, tag: str, text: str) -> etree._Element:
    node = etree.SubElement(parent, tag)
    node.text = text
    return node


def json_feed(entries: Sequence[Entry], config: FeedConfig) -> bytes:
    tz = config.tz
    items = [
        {
            "id": config.tag("article", entry.slug),
            "url": config.source_link(entry.slug),
            "title": entry.article.title,
            "content_html": content_html(entry, config),
            "summary": entry.article.summary,
            "date_published": entry.published.time(tz).isoformat(),
            "date_modified": entry.updated.time(tz).isoformat(),
        }
        for entry in entries
    ]
    return _dumps(_feed(config, "feed.json", items))


def rates_feed(rates: Sequence[Rate], config: FeedConfig) -> bytes:
    items = [_rates_item(date, tuple(group), config) for date, group in groupby(rates, key=lambda r: r.date)]
    return _dumps(_feed(config, "rates.json", items))


def _rates_item(date: dt.date, rates: Sequence[Rate], config: FeedConfig) -> dict[str, Any]:
    rows = "".join(
        f"<tr><td>{r.pair}</td><td>{r.value}</td><td>{r.inverse}</td><td>{r.change_percent}%</td>"
        f"<td>{r.direction or ''}</td></tr>"
        for r in rates
    )
    text = "\n".join(f"{r.pair} = {r.value} ({r.change_percent}%)" for r in rates)
    extension = [
        {
            "base": r.base,
            "quote": r.quote,
            "value": str(r.value),
            "inverse": str(r.inverse),
            "change_percent": str(r.change_percent),
            "direction": r.direction,
            "date": r.date.isoformat(),
        }
        for r in rates
    ]
    stamp = dt.datetime.combine(date, dt.time(), config.tz).isoformat()
    return {
        "id": config.tag("rates", date.isoformat()),
        "title": f"Exchange rates, {date.day} {date:%B %Y}",
        "content_html": f"<table>{rows}</table>",
        "content_text": text,
        "date_published": stamp,
        "_rates": extension,
    }


def _feed(config: FeedConfig, path: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": config.title,
        "home_page_url": config.source_url,
        "feed_url": config.url(path),
        "language": config.language,
        "authors": [{"name": config.author}],
        "items": items,
    }


def _dumps(feed: dict[str, Any]) -> bytes:
    return json.dumps(feed, ensure_ascii=False, indent=2).encode()
