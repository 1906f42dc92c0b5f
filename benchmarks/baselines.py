"""Plain scripts that write the same documents as our renderer, for the render benchmark's ratios.

Raw lxml for RSS and Atom (the floor under feedgen, which builds the same lxml tree), and one
compact ``json.dumps`` for each JSON Feed. Each does the work a renderer cannot skip: escaping the excerpt
into HTML with its figures and "Read more" link, formatting dates, minting ids.

``feedgen_rss`` and ``feedgen_atom`` write the same RSS and Atom through feedgen as its documentation
shows (``add_entry(order="append")``, its own setters), checking nothing: what feedgen itself costs over
raw lxml, measured in the same run, beside what our renderer costs over it.

``backfill`` is the backfill's: every dump read and parsed (by our parser, whose own cost is the parse
section's), its articles and rates stored with one ``executemany`` each per dump in one transaction,
then the feed and its archive pages written by raw lxml (``rss``, ``atom``) straight from the rows,
cut as ours cuts them. It keeps none of our rules (the first text stored wins, nothing is compared,
no revision is kept, no file is synced): what storing and writing the same articles costs at least.

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
import sqlite3
from collections.abc import Iterator, Sequence
from decimal import Decimal, localcontext
from itertools import groupby, islice
from pathlib import Path
from typing import Any

from feedgen.feed import FeedGenerator
from lxml import etree

from centralasia_feed.config import FeedConfig
from centralasia_feed.models import Article, Dump, Entry, Figure, Page, Problem, Rate, Stamp
from centralasia_feed.parse import parse_dump

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
    source = f"From the currency ticker of {config.author} ({config.source_url}), a news site: "
    source += "not an official rate."
    provider = {"name": config.author, "url": config.source_url}
    items = [
        _rates_item(date, tuple(group), config, source, provider)
        for date, group in groupby(rates, key=lambda r: r.date)
    ]
    feed = _feed(config, "rates.json", f"{config.title}: exchange rates", items)
    feed["home_page_url"] = config.url("rates.html")
    feed["description"] = f"Daily exchange rates of the Central Asian currencies. {source}"
    feed["_centralasia_feed"] = {"rate_type": "news-site ticker", "official": False, "provider": provider}
    return _dumps(feed)


_COLUMNS = ("Pair", "Rate", "Ticker", "Change")
_HEAD = "".join(f'<th scope="col">{name}</th>' for name in _COLUMNS)
_EXPLANATION = (
    "Rate: what people say, worked out from the ticker's quote to its significant digits "
    "(a range where it has fewer than three). Ticker: the site's own quote, as written, "
    "and its change since the day before."
)
_TABLE_HEAD = f"<table>\n<caption>{html.escape(_EXPLANATION)}</caption>\n<thead><tr>{_HEAD}</tr></thead>"
_ARROWS = {"up": "\u25b2", "down": "\u25bc", "flat": "\u25ac", None: "?"}
_WORDS = {1: "one", 2: "two"}


def _number(figure: Decimal) -> str:
    return format(figure, ",f" if abs(figure) >= 1000 else "f")


def _end(end: Decimal) -> Decimal:
    """A range's end to three significant digits, its whole part kept."""
    with localcontext(prec=40):
        return end.quantize(Decimal(1).scaleb(-max(0, 2 - end.adjusted())))


def _said(rate: Rate) -> tuple[str, str, str]:
    """(what people say, the ticker's quote, a note on the digits or "") as the quotes module has them."""
    value, digits = rate.value, len(rate.value.as_tuple().digits)
    ticker = f"1 {rate.base} = {_number(value)} {rate.quote}"
    if digits < 3:
        half = Decimal(5).scaleb(value.as_tuple().exponent - 1)  # type: ignore[operator]
        with localcontext(prec=6):
            low, high = Decimal(1) / (value + half), Decimal(1) / (value - half)
        figure = f"{_number(_end(low))}\u2013{_number(_end(high))}"
        note = (
            f"The ticker's {_number(value)} has {_WORDS[digits]} significant digit{'s' * (digits > 1)}: "
            f"it stands for anything from {_number(value - half)} to {_number(value + half)}, so "
            f"1 {rate.quote} buys from {_number(_end(low))} to {_number(_end(high))} {rate.base}."
        )
    else:
        with localcontext(prec=min(digits, 6)):
            figure, note = _number(Decimal(1) / value), ""
    other = f"1 {rate.quote} = {figure} {rate.base}"
    return (other if value < 1 else ticker), ticker, note


def _signed(rate: Rate) -> str:
    size = f"{abs(rate.change_percent):f}"
    return {"up": f"+{size}", "down": f"-{size}", "flat": size}.get(
        rate.direction or "", f"{rate.change_percent:f}"
    )


def _cell(quote: str) -> str:
    return " = ".join(html.escape(side).replace(" ", "&nbsp;") for side in quote.split(" = "))


