"""audit(): the checks, in the order a reader meets what they check, and the table that shows them."""

from __future__ import annotations

import datetime as dt
import textwrap
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import product

import lxml.html
from lxml import etree

from .._media import ATOM, HTML, JSON_FEED, RSS
from ..errors import ConfigError
from ..publish import LOCK_NAME as HIDDEN  # a hidden file every build leaves: never to be served
from . import _feeds
from ._client import ORIGIN, Client, Response

TIMEOUT = 10.0
JSON = "application/json"  # no type of ours, but one a site may link its JSON Feed as
FEED_TYPES = {RSS: "rss", ATOM: "atom", JSON_FEED: "json", JSON: "json"}  # link types, and the formats
CHECKS = (
    "fetched",
    "media type",
    "feeds linked",
    "hidden files",
    "self link",
    "validators",
    "304",
    "gzip",
    "CORS",
    "well-formed",
    "required fields",
    "unique ids",
    "no future dates",
)


@dataclass(frozen=True)
class Finding:
    """One check of one address: whether it holds, and what was seen when it does not."""

    url: str
    check: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class Audit:
    """Everything checked of a site: its landing page, the feeds it links, each finding in order."""

    url: str
    feeds: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def failures(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if not finding.ok)

    def table(self) -> list[str]:
        """A row per address (the landing page, then each feed) with how many of its checks hold
        and the names of those that fail, so a site of many feeds still fits a terminal; then a line
        per failure saying what was seen, then the count."""
        urls = (self.url, *self.feeds)
        rows = [["address", "holds", "fails"], *map(self._row_of, urls)]
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        lines = [*textwrap.wrap(f"checks: {', '.join(CHECKS)}", 80), *(_row(row, widths) for row in rows)]
        order = {(url, check): index for index, (url, check) in enumerate(product(urls, CHECKS))}
        failures = sorted(self.failures, key=lambda found: order[found.url, found.check])
        lines += [f"{self.label(found.url)}: {found.check}: {found.detail}" for found in failures]
        total, failed = len(self.findings), len(self.failures)
        lines.append(f"{failed} of {total} checks failed" if failed else f"all {total} checks hold")
        return lines

    def _row_of(self, url: str) -> list[str]:
        """An address's row: its label, how many of its checks hold, and the ones that fail."""
        found = [finding for finding in self.findings if finding.url == url]
        failed = sorted({finding.check for finding in found if not finding.ok}, key=CHECKS.index)
        holds = sum(finding.ok for finding in found)
        return [self.label(url), f"{holds} of {len(found)}", ", ".join(failed)]

    def label(self, url: str) -> str:
        """An address as a column names it: ``landing``, or relative to the landing page's folder."""
        if url == self.url:
            return "landing"
        folder = urllib.parse.urljoin(self.url, ".")
        return url.removeprefix(folder) if url.startswith(folder) and url != folder else url


Add = Callable[[str, bool, str], None]


