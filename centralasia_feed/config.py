"""FeedConfig: where the feeds live, what they say about themselves, and how ids are minted.

Ids are tag URIs (RFC 4151) fixed once for the whole feed: ``tag:timesca.com,2025:article/<slug>``.
They name neither the feed's host nor the build, so moving the output, rebuilding it, or reading the
dumps in another order never changes an id. Links to the source site are best guesses built from
WordPress's permalink rule and are never used as ids.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import ConfigError

UPDATE_PERIODS = ("hourly", "daily", "weekly", "monthly", "yearly")  # RSS 1.0 Syndication module
MAX_LIMIT = 1_000_000  # items per feed; SQLite cannot take a LIMIT past 2**63
_TAG_DATE = re.compile(r"\d{4}(-\d\d(-\d\d)?)?")
_AUTHORITY = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?")
_URI = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")  # RFC 3986 characters


def _http_url(name: str, url: object) -> urllib.parse.SplitResult:
    if not isinstance(url, str):
        raise ConfigError(f"must be a URL, not {url!r}", field=name)
    if not _URI.fullmatch(url):
        raise ConfigError(f"holds characters a URL cannot (percent-encode them): {url!r}", field=name)
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError as exc:
        raise ConfigError(f"is not a URL ({exc}): {url!r}", field=name) from exc
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"must be an absolute http(s) URL, not {url!r}", field=name)
    return parts


def absolute_url(name: str, url: str) -> str:
    """``url`` if it is an absolute http(s) URL of RFC 3986 characters alone (so it can go into
    XML, JSON and an HTTP header as it is); else a ConfigError naming the setting ``name``."""
    if _http_url(name, url).fragment:
        raise ConfigError(f"must not have a fragment: {url!r}", field=name)
    return url


def _absolute_folder_url(name: str, url: str) -> str:
    parts = _http_url(name, url)
    if parts.query or parts.fragment:
        raise ConfigError(f"must not have a query or fragment: {url!r}", field=name)
    return url if url.endswith("/") else url + "/"


def _optional_url(name: str, url: str | None) -> str | None:
    return None if url is None else absolute_url(name, url)


def _hubs(hubs: object) -> tuple[str, ...]:
    """The hub URLs in order, each once; a lone string is refused rather than read letter by letter."""
    if isinstance(hubs, (str, bytes)) or not isinstance(hubs, Iterable):
        raise ConfigError(f"must be a sequence of URLs, not {hubs!r}", field="hubs")
    return tuple(dict.fromkeys(absolute_url("hubs", hub) for hub in hubs))


def _whole(name: str, value: object, least: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ConfigError(f"must be a whole number of at least {least}, not {value!r}", field=name)


def _first_day(id_date: str) -> dt.date:
    """The first day of a tag date (``2025`` is 1 January 2025); ValueError if there is none."""
    return dt.date.fromisoformat(id_date + "-01-01"[len(id_date) - 4 :])


def _zone(name: str) -> dt.tzinfo:
    """The IANA zone ``name``; UTC even where no zone database is installed (the default must work
    everywhere; the ``tzdata`` dependency brings the others to systems without one)."""
    try:
        return zoneinfo.ZoneInfo(name)
    except zoneinfo.ZoneInfoNotFoundError:
        if name == "UTC":
            return dt.UTC
        raise


@dataclass(frozen=True)
class FeedConfig:
    """Everything a build needs besides the dumps. Invalid values raise ConfigError.

    ``hubs`` are WebSub hubs the feeds name (``rel="hub"``) and a build's caller pings. ``icon``
    (square, small) and ``logo`` (wide) identify the feeds in readers' lists. ``ttl`` (minutes)
    and ``update_period``/``update_frequency`` tell RSS pollers how often to come back.
    """

    feed_url: str = "http://127.0.0.1:8000/"
    source_url: str = "https://timesca.com/"
    title: str = "The Times of Central Asia"
    description: str = "News from Central Asia, with the daily exchange rates of its currencies."
    language: str = "en"
    author: str = "The Times of Central Asia"
    timezone: str = "UTC"
    limit: int = 50
    id_authority: str = "timesca.com"
    id_date: str = "2025"
    hubs: tuple[str, ...] = ()
    icon: str | None = None
    logo: str | None = None
    ttl: int = 180  # one edition a day: a reader sees it within three hours, polling 8 times a day
    update_period: str = "daily"
    update_frequency: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "feed_url", _absolute_folder_url("feed_url", self.feed_url))
        object.__setattr__(self, "source_url", _absolute_folder_url("source_url", self.source_url))
        object.__setattr__(self, "hubs", _hubs(self.hubs))
        object.__setattr__(self, "icon", _optional_url("icon", self.icon))
        object.__setattr__(self, "logo", _optional_url("logo", self.logo))
        self._check_zone()
        self._check_ids()
        self._check_polling()
        _whole("limit", self.limit, 1)
        if self.limit > MAX_LIMIT:
            raise ConfigError(f"must be at most {MAX_LIMIT:,}, not {self.limit:,}", field="limit")
        for name in ("title", "description", "language", "author"):
            if not str(getattr(self, name)).strip():
                raise ConfigError("must not be empty", field=name)

    def _check_zone(self) -> None:
        try:
            _zone(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            message = f"must be an IANA time zone (like Asia/Almaty), not {self.timezone!r}"
            raise ConfigError(message, field="timezone") from exc

    def _check_polling(self) -> None:
        _whole("ttl", self.ttl, 1)
        _whole("update_frequency", self.update_frequency, 1)
        if self.update_period not in UPDATE_PERIODS:
            periods = ", ".join(UPDATE_PERIODS)
            raise ConfigError(f"must be one of {periods}, not {self.update_period!r}", field="update_period")

    def _check_ids(self) -> None:
        if not _AUTHORITY.fullmatch(self.id_authority):
            raise ConfigError(
                f"must be a lower-case domain name: {self.id_authority!r}", field="id_authority"
            )
        if not _TAG_DATE.fullmatch(self.id_date):
            raise ConfigError(f"must be YYYY, YYYY-MM or YYYY-MM-DD: {self.id_date!r}", field="id_date")
        try:
            _first_day(self.id_date)
        except ValueError as exc:
            raise ConfigError(f"is not a real date: {self.id_date!r}", field="id_date") from exc

    @property
    def tz(self) -> dt.tzinfo:
        return _zone(self.timezone)

    @property
    def id_day(self) -> dt.date:
        """The first day of ``id_date``, a day the id authority already owned."""
        return _first_day(self.id_date)

    def url(self, path: str = "") -> str:
        """The absolute URL of a published file, such as ``rss.xml``."""
        return self.feed_url + path

    def source_link(self, slug: str) -> str:
        """The article's probable permalink on the source site (a best guess, never an id)."""
        return f"{self.source_url}{slug}/"

    def tag(self, *parts: str) -> str:
        """A permanent id: ``tag:<authority>,<date>:<parts joined by />``."""
        return f"tag:{self.id_authority},{self.id_date}:{'/'.join(parts)}"
