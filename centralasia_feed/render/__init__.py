"""Feeds and pages from models: RSS 2.0 and Atom 1.0 (through feedgen), JSON Feed 1.1, the landing page;
the rates as JSON Feed and Atom (all pairs, and one pair a feed), CSV and a page.

Every function takes values and a FeedConfig and returns the document's bytes, deterministic
(never the clock) and valid whatever the text holds. Articles come as ``Entry`` values, dated
where they first appeared (the archive gives them; ``entries_of`` makes them from parsed articles),
in the order to publish, newest first; the renderer neither sorts nor limits them, and drops a
repeated slug (the first wins). This is the only package that imports feedgen.
"""

from __future__ import annotations

from .archive_links import ArchiveLinks
from .jsonfeed import render_json_feed
from .landing import render_landing
from .rates import render_rates_atom, render_rates_feed
from .rates_csv import render_rates_csv
from .rates_page import render_rates_page
from .xml import render_atom, render_rss

__all__ = [
    "ArchiveLinks",
    "render_atom",
    "render_json_feed",
    "render_landing",
    "render_rates_atom",
    "render_rates_csv",
    "render_rates_feed",
    "render_rates_page",
    "render_rss",
]
