"""Media types, spelled once: what the renderer names in its links, what the output folder's files
are by their names, what serve sends, websub pings and audit expects (``examples/nginx.conf``
types files by the same rule; tests/test_nginx.py holds it to this one).
"""

from __future__ import annotations

from pathlib import PurePosixPath

RSS = "application/rss+xml"
ATOM = "application/atom+xml"
JSON_FEED = "application/feed+json"
HTML = "text/html"
PLAIN_TEXT = "text/plain"
OCTET_STREAM = "application/octet-stream"
_OTHER_TYPES = {".csv": "text/csv", ".svg": "image/svg+xml", ".txt": PLAIN_TEXT}
PAIR_FEEDS = "rates"  # the folder of the feeds of one currency pair each (rates/KZT-USD.xml): subscribed to
FEED_TYPES = frozenset({RSS, ATOM, JSON_FEED})
TEXT_TYPES = frozenset({*FEED_TYPES, HTML, *_OTHER_TYPES.values()})
"""Every type ``media_type`` gives but the unknown: text in UTF-8, which gzip shrinks."""


def media_type(name: str) -> str:
    """The media type (without charset) of a published file, from its name.

    Every ``.xml`` is Atom but the RSS ones (``rss.xml``, ``archive/rss-K.xml``), so a new XML feed is
    Atom unless named ``rss*``; ``examples/nginx.conf`` types files by the same rule.
    """
    path = PurePosixPath(name)
    if path.suffix == ".json":
        return JSON_FEED
    if path.suffix in (".html", ".htm"):
        return HTML
    if path.suffix == ".xml":
        return RSS if path.name.startswith("rss") else ATOM
    return _OTHER_TYPES.get(path.suffix, OCTET_STREAM)
