"""What every format shares: safe text, the items to render, and an entry's text forms.

Text from a dump is text, never markup. Every string that leaves the renderer goes through
``clean`` (characters XML 1.0 forbids are dropped, so one stray control character cannot make a
whole feed unreadable) and, where it lands inside HTML, through ``html.escape``. ``items``
puts an entry's strings and its HTML together once per item.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import re
import urllib.parse
from collections.abc import Iterator, Sequence
from typing import Any

from lxml import etree

from .._chars import clean
from .._version import __version__
from ..config import FeedConfig
from ..errors import RenderError
from ..models import Article, Entry

GENERATOR = "centralasia_feed"
ELLIPSIS = "…"
UNTITLED = "(untitled)"

def line(text: str) -> str:
    """Clean text on one line, its runs of white space (newlines, U+2028) made single spaces.

    A printable string (so clean, its only white space ASCII spaces) with single spaces inside
    and none at either end is already that: the usual title skips the split and join.
    """
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(clean(text).split())


def has_markup(text: str) -> bool:
    """Whether plain ``text`` holds ``&`` or ``<``, which ``write_references`` writes as references."""
    return "&" in text or "<" in text


def write_atom_text(element: Any, text: str) -> None:
    """An Atom text construct holding ``text``: with ``<`` in it, as ``type="html"`` escaped, which
    shows the text as it is and which the W3C validator does not take for undeclared markup (an
    RSS title has no such type); else with ``write_references``."""
    if "<" in text:
        element.set("type", "html")
        element.text = html.escape(text, quote=False)
    else:
        write_references(element, text)


def write_references(element: Any, text: str) -> None:
    """``element``'s content as ``text`` with ``&`` and ``<`` as ``&#x26;`` and ``&#x3C;``.

    They parse to the same text, but the RSS Best Practices Profile asks for them in plain text,
    and the W3C validator warns about text that looks like an entity or a tag (``&amp;``,
    ``<br>``) unless the element's line holds such a reference. lxml writes its own ``&amp;``
    and ``&lt;`` for text, so the references go in as lxml character entities.
    """
    parts = _MARKUP.split(text)
    element.text = parts[0]
    for char, tail in zip(parts[1::2], parts[2::2], strict=True):
        reference = etree.Entity("#x26" if char == "&" else "#x3C")
        reference.tail = tail
        element.append(reference)


_MARKUP = re.compile("([&<])")


def escape(text: str) -> str:
    """Clean text made safe for HTML element content and attribute values."""
    return html.escape(clean(text), quote=True)


def generator_version() -> str:
    """The package's own version, the same installed or from a source tree."""
    return __version__


@contextlib.contextmanager
def field(name: str) -> Iterator[None]:
    """Turn a bare ValueError (feedgen's, lxml's) into a RenderError naming our field."""
    try:
        yield
    except RenderError:
        raise
    except ValueError as exc:
        raise RenderError(f"cannot render {name}: {exc}") from exc


def entries(items: Sequence[Entry | Article]) -> tuple[Entry, ...]:
    """Items as entries in the order given, each slug once (the first wins), so no id repeats."""
    seen: set[str] = set()
    out = []
    for item in items:
        entry = item if isinstance(item, Entry) else Entry.first_seen(item)
        if entry.slug not in seen:
            seen.add(entry.slug)
            out.append(entry)
    return tuple(out)


def slug_part(slug: str) -> str:
    """The slug as it may stand in a URL or tag URI; an ordinary WordPress slug is unchanged."""
    if _PLAIN_SLUG.fullmatch(slug):
        return slug  # what quote() never changes: the fast path for every WordPress slug
    return urllib.parse.quote(clean(slug), safe="-._~")


_PLAIN_SLUG = re.compile("[A-Za-z0-9_.~-]*")


def item_link(entry: Entry, config: FeedConfig) -> str:
    return config.source_link(slug_part(entry.slug))


def title(entry: Entry) -> str:
    """The title as one clean line (feeds show titles on one line; an empty one gets a placeholder)."""
    return line(entry.article.title) or UNTITLED


def excerpt(article: Article) -> str:
    """The paragraph as plain text; a truncated one always ends in an ellipsis."""
    text = clean(article.summary).strip()
    if article.truncated and not text.endswith(("...", ELLIPSIS)):
        text = f"{text} {ELLIPSIS}" if text else ELLIPSIS
    return text


def feed_updated(times: Sequence[dt.datetime], config: FeedConfig) -> dt.datetime:
    """The newest of the items' updated ``times``; an empty feed gets ``config.id_date``'s first midnight.

    Never the clock: the same items always give the same time. The empty-feed constant is a
    date the id authority already owned, so it is never in the future.
    """
    if times:
        return max(times)
    return dt.datetime.combine(epoch(config), dt.time(), config.tz)


def epoch(config: FeedConfig) -> dt.date:
    """The first day of ``config.id_date`` (``2025`` is 1 January 2025)."""
    return dt.date.fromisoformat(config.id_date + "-01-01"[len(config.id_date) - 4 :])


def long_date(day: dt.date) -> str:
    """``5 January 2025``: no leading zero, the month in words (never locale-dependent)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
