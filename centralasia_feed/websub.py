"""WebSub (a W3C Recommendation): which published feeds are topics, which hubs they name, and the
publisher's ping that tells a hub a topic changed, so the hub pushes it to its subscribers.

The only network client in the package, and a stage after publishing: ``build()`` never touches the
network. Its report names the feeds that changed (``BuildReport.topics``) and ``ping`` tells the
hubs; the command line calls both. A library user may ping later, elsewhere, or never.

The spec leaves the ping to hub and publisher; the common form is a form-encoded POST of
``hub.mode=publish`` and ``hub.url=<feed>``. Some hubs (Flask-WebSub's among them) read the feed
from ``hub.topic``, the subscription's name for it, so each ping carries both.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ._media import FEED_TYPES, JSON_FEED, PAIR_FEEDS, media_type
from ._version import __version__
from .config import absolute_url
from .errors import ConfigError
from .publish import is_hidden

TIMEOUT = 10.0  # seconds for each exchange with a hub: connecting, sending, each read
_ATOM_LINK = "{http://www.w3.org/2005/Atom}link"
_ITEMS = frozenset({"item", "{http://www.w3.org/2005/Atom}entry"})  # links after these are items'
_USER_AGENT = f"centralasia-feed/{__version__}"


def is_topic(name: str) -> bool:
    """Whether a published file is a feed people subscribe to: a feed at the top of the folder, or
    one pair's rates feed (``rates/KZT-USD.xml``). Archive pages are read once, never subscribed
    to, so they name no hub and are never pinged."""
    folder, _, file = name.rpartition("/")
    return folder in ("", PAIR_FEEDS) and not is_hidden(name) and media_type(file) in FEED_TYPES


@dataclass(frozen=True)
class Advertised:
    """What a feed document says of itself for WebSub: its own URL and the hubs that carry it."""

    self_url: str | None
    hubs: tuple[str, ...]

    def link_header(self) -> str | None:
        """The HTTP ``Link`` value that names the hubs and the topic (WebSub's first place to look,
        and the only one for a JSON feed); None when the document names no hub."""
        if not self.hubs:
            return None
        links = [f'<{hub}>; rel="hub"' for hub in self.hubs]
        links += [f'<{self.self_url}>; rel="self"'] if self.self_url else []
        return ", ".join(links)


NOTHING = Advertised(None, ())


def advertised(name: str, data: bytes) -> Advertised:
    """The self and hub links a feed document names, whoever wrote it. A document that names no hub,
    cannot be read, or is no feed gives ``NOTHING``; a URL unfit to pass on as it is (not absolute
    http(s), or holding characters a URL cannot) is left out."""
    kind = media_type(name)
    if kind not in FEED_TYPES or b"hub" not in data:  # most files: no parse at all
        return NOTHING
    self_url, named = _json_links(data) if kind == JSON_FEED else _xml_links(data)
    hubs = tuple(dict.fromkeys(filter(None, map(_checked, named))))
    return Advertised(_checked(self_url), hubs) if hubs else NOTHING


def _xml_links(data: bytes) -> tuple[object, list[object]]:
    """RSS's channel atom:links or Atom's feed links, read up to the first item."""
    self_url: object = None
    hubs: list[object] = []
    events = etree.iterparse(io.BytesIO(data), events=("start",), resolve_entities=False, no_network=True)
    try:
        for _, element in events:
            if element.tag in _ITEMS:
                break
            if element.tag == _ATOM_LINK and element.get("rel") == "hub":
                hubs.append(element.get("href"))
            elif element.tag == _ATOM_LINK and element.get("rel") == "self" and self_url is None:
                self_url = element.get("href")
    except etree.XMLSyntaxError:
        return None, []
    return self_url, hubs


def _json_links(data: bytes) -> tuple[object, list[object]]:
    """JSON Feed's ``feed_url`` and the urls of its ``hubs`` of type WebSub."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return None, []
    if not isinstance(document, dict) or not isinstance(document.get("hubs"), list):
        return None, []
    hubs = [
        hub.get("url")
        for hub in document["hubs"]
        if isinstance(hub, dict) and str(hub.get("type", "")).lower() == "websub"
    ]
    return document.get("feed_url"), hubs


