"""The landing page, index.html: what a person opens first, and where a feed reader finds the feeds.

Valid HTML5 with no script and no external resource: autodiscovery links and subscribe links for
all four feeds, the latest rates and, where the archive has history, one inline SVG chart per pair,
then the newest articles, each with the opening of its excerpt. Every piece of text is escaped.

The page links the feeds by relative URLs (``rss.xml``), which browsers and feed readers resolve
against the page's own address: the page works wherever the folder is served (another port or
host, a path behind a proxy, a file:// preview) even when ``feed_url`` names somewhere else. The
feeds themselves keep absolute self links and ids, as feed readers need.

On a phone the rates table keeps every column: smaller text and padding below 32rem, and below
23rem (the narrowest phones) the Inverse column gives way, as the caption says how to get it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .._media import ATOM, JSON_FEED, RSS
from .._version import GENERATOR, __version__
from ..config import FeedConfig
from ..models import Entry, Rate
from . import items, safe
from .chart import chart_svg
from .dates import long_date
from .rates import by_date, table_html

TEASER = 320  # characters of an excerpt shown on the page; the title links to the whole text

STYLE = """
body{font:1rem/1.5 system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:0 1rem;overflow-wrap:anywhere}
body{color:#222;background:#fff}a{color:#0645ad}
h1{font-size:1.6rem;margin-bottom:0}h2{margin-top:2rem}h3{font-size:1.1rem;margin:0}
ol.articles{list-style:none;padding:0}ol.articles li{margin:0 0 1.2rem}
.meta{color:#555;font-size:.9rem;margin:.2rem 0}
.mark{border:1px solid #999;border-radius:.3rem;padding:0 .3rem}
.scroll{overflow-x:auto;margin-bottom:1.5rem}table{border-collapse:collapse}caption{text-align:left;font-size:.9rem;color:#555}
th,td{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:right}
th[scope=row],thead th,td:last-child{text-align:left}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:1rem}
.charts figure{margin:0}figcaption{font-weight:bold}
svg{width:100%;height:auto;font-size:11px}svg .axis{stroke:#bbb}
@media (max-width:32rem){body{padding:0 .75rem}table{font-size:.85rem}th,td{padding:.2rem .3rem}}
@media (max-width:23rem){table{font-size:.8rem}th,td{padding:.15rem .2rem}
th:nth-child(3),td:nth-child(3){display:none}}
""".strip()


def feeds(config: FeedConfig) -> tuple[tuple[str, str, str], ...]:
    """(file, media type, title) of every feed, in the order they are offered."""
    title = safe.line(config.title)
    return (
        ("rss.xml", RSS, f"{title} (RSS)"),
        ("atom.xml", ATOM, f"{title} (Atom)"),
        ("feed.json", JSON_FEED, f"{title} (JSON Feed)"),
        ("rates.json", JSON_FEED, f"{title}: exchange rates (JSON Feed)"),
    )


def render_landing(
    entries: Sequence[Entry],
    rates: Sequence[Rate],
    config: FeedConfig,
    *,
    history: Mapping[str, Sequence[Rate]] | None = None,
) -> bytes:
    """The landing page; ``history`` maps a pair to its rates, oldest first, for the charts."""
    body = [_header(config), "<main>", _subscribe(config), _rates(rates, history or {})]
    body += [_articles(items.unique(entries), config), "</main>"]
    body.append(_footer())
    lines = ["<!DOCTYPE html>", f'<html lang="{safe.escape(config.language)}">', _head(config)]
    lines += ["<body>", *body, "</body>", "</html>", ""]
    return "\n".join(lines).encode("utf-8")


def _footer() -> str:
    version = safe.escape(__version__)
    note = "Article links are the probable addresses of the articles on the source site."
    return f"<footer>\n<p>{note} Made by {GENERATOR} {version}.</p>\n</footer>"


def _head(config: FeedConfig) -> str:
    links = [
        f'<link rel="alternate" type="{kind}" title="{safe.escape(title)}" href="{safe.escape(name)}">'
        for name, kind, title in feeds(config)
    ]
    return "\n".join(
        [
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{safe.escape(safe.line(config.title))}</title>",
            f'<meta name="description" content="{safe.escape(safe.line(config.description))}">',
            '<link rel="icon" href="data:,">',  # no icon: browsers then ask no /favicon.ico
            *links,
            f"<style>\n{STYLE}\n</style>",
            "</head>",
        ]
    )


def _header(config: FeedConfig) -> str:
    title, description = safe.escape(safe.line(config.title)), safe.escape(config.description)
    return f"<header>\n<h1>{title}</h1>\n<p>{description}</p>\n</header>"


def _subscribe(config: FeedConfig) -> str:
    links = "\n".join(
        f'<li><a href="{safe.escape(name)}" type="{kind}">{safe.escape(title)}</a></li>'
        for name, kind, title in feeds(config)
    )
    return _section("subscribe", "Subscribe", f"<ul>\n{links}\n</ul>")


def _section(name: str, heading: str, content: str) -> str:
    """A section labelled by its heading; ``heading`` and ``content`` are already HTML."""
    return f'<section aria-labelledby="{name}">\n<h2 id="{name}">{heading}</h2>\n{content}\n</section>'


def _articles(entries: Sequence[Entry], config: FeedConfig) -> str:
    rows = "\n".join(_article(entry, config) for entry in entries) or "<li>No articles yet.</li>"
    return _section("articles", "Latest articles", f'<ol class="articles">\n{rows}\n</ol>')


def _article(entry: Entry, config: FeedConfig) -> str:
    """Title linked to the source, first edition date, an excerpt mark where the site cut the text."""
    day = entry.published.date
    mark = ' <span class="mark" title="The site shows only the start of this article">excerpt</span>'
    meta = f'<time datetime="{day.isoformat()}">{long_date(day)}</time>'
    meta += mark if entry.article.truncated else ""
    link = safe.escape(items.item_link(entry, config))
    opening = safe.escape(teaser(items.excerpt(entry.article)))
    return (
        f'<li><article>\n<h3><a href="{link}">{safe.escape(items.title(entry))}</a></h3>\n'
        f'<p class="meta">{meta}</p>\n<p>{opening}</p>\n</article></li>'
    )


def teaser(excerpt: str, most: int = TEASER) -> str:
    """The opening of an excerpt, cut at a word, so the page lists articles rather than reads them."""
    if len(excerpt) <= most:
        return excerpt
    cut = excerpt[:most].rsplit(" ", 1)[0] if " " in excerpt[:most] else excerpt[:most]
    return cut.rstrip(" ,;:.") + " …"


def _rates(rates: Sequence[Rate], history: Mapping[str, Sequence[Rate]]) -> str:
    groups = by_date(rates)
    if not groups:
        table = "<p>No exchange rates yet.</p>"
        heading = "Exchange rates"
    else:
        day, latest = groups[0]
        table = f'<div class="scroll">\n{table_html(latest)}\n</div>'
        heading = f"Exchange rates, {long_date(day)}"
    return _section("rates", heading, "\n".join(part for part in (table, _charts(history)) if part))


def _charts(history: Mapping[str, Sequence[Rate]]) -> str:
    """One figure per pair with two or more dates, sorted by pair; "" when there is none."""
    figures = []
    for number, pair in enumerate(sorted(history), 1):
        svg = chart_svg(history[pair], f"chart-{number}")
        if svg:
            caption = f"<figcaption>{safe.escape(safe.line(pair))}</figcaption>"
            figures.append(f"<figure>\n{caption}\n{svg}\n</figure>")  # the name above its chart
    if not figures:
        return ""
    return '<h3>History</h3>\n<div class="charts">\n' + "\n".join(figures) + "\n</div>"