def _rates_item(
    date: dt.date, rates: Sequence[Rate], config: FeedConfig, source: str, provider: dict[str, str]
) -> dict[str, Any]:
    said = [_said(r) for r in rates]
    changes = [f"{_signed(r)}%" for r in rates]
    cells = [
        (
            r.pair,
            lead,
            ticker,
            f"{change} (direction unknown)" if r.direction is None else f"{change} {_ARROWS[r.direction]}",
        )
        for r, (lead, ticker, _), change in zip(rates, said, changes, strict=True)
    ]
    widths = [max(len(row[i]) for row in (_COLUMNS, *cells)) for i in range(len(_COLUMNS))]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in (_COLUMNS, *cells)
    ]
    notes = [note for _, _, note in said if note] + [source]
    text = "\n".join([*lines, "", _EXPLANATION, *notes])
    rows = "\n".join(
        f'<tr><th scope="row"><abbr title="{r.base_name}">{r.base}</abbr>/<abbr title="{r.quote_name}">'
        f"{r.quote}</abbr></th><td>{_cell(lead)}</td><td>{_cell(ticker)}</td><td>{change} "
        f'<span class="arrow" title="{r.direction or "unknown"}">{_ARROWS[r.direction]}</span></td></tr>'
        for r, (lead, ticker, _), change in zip(rates, said, changes, strict=True)
    )
    paragraphs = "".join(f"<p>{html.escape(note)}</p>" for note in notes)
    grouped: dict[str, list[str]] = {}
    for lead, _, _ in said:
        unit, _, figure = lead.partition(" = ")
        grouped.setdefault(unit, []).append(figure)
    summary = "; ".join(f"{unit} = {', '.join(figures)}" for unit, figures in grouped.items())
    exact = [
        {
            "base": r.base,
            "quote": r.quote,
            "value": str(r.value),
            "inverse": str(r.inverse),
            "change_percent": _signed(r),
            "direction": r.direction,
            "date": r.date.isoformat(),
            "change_percent_as_written": str(r.change_percent),
            "rate_type": "news-site ticker",
            "official": False,
            "provider": provider,
        }
        for r in rates
    ]
    return {
        "id": config.tag("rates", date.isoformat()),
        "url": f"{config.url('rates.html')}#{date.isoformat()}",
        "title": f"{summary} on {date.day} {date:%B %Y}",
        "content_text": text,
        "content_html": f"{_TABLE_HEAD}\n<tbody>\n{rows}\n</tbody>\n</table>\n{paragraphs}",
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


_SCHEMA = (
    """CREATE TABLE articles (slug TEXT PRIMARY KEY, date TEXT, position INTEGER, title TEXT,
    summary TEXT, truncated INTEGER, figures TEXT) WITHOUT ROWID""",
    "CREATE INDEX articles_by_date ON articles (date DESC, position, slug)",
    """CREATE TABLE rates (base TEXT, quote TEXT, date TEXT, value TEXT, change TEXT,
    PRIMARY KEY (base, quote, date)) WITHOUT ROWID""",
)


def backfill(paths: Sequence[str], out: Path, database: Path, size: int) -> dict[str, int]:
    """Read, parse, store and write every dump of ``paths``; the items written, by file name."""
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        conn.execute("BEGIN")
        for statement in _SCHEMA:
            conn.execute(statement)
        for path in paths:
            _store(conn, parse_dump(Path(path).read_bytes(), source=path))
        written = _write_pages(conn, out, size)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return written


def _store(conn: sqlite3.Connection, dump: Dump) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (a.slug, a.date.isoformat(), a.position, a.title, a.summary, a.truncated, _figures(a.figures))
            for a in dump.articles
        ],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO rates VALUES (?, ?, ?, ?, ?)",
        [(r.base, r.quote, r.date.isoformat(), str(r.value), str(r.change_percent)) for r in dump.rates],
    )


def _figures(figures: tuple[Figure, ...]) -> str:
    return json.dumps([[f.caption, f.attachment_id, f.width, f.align] for f in figures])


def _write_pages(conn: sqlite3.Connection, out: Path, size: int) -> dict[str, int]:
    """The newest ``size`` entries as the feed, the older ones in pages of ``size``, oldest first
    (page 1 the oldest, the newest page holding what is left, two pages at least), as ours cuts them."""
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    older = max(0, total - size)
    pages = max(older // size + 1, 2) if older else 0
    sizes = [size] * (pages - 1) + [older - size * (pages - 1)] if pages else []
    rows = _entries(conn)
    chunks = [("", size), *((f"-{index}", sizes[index - 1]) for index in range(pages, 0, -1))]
    (out / "archive").mkdir(parents=True, exist_ok=True)
    config, written = FeedConfig(limit=size), {}
    for suffix, count in chunks:
        entries = tuple(islice(rows, count))
        for kind, write in (("rss", rss), ("atom", atom)):
            name = f"archive/{kind}{suffix}.xml" if suffix else f"{kind}.xml"
            (out / name).write_bytes(write(entries, config))
            written[name] = len(entries)
    return written


def _entries(conn: sqlite3.Connection) -> Iterator[Entry]:
    rows = conn.execute("SELECT * FROM articles ORDER BY date DESC, position, slug")
    for slug, date, position, title, summary, truncated, figures in rows:
        stamp = Stamp(dt.date.fromisoformat(date), position)
        shown = tuple(Figure(*fields) for fields in json.loads(figures))
        article = Article(title, summary, stamp.date, slug, bool(truncated), shown, position)
        yield Entry(article, stamp, stamp)


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
