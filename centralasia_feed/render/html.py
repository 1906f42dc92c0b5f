"""What the two HTML pages, the landing page (index.html) and the rates page (rates.html), share:
the list of feeds they offer, the ``<head>`` with its autodiscovery links, the style, the footer.

Valid HTML5 with no script and no external resource: one inline ``<style>`` (light and dark, as the
reader's ``prefers-color-scheme`` asks) and a ``data:`` icon, which is all serve's Content Security
Policy allows. Feeds are linked by relative URLs (``rss.xml``), which browsers and feed readers
resolve against the page's own address, so the pages work wherever the folder is served.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .._media import ATOM, JSON_FEED, RSS
from .._version import GENERATOR, __version__
from ..config import FeedConfig
from ..models import Rate, currency_name
from . import safe
from .rates import RATES_CSV, RATES_PAGE, pair_path

STYLE = """
:root{color-scheme:light dark}
body{font:1rem/1.5 system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:0 1rem;overflow-wrap:anywhere}
body{color:#222;background:#fff}a{color:#0645ad}
h1{font-size:1.6rem;margin-bottom:0}h2{margin-top:2rem}h3{font-size:1.1rem;margin:0}
ol.articles{list-style:none;padding:0}ol.articles li{margin:0 0 1.2rem}
.meta,.note,caption{color:#555;font-size:.9rem}.meta{margin:.2rem 0}
.mark{border:1px solid #999;border-radius:.3rem;padding:0 .3rem}
.scroll{overflow-x:auto;margin-bottom:1rem}table{border-collapse:collapse;overflow-wrap:normal}
caption{text-align:left;caption-side:bottom;padding-top:.4rem}
th,td{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}
th[scope=row],td:last-child{white-space:nowrap}table.days caption{caption-side:top;padding:0 0 .4rem}
tbody th[colspan]{padding-top:1rem;font-size:1.05rem}tbody:target{background:#fff6d5}
ul.pairs{padding-left:1.2rem}
.charts{margin-top:.5rem;display:grid;grid-template-columns:repeat(auto-fill,minmax(18rem,1fr));gap:1rem}
.charts figure{margin:0}figcaption{font-weight:bold}figcaption span{font-weight:normal}
svg.chart{width:100%;height:auto;font-size:12px}
.chart text{fill:currentColor}.chart .note{fill:#666;font-size:10px}.chart .value{font-weight:bold}
.chart .grid{stroke:#e3e3e3}.chart .axis{stroke:#999}
.chart .line{fill:none;stroke:#0645ad;stroke-width:1.5}.chart .point{fill:#0645ad}
.chart .latest{fill:none;stroke:#0645ad;stroke-width:1.5}
@media (prefers-color-scheme:dark){body{color:#e4e4e4;background:#121212}a{color:#8ab4f8}
.meta,.note,caption{color:#aaa}th,td{border-bottom-color:#3a3a3a}tbody:target{background:#3b3415}
.chart .note{fill:#aaa}.chart .grid{stroke:#333}.chart .axis{stroke:#777}
.chart .line,.chart .latest{stroke:#8ab4f8}.chart .point{fill:#8ab4f8}}
@media (max-width:32rem){body{padding:0 .75rem}table{font-size:.85rem}th,td{padding:.2rem .3rem}}
@media (max-width:23rem){table{font-size:.75rem}th,td{padding:.15rem .15rem}}
""".strip()

Feed = tuple[str, str, str]  # file, media type, title


def pairs_of(history: Mapping[str, Sequence[Rate]]) -> list[tuple[str, str]]:
    """(base, quote) of each pair with a history, sorted."""
    return sorted({(rates[0].base, rates[0].quote) for rates in history.values() if rates})


def feeds(config: FeedConfig, pairs: Sequence[tuple[str, str]] = ()) -> tuple[Feed, ...]:
    """(file, media type, title) of every feed, in the order they are offered: the articles', the
    rates', then each pair's (``pairs``, as (base, quote)) that has feeds of its own."""
    title = safe.line(config.title)
    offered = [
        ("rss.xml", RSS, f"{title} (RSS)"),
        ("atom.xml", ATOM, f"{title} (Atom)"),
        ("feed.json", JSON_FEED, f"{title} (JSON Feed)"),
        ("rates.xml", ATOM, f"{title}: exchange rates (Atom)"),
        ("rates.json", JSON_FEED, f"{title}: exchange rates (JSON Feed)"),
    ]
    for base, quote in pairs:
        path = pair_path(base, quote)
        if path is not None:
            named = f"{title}: {currency_name(base)} ({base}/{quote})"
            offered += [
                (f"{path}.xml", ATOM, f"{named} (Atom)"),
                (f"{path}.json", JSON_FEED, f"{named} (JSON Feed)"),
            ]
    return tuple(offered)


def head(config: FeedConfig, title: str, offered: Sequence[Feed], description: str) -> str:
    """The ``<head>``: metadata, autodiscovery links to every feed offered, the style."""
    links = [
        f'<link rel="alternate" type="{kind}" title="{safe.escape(name)}" href="{safe.escape(path)}">'
        for path, kind, name in offered
    ]
    return "\n".join(
        [
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="color-scheme" content="light dark">',
            f"<title>{safe.escape(safe.line(title))}</title>",
            f'<meta name="description" content="{safe.escape(safe.line(description))}">',
            '<link rel="icon" href="data:,">',  # no icon: browsers then ask no /favicon.ico
            *links,
            f"<style>\n{STYLE}\n</style>",
            "</head>",
        ]
    )


def document(config: FeedConfig, head_html: str, body: Sequence[str]) -> bytes:
    """A whole page: doctype, ``<html lang>``, the head, the body's parts, the footer."""
    lines = ["<!DOCTYPE html>", f'<html lang="{safe.escape(config.language)}">', head_html, "<body>"]
    lines += [*body, footer(), "</body>", "</html>", ""]
    return "\n".join(lines).encode("utf-8")


def footer() -> str:
    version = safe.escape(__version__)
    note = "Article links are the probable addresses of the articles on the source site."
    return f"<footer>\n<p>{note} Made by {GENERATOR} {version}.</p>\n</footer>"


def section(name: str, heading: str, content: str) -> str:
    """A section labelled by its heading; ``heading`` and ``content`` are already HTML."""
    return f'<section aria-labelledby="{name}">\n<h2 id="{name}">{heading}</h2>\n{content}\n</section>'


def feed_list(offered: Sequence[Feed]) -> str:
    """Links to the main feeds, then one line per pair with its two formats."""
    main = [feed for feed in offered if "/" not in feed[0]]
    per_pair: dict[str, list[Feed]] = {}
    for feed in offered:
        if "/" in feed[0]:
            per_pair.setdefault(feed[0].rsplit(".", 1)[0], []).append(feed)
    items = [
        f'<li><a href="{safe.escape(path)}" type="{kind}">{safe.escape(name)}</a></li>'
        for path, kind, name in main
    ]
    html = "<ul>\n" + "\n".join(items) + "\n</ul>"
    if per_pair:
        lines = [_pair_line(path, formats) for path, formats in per_pair.items()]
        html += '\n<p>One currency a feed:</p>\n<ul class="pairs">\n' + "\n".join(lines) + "\n</ul>"
    return html


def _pair_line(path: str, formats: Sequence[Feed]) -> str:
    pair = path.rsplit("/", 1)[-1].replace("-", "/")
    base = pair.split("/")[0]
    links = " · ".join(
        f'<a href="{safe.escape(file)}" type="{kind}">{"Atom" if kind == ATOM else "JSON Feed"}</a>'
        for file, kind, _ in formats
    )
    return f"<li>{safe.escape(currency_name(base))} ({safe.escape(pair)}): {links}</li>"


def rates_links(charted: bool) -> str:
    """Where the rates go on: every day on the rates page (whose charts are named only where
    there are some: a pair needs two dates to be drawn), and all of them as CSV."""
    page = "Every day since the first, with charts" if charted else "Every day since the first"
    return (
        f'<p><a href="{RATES_PAGE}">{page}</a> · '
        f'<a href="{RATES_CSV}" type="text/csv">all rates as CSV</a></p>'
    )