def audit(url: str, *, timeout: float = TIMEOUT, now: dt.datetime | None = None) -> Audit:
    """Audit the site whose landing page is ``url``, each request answered within ``timeout``
    seconds; ``now`` (default: the clock) is when an item would be dated in the future."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"must be an absolute http(s) URL, not {url!r}", field="url")
    if not timeout > 0:
        raise ConfigError(f"must be more than 0 seconds, not {timeout}", field="timeout")
    client, clock = Client(timeout), now or dt.datetime.now(dt.UTC)
    found: list[Finding] = []
    landing = client.get(url)
    add = _recorder(found, landing.url)
    feeds: dict[str, str] = {}
    if _served(client, landing, {HTML}, add):
        feeds = _discover(landing)
        add("feeds linked", bool(feeds), "no autodiscovery link to a feed")
        hidden = client.get(urllib.parse.urljoin(landing.url, HIDDEN))
        add("hidden files", hidden.status != 200, f"{HIDDEN} is served: copy the folder without hidden files")
    for feed, linked in feeds.items():
        add = _recorder(found, feed)
        types = {linked, JSON_FEED} if linked == JSON else {linked}
        response = client.get(feed)
        if _served(client, response, types, add):
            _check_feed(response, FEED_TYPES[linked], clock, add)
    return Audit(landing.url, tuple(feeds), tuple(found))


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def _recorder(found: list[Finding], url: str) -> Add:
    """Records findings about ``url``; the detail is kept for failures only."""
    return lambda check, ok, detail: found.append(Finding(url, check, ok, "" if ok else detail))


def _served(client: Client, response: Response, types: set[str], add: Add) -> bool:
    """The checks every address gets: answered, typed, revalidated, compressed, shareable."""
    add("fetched", response.status == 200, f"{response.status} {response.reason}")
    if response.status != 200:
        return False
    content_type, expected = response.header("content-type"), " or ".join(sorted(types))
    if response.media_type() not in types:
        add("media type", False, f"{content_type or 'no Content-Type'}, not {expected}")
    else:
        add("media type", _charset(content_type) in ("", "utf-8"), f"{content_type}: not UTF-8")
    etag, modified = response.header("etag"), response.header("last-modified")
    missing = [name for name, value in (("ETag", etag), ("Last-Modified", modified)) if not value]
    add("validators", not missing, f"no {' and no '.join(missing)}")
    add("304", *_revalidates(client, response.url, etag, modified))
    vary = {token.strip().lower() for token in response.header("vary").split(",")}
    gzipped = response.header("content-encoding").lower() == "gzip" and bool(vary & {"accept-encoding", "*"})
    add("gzip", gzipped, f"Content-Encoding: {response.header('content-encoding') or 'none'}, "
                         f"Vary: {response.header('vary') or 'none'}")  # fmt: skip
    origin = response.header("access-control-allow-origin")
    add("CORS", origin in ("*", ORIGIN), f"Access-Control-Allow-Origin: {origin or 'none'}")
    return True


def _charset(content_type: str) -> str:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return ""


def _revalidates(client: Client, url: str, etag: str, modified: str) -> tuple[bool, str]:
    """Whether each validator, sent back alone, is answered 304."""
    validators = (("If-None-Match", etag), ("If-Modified-Since", modified))
    asked = [(name, value) for name, value in validators if value]
    if not asked:
        return False, "no ETag or Last-Modified to ask with"
    wrong = [f"{name} answered {client.get(url, {name: value}).status}" for name, value in asked]
    wrong = [answer for answer in wrong if not answer.endswith(" 304")]
    return not wrong, ", ".join(wrong)


def _discover(landing: Response) -> dict[str, str]:
    """The feeds a landing page links (address -> the media type its link gives), in page order."""
    try:
        page = lxml.html.document_fromstring(landing.body)
    except (etree.ParserError, ValueError):
        return {}
    bases = page.xpath("//base/@href")
    base = landing.url
    if isinstance(bases, list) and bases:
        base = urllib.parse.urljoin(base, str(bases[0]))
    feeds: dict[str, str] = {}
    for link in page.iter("link"):
        rels = str(link.get("rel", "")).lower().split()
        linked = str(link.get("type", "")).strip().lower()
        if "alternate" in rels and linked in FEED_TYPES and link.get("href"):
            address = urllib.parse.urldefrag(urllib.parse.urljoin(base, str(link.get("href")))).url
            feeds.setdefault(address, linked)
    return feeds


def _check_feed(response: Response, kind: str, clock: dt.datetime, add: Add) -> None:
    """The checks of a feed's own content: its format's fields, its self link, ids and dates."""
    try:
        facts = _feeds.read(response.body, kind)
    except (ValueError, etree.XMLSyntaxError) as exc:  # json's JSONDecodeError is a ValueError
        add("well-formed", False, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        return
    add("well-formed", True, "")
    seen = f"{facts.self_link}, fetched from {response.url}" if facts.self_link else "no self link"
    add("self link", facts.self_link == response.url, seen)
    add("required fields", not facts.missing, _some("missing", facts.missing))
    repeated = [id_ for id_, count in Counter(facts.ids).items() if count > 1]
    add("unique ids", not repeated, _some("repeated", repeated))
    unreadable = [f"{id_} {written!r}" for id_, written, date in facts.dates if date is None]
    future = [f"{id_} {written}" for id_, written, date in facts.dates if date is not None and date > clock]
    after = f"dated after {clock:%Y-%m-%d %H:%M}"
    seen = _some("unreadable", unreadable) if unreadable else _some(after, future)
    add("no future dates", not unreadable and not future, seen)


def _some(what: str, items: list[str]) -> str:
    more = f" and {len(items) - 3} more" if len(items) > 3 else ""
    return f"{what}: {'; '.join(items[:3])}{more}"
