"""Feeds and pages from models: RSS 2.0 and Atom 1.0 (through feedgen), JSON Feed 1.1, the landing page;
the rates as JSON Feed and Atom (all pairs, and one pair a feed), CSV and a page.

Every function takes values and a FeedConfig and returns the document's bytes, deterministic
(never the clock) and valid whatever the text holds. Articles come as ``Entry`` values, dated
where they first appeared (the archive gives them; ``entries_of`` makes them from parsed articles),
in the order to publish, newest first; the renderer neither sorts nor limits them, and drops a
repeated slug (the first wins). This is the only package that imports feedgen.

Documents of many items (a backfill's archive pages, a feed of a long ``--limit``) are written in
pieces: ``prepare`` works out the items once for every format (``Lazy`` a batch at a time, as they
are written; ``prepare_rows`` from the archive's rows as they are read, for its archive pages), and
``rss_chunks``, ``atom_chunks`` and ``json_feed_chunks`` give a document's bytes a batch of items at
a time, the same bytes as the ``render_`` functions, so memory follows one batch rather than the
document.
"""

from __future__ import annotations

from .archive_links import ArchiveLinks
from .items import Item, Lazy, prepare, prepare_rows
from .jsonfeed import json_feed_chunks, render_json_feed
from .landing import render_landing
from .rates import render_rates_atom, render_rates_feed
from .rates_csv import render_rates_csv
from .rates_page import render_rates_page
from .xml import atom_chunks, render_atom, render_rss, rss_chunks

__all__ = [
    "ArchiveLinks",
    "Item",
    "Lazy",
    "atom_chunks",
    "json_feed_chunks",
    "prepare",
    "prepare_rows",
    "render_atom",
    "render_json_feed",
    "render_landing",
    "render_rates_atom",
    "render_rates_csv",
    "render_rates_feed",
    "render_rates_page",
    "render_rss",
    "rss_chunks",
]
