"""Pure decisions of the archive: content hashes, an article's stamps from its sightings, rate directions.

Nothing here touches SQLite, so every rule that makes the archive order independent can be read
(and tested) on its own: each result is a function of the set of sightings, never of their order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .._jsonable import figure_to_dict
from ..models import Article, Direction, Figure, Stamp


@dataclass(frozen=True)
class Sighting:
    """One (slug, edition date) as archived: where it stood and which text it had."""

    date: dt.date
    position: int
    hash: str


@dataclass(frozen=True)
class Derived:
    """What an article's sightings decide: its stamps and its current text."""

    published: Stamp
    updated: Stamp
    hash: str


def text_body(article: Article) -> str:
    """The canonical JSON of what readers see of an article; equal texts give equal bodies."""
    document = {
        "title": article.title,
        "summary": article.summary,
        "truncated": article.truncated,
        "figures": [figure_to_dict(figure) for figure in article.figures],
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def text_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def article_from_body(body: str, slug: str, stamp: Stamp, source: str, line: int) -> Article:
    """The Article a stored text stands for, dated where that text first appeared."""
    document: dict[str, Any] = json.loads(body)
    figures = tuple(Figure(**figure) for figure in document["figures"])
    return Article(
        title=document["title"],
        summary=document["summary"],
        date=stamp.date,
        slug=slug,
        truncated=document["truncated"],
        figures=figures,
        position=stamp.position,
        source=source,
        line=line,
    )


def derive(sightings: Sequence[Sighting]) -> Derived:
    """Published is the first sighting; updated starts the last run of the newest sighting's text.

    An article seen again unchanged keeps both stamps; a changed text moves ``updated`` to the first
    edition that showed it. Sightings are sorted here, so the caller's order cannot matter.
    """
    if not sightings:
        raise ValueError("an article needs at least one sighting")
    ordered = sorted(sightings, key=lambda s: s.date)
    current = ordered[-1].hash
    start = len(ordered) - 1
    while start > 0 and ordered[start - 1].hash == current:
        start -= 1
    first, changed = ordered[0], ordered[start]
    return Derived(
        published=Stamp(first.date, first.position),
        updated=Stamp(changed.date, changed.position),
        hash=current,
    )


def older(a: tuple[dt.date, int, str], b: tuple[dt.date, int, str]) -> bool:
    """Whether published key ``a`` (date, position, slug) comes before ``b`` oldest first.

    Newest first is date descending, position ascending, slug ascending; oldest first is its exact
    reverse, a total order.
    """
    if a[0] != b[0]:
        return a[0] < b[0]
    if a[1] != b[1]:
        return a[1] > b[1]
    return a[2] > b[2]


def direction_from(value: Decimal, previous: Decimal | None) -> Direction | None:
    """The direction history tells: compared with the pair's previous archived value."""
    if previous is None:
        return None
    if value > previous:
        return "up"
    return "down" if value < previous else "flat"
