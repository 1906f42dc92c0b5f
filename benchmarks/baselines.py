"""Plain scripts that write the same documents as our renderer, for the render benchmark's ratios.

Raw lxml for RSS and Atom (the floor under feedgen, which builds the same lxml tree), and one
compact ``json.dumps`` for each JSON Feed. Each does the work a renderer cannot skip: escaping the excerpt
into HTML with its figures and "Read more" link, formatting dates, minting ids.

``feedgen_rss`` and ``feedgen_atom`` write the same RSS and Atom through feedgen as its documentation
shows (``add_entry(order="append")``, its own setters), checking nothing: what feedgen itself costs over
raw lxml, measured in the same run, beside what our renderer costs over it.

``dump`` is the parse benchmark's second baseline: it builds the values our parse returns from their
fields, found beforehand. Strings, dates and decimals come ready-made, so after the floor (reading,
decoding, splitting) it costs what a parser that builds these frozen dataclasses through their
constructors must spend even if its scanning cost nothing: a lower bound on such a parser's ratio.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import html
import json
from collections.abc import Sequence
from itertools import groupby
from typing import Any

from feedgen.feed import FeedGenerator
from lxml import etree

from centralasia_feed.config import FeedConfig
from centralasia_feed.models import Article, Dump, Entry, Figure, Page, Problem, Rate

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
SYNDICATION = "http://purl.org/rss/1.0/modules/syndication/"
_A = f"{{{ATOM}}}"


def content_html(entry: Entry, config: FeedConfig) -> str:
    """The excerpt as HTML: paragraph, figures, and a read-more link when the site cut it."""
    article = entry.article
    summary = article.summary
    if article.truncated and not summary.endswith(("...", "\u2026")):
        summary += " \u2026"
    parts = [f"<p>{html.escape(summary)}</p>"]
    parts += [f"<figure><figcaption>{html.escape(f.caption)}</figcaption></figure>" for f in article.figures]
    if article.truncated:
        link = html.escape(config.source_link(article.slug))
        parts.append(f'<p><a href="{link}">Read more at {_host(config)}</a></p>')
    return "\n".join(parts)


def _host(config: FeedConfig) -> str:
    return config.source_url.split("/")[2]


def rss(entries: Sequence[Entry], config: FeedConfig) -> bytes:
    tz = config.tz
    root = etree.Element("rss", version="2.0", nsmap={"sy": SYNDICATION, "atom": ATOM, "content": CONTENT})
    channel = etree.SubElement(root, "channel")
    _text(channel, "title", config.title)
    _text(channel, "link", config.source_url)
    _text(channel, "description", config.description)
    self_link = {"href": config.url("rss.xml"), "rel": "self", "type": "application/rss+xml"}
    etree.SubElement(channel, _A + "link", self_link)
    _text(channel, "docs", "http://www.rssboard.org/rss-specification")
    _text(channel, "generator", "baseline dev")
    _text(channel, "language", config.language)
    if entries:
        _text(channel, "lastBuildDate", email.utils.format_datetime(entries[0].updated.time(tz)))
    _text(channel, "ttl", str(config.ttl))
    _text(channel, f"{{{SYNDICATION}}}updatePeriod", config.update_period)
    _text(channel, f"{{{SYNDICATION}}}updateFrequency", str(config.update_frequency))
    for entry in entries:
        body = content_html(entry, config)
        item = etree.SubElement(channel, "item")
        _text(item, "title", entry.article.title)
        _text(item, "link", config.source_link(entry.slug))
        _text(item, "description", body)
        if not entry.article.truncated:
            _text(item, f"{{{CONTENT}}}encoded", body)
        _text(item, "guid", config.tag("article", entry.slug)).set("isPermaLink", "false")
        _text(item, "pubDate", email.utils.format_datetime(entry.published.time(tz)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def atom(entries: Sequence[Entry], config: FeedConfig) -> bytes:
    tz = config.tz
    root = etree.Element(_A + "feed", nsmap={None: ATOM})  # type: ignore[dict-item]
    root.set("{http://www.w3.org/XML/1998/namespace}lang", config.language)
    _text(root, _A + "id", config.tag("feed"))
    _text(root, _A + "title", config.title)
    if entries:
        _text(root, _A + "updated", entries[0].updated.time(tz).isoformat())
    author = etree.SubElement(root, _A + "author")
    _text(author, _A + "name", config.author)
    _text(author, _A + "uri", config.source_url)
    etree.SubElement(root, _A + "link", href=config.source_url, rel="alternate", type="text/html")
    self_link = {"href": config.url("atom.xml"), "rel": "self", "type": "application/atom+xml"}
    etree.SubElement(root, _A + "link", self_link)
    _text(root, _A + "generator", "baseline").set("version", "dev")
    _text(root, _A + "subtitle", config.description)
    for entry in entries:
        node = etree.SubElement(root, _A + "entry")
        _text(node, _A + "id", config.tag("article", entry.slug))
        _text(node, _A + "title", entry.article.title)
        _text(node, _A + "updated", entry.updated.time(tz).isoformat())
        if entry.article.truncated:
            etree.SubElement(node, _A + "link", href=config.source_link(entry.slug))
            _text(node, _A + "summary", content_html(entry, config)).set("type", "html")
        else:
            _text(node, _A + "content", content_html(entry, config)).set("type", "html")
            etree.SubElement(node, _A + "link", href=config.source_link(entry.slug))
        _text(node, _A + "published", entry.published.time(tz).isoformat())
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def feedgen_rss(entries: Sequence[Entry], config: FeedConfig) -> bytes:
    feed = _feedgen(entries, config, "rss.xml", "application/rss+xml")
    feed.ttl(config.ttl)
    feed.load_extension("syndication")  # writes sy:UpdatePeriod, capitalised (ours writes the spec's name)
    feed.syndication.update_period(config.update_period)
    feed.syndication.update_frequency(config.update_frequency)
    data: bytes = feed.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return data


def feedgen_atom(entries: Sequence[Entry], config: FeedConfig) -> bytes:
    feed = _feedgen(entries, config, "atom.xml", "application/atom+xml")
    data: bytes = feed.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return data


def _feedgen(entries: Sequence[Entry], config: FeedConfig, path: str, media_type: str) -> FeedGenerator:
    tz = config.tz
    feed = FeedGenerator()
    feed.title(config.title)
    feed.subtitle(config.description)
    feed.id(config.tag("feed"))
    links = [{"href": config.url(path), "rel": "self", "type": media_type}]
    links.append({"href": config.source_url, "rel": "alternate", "type": "text/html"})
    for link in links if path == "rss.xml" else links[::-1]:  # RSS's channel link is the last
        feed.link(**link)
    feed.language(config.language)
    feed.author(name=config.author, uri=config.source_url)
    feed.generator("baseline", version="dev")
    if entries:
        feed.updated(entries[0].updated.time(tz))
    for entry in entries:
        item = feed.add_entry(order="append")
        item.title(entry.article.title)
        item.guid(config.tag("article", entry.slug), permalink=False)
        item.link(href=config.source_link(entry.slug), rel="alternate", type="text/html")
        item.published(entry.published.time(tz))
        item.updated(entry.updated.time(tz))
        body = content_html(entry, config)
        if entry.article.truncated:
            item.summary(body, type="html")
        else:
            item.description(body)
            item.content(body, type="html")
    return feed


def _text(parent: etree._Element, tag: str, text: str) -> etree._Element:
    node = etree.SubElement(parent, tag)
    node.text = text
    return node


def json_feed(entries: Sequence[Entry], config: FeedConfig) -> bytes:
    return _dumps(_feed(config, "feed.json", config.title, [_item(entry, config) for entry in entries]))


def _item(entry: Entry, config: FeedConfig) -> dict[str, Any]:
    tz, article = config.tz, entry.article
    item: dict[str, Any] = {
        "id": config.tag("article", entry.slug),
        "url": config.source_link(entry.slug),
        "title": article.title,
        "content_html": content_html(entry, config),
    }
    if article.truncated:
        item["summary"] = article.summary
    item["date_published"] = entry.published.time(tz).isoformat()
    if entry.updated != entry.published:
        item["date_modified"] = entry.updated.time(tz).isoformat()
    figures = [
        {"caption": f.caption, "attachment_id": f.attachment_id, "width": f.width} for f in article.figures
    ]
    first = entry.published.date.isoformat()
    item["_centralasia_feed"] = {"truncated": article.truncated, "first_edition": first, "figures": figures}
    return item


def rates_feed(rates: Sequence[Rate], config: FeedConfig) -> bytes:
    """Rates arrive grouped by date, newest first, sorted by pair (as the archive returns them)."""
    items = [_rates_item(date, tuple(group), config) for date, group in groupby(rates, key=lambda r: r.date)]
    feed = _feed(config, "rates.json", f"{config.title}: exchange rates", items)
    feed["description"] = f"Daily exchange rates of the Central Asian currencies, from {config.title}."
    return _dumps(feed)


_COLUMNS = ("Pair", "Value", "Inverse", "Change", "Direction")
_HEAD = "".join(f'<th scope="col">{name}</th>' for name in _COLUMNS)
_EXPLANATION = (
    "1 unit of the first currency of a pair is worth Value units of the second; Inverse is the reverse."
)
_TABLE_HEAD = f"<table>\n<caption>{_EXPLANATION}</caption>\n<thead><tr>{_HEAD}</tr></thead>"
_ARROWS = {"up": "\u25b2", "down": "\u25bc", "flat": "\u25ac", None: "?"}


def _rates_item(date: dt.date, rates: Sequence[Rate], config: FeedConfig) -> dict[str, Any]:
    words = [r.direction or "unknown" for r in rates]
    cells = [
        (r.pair, f"{r.value:f}", f"{r.inverse:f}", f"{r.change_percent:f}%", f"{_ARROWS[r.direction]} {word}")
        for r, word in zip(rates, words, strict=True)
    ]
    widths = [max(len(row[i]) for row in (_COLUMNS, *cells)) for i in range(len(_COLUMNS))]
    lines = [
        f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}  {d:>{widths[3]}}  {e}"
        for a, b, c, d, e in (_COLUMNS, *cells)
    ]
    text = "\n".join([*lines, "", _EXPLANATION])
    rows = "\n".join(
        f'<tr><th scope="row"><abbr title="{r.base_name}">{r.base}</abbr>/<abbr title="{r.quote_name}">'
        f'{r.quote}</abbr></th><td>{b}</td><td>{c}</td><td>{d}</td><td><span title="{word}">'
        f"{_ARROWS[r.direction]}</span> {word}</td></tr>"
        for r, word, (_, b, c, d, _) in zip(rates, words, cells, strict=True)
    )
    exact = [
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
    return {
        "id": config.tag("rates", date.isoformat()),
        "title": f"Exchange rates, {date.day} {date:%B %Y}",
        "content_text": text,
        "content_html": f"{_TABLE_HEAD}\n<tbody>\n{rows}\n</tbody>\n</table>",
        "date_published": dt.datetime.combine(date, dt.time(), config.tz).isoformat(),
        "_centralasia_feed": {"rates": exact},
    }


def _feed(config: FeedConfig, path: str, title: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": config.source_url,
        "feed_url": config.url(path),
        "description": config.description,
        "language": config.language,
        "authors": [{"name": config.author, "url": config.source_url}],
        "items": items,
    }


def _dumps(feed: dict[str, Any]) -> bytes:
    """One call of the C encoder over the whole feed (ours lays each item on a line of its own)."""
    return (json.dumps(feed, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


Fields = list[Any]  # a value's fields, in order
ArticleFields = tuple[Fields, list[Fields]]  # and its figures'
PageFields = tuple[Fields, list[ArticleFields], list[Fields]]  # and its articles' and rates'
DumpFields = tuple[str, list[PageFields], list[Fields]]  # source, pages, problems
# Where the nested values sit among Page's and Article's fields, which are passed positionally.
_PAGE = [field.name for field in dataclasses.fields(Page)]
_ARTICLES, _RATES = _PAGE.index("articles"), _PAGE.index("rates")
_FIGURES = [field.name for field in dataclasses.fields(Article)].index("figures")


def dump_fields(parsed: Dump) -> DumpFields:
    """Every field of every value in ``parsed``, nested values as their own fields."""
    pages = [
        (
            _fields(page),
            [(_fields(article), [_fields(f) for f in article.figures]) for article in page.articles],
            [_fields(rate) for rate in page.rates],
        )
        for page in parsed.pages
    ]
    return parsed.source, pages, [_fields(problem) for problem in parsed.problems]


def dump(fields: DumpFields) -> Dump:
    """The values ``dump_fields`` took apart, built again as a parser builds them."""
    source, pages, problems = fields
    return Dump(source, tuple(_page(*page) for page in pages), tuple(Problem(*p) for p in problems))


def _fields(value: Any) -> Fields:
    return [getattr(value, field.name) for field in dataclasses.fields(value)]


def _page(page: Fields, articles: list[ArticleFields], rates: list[Fields]) -> Page:
    fields = page.copy()
    fields[_ARTICLES] = tuple(_article(*article) for article in articles)
    fields[_RATES] = tuple(Rate(*rate) for rate in rates)
    return Page(*fields)


def _article(fields: Fields, figures: list[Fields]) -> Article:
    if not figures:  # most articles: their ``figures`` is already the empty tuple
        return Article(*fields)
    fields = fields.copy()
    fields[_FIGURES] = tuple(Figure(*figure) for figure in figures)
    return Article(*fields)
