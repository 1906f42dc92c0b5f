"""What a fetched feed says about itself, whatever its format: the required fields it lacks, its self
link, its item ids and dates. Read with lxml (no entities, no network) and json, never trusted."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
CHANNEL_FIELDS = ("title", "link", "description")
ENTRY_FIELDS = ("id", "title", "updated")


@dataclass
class Facts:
    self_link: str | None = None
    missing: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    dates: list[tuple[str, str, dt.datetime | None]] = field(default_factory=list)  # (id, as written, date)


def read(body: bytes, kind: str) -> Facts:
    """The facts of a feed of ``kind`` (rss, atom or json); ValueError or lxml's XMLSyntaxError when
    it is not well-formed."""
    if kind == "json":
        try:
            return _json_feed(json.loads(body))
        except RecursionError as exc:
            raise ValueError("nested too deeply to read") from exc
    root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    expected = "rss" if kind == "rss" else f"{ATOM}feed"
    if root.tag != expected:
        return Facts(missing=[f"the {kind} root element (found <{etree.QName(root).localname}>)"])
    return _rss(root) if kind == "rss" else _atom(root)


def _text(element: Any, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _self_link(links: Any) -> str | None:
    return next((str(link.get("href")) for link in links if link.get("rel") == "self"), None)


def _rss(root: Any) -> Facts:
    channel = root.find("channel")
    if channel is None:
        return Facts(missing=["channel"])
    facts = Facts(_self_link(channel.findall(f"{ATOM}link")))
    facts.missing += [f"channel {name}" for name in CHANNEL_FIELDS if not _text(channel, name)]
    for number, item in enumerate(channel.findall("item"), 1):
        guid = _text(item, "guid")
        facts.ids += [guid] if guid else []
        facts.missing += [] if guid else [f"item {number} guid"]
        if not (_text(item, "title") or _text(item, "description")):
            facts.missing.append(f"item {number} title or description")
        if item.find("pubDate") is not None:
            written = _text(item, "pubDate")
            facts.dates.append((guid or f"item {number}", written, _rfc822(written)))
    return facts


def _atom(root: Any) -> Facts:
    facts = Facts(_self_link(root.findall(f"{ATOM}link")))
    facts.missing += [f"feed {name}" for name in ENTRY_FIELDS if not _text(root, ATOM + name)]
    entries = root.findall(f"{ATOM}entry")
    author = f"{ATOM}author/{ATOM}name"
    if not _text(root, author) and not all(_text(entry, author) for entry in entries):
        facts.missing.append("feed author (or one in every entry)")
    for number, entry in enumerate(entries, 1):
        facts.missing += [f"entry {number} {name}" for name in ENTRY_FIELDS if not _text(entry, ATOM + name)]
        id_ = _text(entry, f"{ATOM}id")
        facts.ids += [id_] if id_ else []
        for name in ("updated", "published"):
            if entry.find(ATOM + name) is not None:
                written = _text(entry, ATOM + name)
                facts.dates.append((id_ or f"entry {number}", written, _rfc3339(written)))
    return facts


def _json_feed(feed: object) -> Facts:
    if not isinstance(feed, dict):
        return Facts(missing=["a JSON object"])
    facts = Facts(feed["feed_url"] if isinstance(feed.get("feed_url"), str) else None)
    if not str(feed.get("version", "")).startswith("https://jsonfeed.org/version/"):
        facts.missing.append("version")
    if not (isinstance(feed.get("title"), str) and feed["title"]):
        facts.missing.append("title")
    items = feed.get("items")
    if not isinstance(items, list):
        facts.missing.append("items")
        return facts
    for number, item in enumerate(items, 1):
        item = item if isinstance(item, dict) else {}
        id_ = "" if item.get("id") is None else str(item["id"])  # a reader must take a number as text
        facts.ids += [id_] if id_ else []
        facts.missing += [] if id_ else [f"item {number} id"]
        if not any(isinstance(item.get(name), str) for name in ("content_html", "content_text")):
            facts.missing.append(f"item {number} content_html or content_text")
        for name in ("date_published", "date_modified"):
            if name in item:
                facts.dates.append((id_ or f"item {number}", str(item[name]), _rfc3339(str(item[name]))))
    return facts


def _rfc822(text: str) -> dt.datetime | None:
    try:
        date = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return date if date.tzinfo else date.replace(tzinfo=dt.UTC)  # "-0000": UTC, place unknown


def _rfc3339(text: str) -> dt.datetime | None:
    try:
        date = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return date if date.tzinfo else None  # RFC 3339 has no date without an offset
