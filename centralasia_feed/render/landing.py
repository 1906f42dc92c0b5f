"""The landing page, index.html: what a person opens first, and where a feed reader finds the feeds.

Valid HTML5 with no script and no external resource (see ``html``): autodiscovery links and
subscribe links for every feed (the articles', the rates', each pair's), the latest rates, people's
quote first, with links to the rates page and the CSV, and where the archive has history one inline
SVG chart per pair; then the newest articles, each with the opening of its excerpt. Every piece of
text is escaped.

The page links the feeds by relative URLs (``rss.xml``), which browsers and feed readers resolve
against the page's own address: the page works wherever the folder is served (another port or
host, a path behind a proxy, a file:// preview) even when ``feed_url`` names somewhere else. The
feeds themselves keep absolute self links and ids, as feed readers need.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..config import FeedConfig
from ..models import Entry, Rate
from . import chart, html, items, safe, tables
from .dates import long_date
from .rates import by_date

TEASER = 320  # characters of an excerpt shown on the page; the title links to the whole text


def render_landing(
    entries: Sequence[Entry],
    rates: Sequence[Rate],
    config: FeedConfig,
    *,
    history: Mapping[str, Sequence[Rate]] | None = None,
) -> bytes:
    """The landing page; ``history`` maps a pair to its rates, oldest first, for the charts and
    the pairs' own feeds."""
    history = history or {}
    return landing_bytes(entries, rates, config, html.pairs_of(history), chart.figures(history))


def landing_bytes(
    entries: Sequence[Entry],
    rates: Sequence[Rate],
    config: FeedConfig,
    pairs: Sequence[tuple[str, str]],
    charts: str,
) -> bytes:
    """The landing page, given the pairs whose feeds it offers and its ``charts`` already drawn
    (``chart.figures``), which the rates page shows too."""
    offered = html.feeds(config, pairs)
    head = html.head(config, config.title, offered, config.description)
    body = [_header(config), "<main>", html.section("subscribe", "Subscribe", html.feed_list(offered))]
    body += [_rates(rates, charts, config), _articles(items.unique(entries), config), "</main>"]
    return html.document(config, head, body)


def _header(config: FeedConfig) -> str:
    title, description = safe.escape(safe.line(config.title)), safe.escape(config.description)
    return f"<header>\n<h1>{title}</h1>\n<p>{description}</p>\n</header>"


def _articles(entries: Sequence[Entry], config: FeedConfig) -> str:
    rows = "\n".join(_article(entry, config) for entry in entries) or "<li>No articles yet.</li>"
    return html.section("articles", "Latest articles", f'<ol class="articles">\n{rows}\n</ol>')


def _article(entry: Entry, config: FeedConfig) -> str:
    """Title linked to the source, first edition date, an excerpt mark where the site cut the text."""
    day = entry.published.date
    mark = ' <span class="mark" title="The site shows only the start of this article">excerpt</span>'
    meta = f'<time datetime="{day.isoformat()}">{long_date(day)}</time>'
    meta += mark if entry.article.truncated else ""
    link = safe.escape(items.item_link(entry, config))
    opening = safe.escape(teaser(items.excerpt(entry.article.summary, entry.article.truncated)))
    return (
        f'<li><article>\n<h3><a href="{link}">{safe.escape(items.title(entry.article.title))}</a></h3>\n'
        f'<p class="meta">{meta}</p>\n<p>{opening}</p>\n</article></li>'
    )


def teaser(excerpt: str, most: int = TEASER) -> str:
    """The opening of an excerpt, cut at a word, so the page lists articles rather than reads them."""
    if len(excerpt) <= most:
        return excerpt
    cut = excerpt[:most].rsplit(" ", 1)[0] if " " in excerpt[:most] else excerpt[:most]
    return cut.rstrip(" ,;:.") + " …"


def _rates(rates: Sequence[Rate], charts: str, config: FeedConfig) -> str:
    groups = by_date(rates)
    if not groups:
        return html.section("rates", "Exchange rates", "<p>No exchange rates yet.</p>")
    day, latest = groups[0]
    parts = [
        f'<div class="scroll">\n{tables.table_html(latest)}\n</div>',
        _provenance(config),
        html.rates_links(charted=bool(charts)),
    ]
    parts += ["<h3>History</h3>", charts] if charts else []
    return html.section("rates", f"Exchange rates, {long_date(day)}", "\n".join(parts))


def _provenance(config: FeedConfig) -> str:
    return f'<p class="note">{safe.escape(tables.provenance(config.author, config.source_url))}</p>'