def _checked(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    try:
        return absolute_url("url", url)
    except ConfigError:
        return None


def topics(folder: str | os.PathLike[str]) -> dict[str, tuple[str, ...]]:
    """Each hub the folder's feeds name, with the URLs of the feeds that name it, as published.

    Read from the feeds themselves, not from a record of the last build: what is pinged is what
    subscribers were told, and a copy of the folder (on another machine, after a restore) pings the
    same way.
    """
    root = Path(folder)
    names = sorted(name for name in _files(root) if is_topic(name))
    named: dict[str, list[str]] = {}
    for name in names:
        found = advertised(name, (root / name).read_bytes())
        if found.self_url:  # a feed that does not say its URL cannot be named to a hub
            for hub in found.hubs:
                named.setdefault(hub, []).append(found.self_url)
    return {hub: tuple(dict.fromkeys(urls)) for hub, urls in named.items()}


def _files(root: Path) -> list[str]:
    """The names of the files at the top of ``root`` and in its pairs' folder."""
    with os.scandir(root) as entries:
        found = [entry.name for entry in entries if entry.is_file()]
    if (root / PAIR_FEEDS).is_dir():
        with os.scandir(root / PAIR_FEEDS) as entries:
            found += [f"{PAIR_FEEDS}/{entry.name}" for entry in entries if entry.is_file()]
    return found


@dataclass(frozen=True)
class PingResult:
    """What one hub made of the pings: the feeds it accepted and, if it stopped, why."""

    hub: str
    accepted: tuple[str, ...]
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def ping(
    hubs: Iterable[str], topics: Iterable[str], *, timeout: float | None = None
) -> tuple[PingResult, ...]:
    """Tell each hub that each topic (a feed's URL) changed; one result per hub, none without topics.

    Never raises for a hub that fails: its result says why (a refused connection, no answer within
    ``timeout`` (default ``TIMEOUT``), an answer other than 2xx, a redirect), and the hub is asked
    nothing more, so a dead hub costs one timeout. A hub URL that is no absolute http(s) URL raises
    ConfigError at once.
    """
    timeout = TIMEOUT if timeout is None else timeout
    urls = tuple(topics)
    checked = [absolute_url("hubs", hub) for hub in hubs]
    return tuple(_ping_hub(hub, urls, timeout) for hub in checked) if urls else ()


def _ping_hub(hub: str, topics: tuple[str, ...], timeout: float) -> PingResult:
    accepted: list[str] = []
    for topic in topics:
        error = _publish(hub, topic, timeout)
        if error is not None:
            return PingResult(hub, tuple(accepted), f"{error} (pinging {topic})")
        accepted.append(topic)
    return PingResult(hub, tuple(accepted))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A hub that answers a POST with a redirect has not taken the ping; urllib would replay it as
    a GET, which no hub takes for a ping."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _publish(hub: str, topic: str, timeout: float) -> str | None:
    """One ping; None when the hub took it (2xx), else why not, in a few words."""
    body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": topic, "hub.topic": topic}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": _USER_AGENT}
    request = urllib.request.Request(hub, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=timeout):
            return None
    except urllib.error.HTTPError as exc:
        with exc:
            said = " ".join(exc.read(300).decode("utf-8", "replace").split())[:200]
        return f"answered {exc.code} {exc.reason}" + (f": {said}" if said else "")
    except urllib.error.URLError as exc:
        return _unreachable(exc.reason, timeout)
    except (OSError, http.client.HTTPException) as exc:  # a timeout or reset past the connection
        return _unreachable(exc, timeout)


def _unreachable(reason: object, timeout: float) -> str:
    if isinstance(reason, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, OSError) and reason.strerror:
        return f"cannot reach it: {reason.strerror}"
    return f"cannot reach it: {reason or type(reason).__name__}"
