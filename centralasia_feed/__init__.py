"""centralasia_feed: scraped news-site dumps in, valid feeds out.

Parse a dump into typed values, with every line it could not use named as a problem::

    >>> from centralasia_feed import parse_dump, bundled_seeds
    >>> dump = parse_dump(bundled_seeds()[0].read_bytes(), source="seed.txt")
    >>> dump.pages[0].date
    datetime.date(2025, 1, 5)
    >>> [str(rate.value) for rate in dump.rates][:2]
    ['0.01149', '0.00191']

Publish RSS 2.0, Atom 1.0, a JSON Feed of the articles, a JSON Feed of the rates and a landing page,
remembering across runs what was published (so readers never see an item twice)::

    >>> from centralasia_feed import FeedConfig, build
    >>> config = FeedConfig(feed_url="https://feeds.example.org/centralasia/")
    >>> report = build(["today.txt"], "public", config, archive="centralasia_feed.sqlite")  # doctest: +SKIP

Tell the WebSub hubs the config names (``FeedConfig(hubs=...)``) which feeds changed; ``build()``
itself never touches the network::

    >>> from centralasia_feed import ping
    >>> results = ping(config.hubs, report.topics)  # doctest: +SKIP

Serve the folder to feed readers, with conditional GET and gzip::

    >>> from centralasia_feed import serve
    >>> serve("public", "127.0.0.1", 8000)  # doctest: +SKIP

Audit a served site from outside, as a feed reader finds it::

    >>> from centralasia_feed import audit
    >>> print("\n".join(audit("https://feeds.example.org/").table()))  # doctest: +SKIP

Everything this package raises on purpose is a ``CentralAsiaFeedError``.
"""

from ._jsonable import dump_to_dict
from ._version import __version__
from .archive import Archive
from .audit import Audit, Finding, audit
from .config import FeedConfig
from .errors import (
    ArchiveError,
    AuditError,
    CentralAsiaFeedError,
    ConfigError,
    DumpError,
    FewerArticlesError,
    PublishError,
    RenderError,
    ServeError,
)
from .models import Article, Dump, Entry, Figure, Page, Problem, Rate, Stamp, currency_name, entries_of
from .parse import parse_dump, slugify
from .pipeline import BuildReport, OutputFile, Progress, build, bundled_seeds, read_dump
from .render import (
    ArchiveLinks,
    render_atom,
    render_json_feed,
    render_landing,
    render_rates_atom,
    render_rates_csv,
    render_rates_feed,
    render_rates_page,
    render_rss,
)
from .serve import make_server, serve
from .websub import PingResult, ping

__all__ = [
    "Archive",
    "ArchiveError",
    "ArchiveLinks",
    "Article",
    "Audit",
    "AuditError",
    "BuildReport",
    "CentralAsiaFeedError",
    "ConfigError",
    "Dump",
    "DumpError",
    "Entry",
    "FeedConfig",
    "FewerArticlesError",
    "Figure",
    "Finding",
    "OutputFile",
    "Page",
    "PingResult",
    "Problem",
    "Progress",
    "PublishError",
    "Rate",
    "RenderError",
    "ServeError",
    "Stamp",
    "__version__",
    "audit",
    "build",
    "bundled_seeds",
    "currency_name",
    "dump_to_dict",
    "entries_of",
    "make_server",
    "parse_dump",
    "ping",
    "read_dump",
    "render_atom",
    "render_json_feed",
    "render_landing",
    "render_rates_atom",
    "render_rates_csv",
    "render_rates_feed",
    "render_rates_page",
    "render_rss",
    "serve",
    "slugify",
]
