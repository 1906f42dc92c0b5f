"""The exchange-rate feeds, in JSON Feed 1.1 and in Atom 1.0 so that every reader can follow them.

- ``rates.json`` and ``rates.xml``: one item per edition date, newest first, a table of every pair;
- ``rates/KZT-USD.json`` and ``rates/KZT-USD.xml`` (``pair_path``): one item per date for one pair,
  for readers who follow one currency, as the ECB publishes one rate feed per currency.

Each item leads with what people say (``1 USD = 524 KZT``) and gives the ticker's own quote beside
it (see ``quotes``), links its day on the rates page (``rates.html#2025-01-07``), and says where
the rates come from: the site's ticker, not an official rate. A program reads the
``_centralasia_feed`` object of the JSON feeds, which keeps every decimal exactly as the site wrote
it (see ``_jsonable.rate_values``).

Ids are tag URIs of their own: ``tag:...:rates/2025-01-07`` for a day's table and
``tag:...:rates/KZT-USD/2025-01-07`` for one pair's day, apart from the article ids and from each
other (newsboat keys items by id across all its feeds). A feed's JSON and Atom share their ids, as
``rss.xml`` and ``atom.xml`` do. Both formats are written from one ``RateFeed``, worked out once.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from feedgen.feed import FeedGenerator

from .._chars import clean
from .._gc import paused as gc_paused
from .._jsonable import RATE_TYPE, provider, rate_values
from .._media import ATOM, HTML, PAIR_FEEDS
from .._version import GENERATOR, __version__
from ..config import FeedConfig
from ..errors import RenderError
from ..models import Rate, Stamp
from . import quotes, safe, tables
from .archive_links import ArchiveLinks
from .dates import feed_updated, long_date
from .extensions import FeedExtension
from .jsonfeed import EXTENSION, feed_bytes, header
from .xml import field, identify

RATES_PAGE = "rates.html"
RATES_CSV = "rates.csv"
_CODE = re.compile("[A-Z]{3}")


class RateItem(NamedTuple):
    """One item as both formats state it."""

    id: str
    url: str
    title: str
    text: str
    html: str
    published: dt.datetime
    rates: tuple[Rate, ...]


class RateFeed(NamedTuple):
    """One rates feed: where its two documents live, what it says of itself, its items newest first."""

    path: str  # without the extension: ``rates``, ``rates/KZT-USD``
    id: str
    title: str
    description: str
    items: tuple[RateItem, ...]


def render_rates_feed(rates: Sequence[Rate], config: FeedConfig) -> bytes:
    """``rates.json``: one item per edition date, newest first, at most ``config.limit`` dates."""
    return json_bytes(daily_feed(rates, config), config)


def render_rates_atom(rates: Sequence[Rate], config: FeedConfig) -> bytes:
    """``rates.xml``: the items of ``rates.json``, in Atom."""
    return atom_bytes(daily_feed(rates, config), config)


def by_date(rates: Sequence[Rate]) -> list[tuple[dt.date, tuple[Rate, ...]]]:
    """Rates grouped by date, newest date first, each group sorted by pair and each pair once."""
    groups: dict[dt.date, dict[str, Rate]] = {}
    for rate in rates:
        groups.setdefault(rate.date, {}).setdefault(rate.pair, rate)
    return [(day, tuple(sorted(groups[day].values(), key=lambda r: r.pair))) for day in sorted(groups)[::-1]]


def days_of(rates: Iterable[Rate]) -> Iterator[tuple[dt.date, tuple[Rate, ...]]]:
    """``by_date`` of rates that come grouped by date, newest first (as the archive streams them
    for the rates page), a day at a time: a history of any length is never held whole."""
    for _, day in itertools.groupby(rates, key=lambda rate: rate.date):
        yield from by_date(tuple(day))


def pair_path(base: str, quote: str) -> str | None:
    """``rates/KZT-USD``, where a pair's feeds live; None for codes that are no ISO 4217 code
    (three capital letters), which the parser never gives but a library caller might."""
    if _CODE.fullmatch(base) and _CODE.fullmatch(quote):
        return f"{PAIR_FEEDS}/{base}-{quote}"
    return None


def day_url(day: dt.date, config: FeedConfig) -> str:
    """Where a day's rates stand on the rates page."""
    return f"{config.url(RATES_PAGE)}#{day.isoformat()}"


def daily_feed(rates: Sequence[Rate], config: FeedConfig) -> RateFeed:
    """The feed of every pair, a day an item, newest first, at most ``config.limit`` days."""
    items = tuple(_day_item(day, group, config) for day, group in by_date(rates)[: config.limit])
    title = f"{config.title}: exchange rates"
    description = f"Daily exchange rates of the Central Asian currencies. {_source(config)}"
    return RateFeed("rates", config.tag("feed", "rates"), title, description, items)


def pair_feed(history: Sequence[Rate], config: FeedConfig) -> RateFeed | None:
    """One pair's feed from its history (oldest first), a day an item, newest first, at most
    ``config.limit`` days; None when the pair has no feed of its own (see ``pair_path``)."""
    if not history:
        return None
    first = history[0]
    path = pair_path(first.base, first.quote)
    if path is None:
        return None
    days = [rate for _, (rate, *_) in by_date(history)[: config.limit]]
    items = tuple(_pair_item(rate, path, config) for rate in days)
    name = safe.line(first.base_name)
    title = f"{config.title}: {name} ({safe.line(first.pair)})"
    per = f"1 {first.quote} in {first.base}" if first.value < 1 else f"1 {first.base} in {first.quote}"
    description = f"The {name} day by day: {safe.line(per)}. {_source(config)}"
    return RateFeed(path, config.tag("feed", path), title, description, items)


def _source(config: FeedConfig) -> str:
    return tables.provenance(safe.line(config.author), config.source_url)


def _day_item(day: dt.date, rates: tuple[Rate, ...], config: FeedConfig) -> RateItem:
    source = _source(config)
    notes = [
        note
        for rate in rates
        if rate.significant_digits < quotes.RANGE_BELOW and (note := quotes.precision_note(rate))
    ]
    text = tables.table_text(rates, [*notes, source])
    paragraphs = "".join(f"<p>{safe.escape(note)}</p>" for note in [*notes, source])
    title = f"{_summary(rates)} on {long_date(day)}"
    html = f"{tables.table_html(rates)}\n{paragraphs}"
    return RateItem(
        config.tag("rates", day.isoformat()),
        day_url(day, config),
        title,
        text,
        html,
        _start(day, config),
        rates,
    )


def _summary(rates: Sequence[Rate]) -> str:
    """``1 USD = 87.03 KGS, 524 KZT``: each pair's lead quote, those of one unit said together."""
    said: dict[str, list[str]] = {}
    for rate in rates:
        unit, _, figure = safe.line(quotes.lead(rate)).partition(" = ")
        said.setdefault(unit, []).append(figure)
    return "; ".join(f"{unit} = {', '.join(figures)}" for unit, figures in said.items())


def _pair_item(rate: Rate, path: str, config: FeedConfig) -> RateItem:
    day = rate.date
    direction = quotes.direction_word(rate.direction)
    direction = f"direction {direction}" if rate.direction is None else direction
    sentences = [
        f"On {long_date(day)}, {quotes.lead(rate)}.",
        f"The site's ticker quoted {quotes.ticker(rate)}, {quotes.change(rate)} ({direction}) "
        "since the day before.",
        quotes.precision_note(rate),
        _source(config),
    ]
    kept = [safe.line(sentence) for sentence in sentences if sentence]
    html = "\n".join(f"<p>{safe.escape(sentence)}</p>" for sentence in kept)
    title = f"{safe.line(quotes.headline(rate))} on {long_date(day)}"
    id_ = config.tag(path, day.isoformat())
    return RateItem(id_, day_url(day, config), title, "\n".join(kept), html, _start(day, config), (rate,))


def _start(day: dt.date, config: FeedConfig) -> dt.datetime:
    """A day's rates are dated at its first instant in the feeds' zone."""
    return Stamp(day).midnight(config.tz).astimezone(config.tz)


def json_bytes(feed: RateFeed, config: FeedConfig) -> bytes:
    """The feed as JSON Feed 1.1."""
    with gc_paused():
        document = header(config, f"{feed.path}.json", feed.title, feed.description, config.url(RATES_PAGE))
        source = provider(clean(config.author), config.source_url)
        document[EXTENSION] = {"rate_type": RATE_TYPE, "official": False, "provider": source}
        document["items"] = [_json_item(item, source) for item in feed.items]
        return feed_bytes(document)  # the document is freed before collection resumes


def _json_item(item: RateItem, source: dict[str, Any]) -> dict[str, Any]:
    values = [rate_values(rate, quotes.inverse(rate), clean, source) for rate in item.rates]
    return {
        "id": item.id,
        "url": item.url,
        "title": item.title,
        "content_text": item.text,
        "content_html": item.html,
        "date_published": item.published.isoformat(),
        EXTENSION: {"rates": values},
    }


def atom_bytes(feed: RateFeed, config: FeedConfig) -> bytes:
    """The feed as Atom 1.0, through feedgen (see ``xml`` for its traps)."""
    with gc_paused():
        document = _atom(feed, config)
        with field(f"the Atom feed {feed.path}.xml"):
            data: bytes = document.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
        return data


def _atom(feed: RateFeed, config: FeedConfig) -> FeedGenerator:
    """The feed, its site link the rates page; hubs and a title with ``&`` or ``<`` through
    ``FeedExtension``, as the article feeds do."""
    document = FeedGenerator()
    title = safe.line(feed.title)
    marked = safe.has_markup(title)
    if marked or config.hubs:
        document.register_extension("extras", FeedExtension, None)
        generator = f"{GENERATOR} {__version__}"
        document.extras.setup(
            ArchiveLinks(f"{feed.path}.xml"), config, ATOM, generator, title if marked else None
        )
    with field("FeedConfig.title"):
        document.title(title)
        document.subtitle(safe.line(feed.description))
    with field("FeedConfig.feed_url"):
        document.id(feed.id)
        document.link(href=config.url(RATES_PAGE), rel="alternate", type=HTML)
        document.link(href=config.url(f"{feed.path}.xml"), rel="self", type=ATOM)
    with field("FeedConfig.language"):
        document.language(clean(config.language))
    with field("FeedConfig.author"):
        document.author(name=safe.line(config.author), uri=config.source_url)
    document.generator(GENERATOR, version=__version__)
    identify(document, config, rss=False)
    document.updated(feed_updated([item.published for item in feed.items], config))
    for item in feed.items:
        _atom_entry(document, item)
    return document


def _atom_entry(document: FeedGenerator, item: RateItem) -> None:
    try:
        entry = document.add_entry(order="append")  # feedgen prepends by default
        entry.id(item.id)
        entry.title(item.title)
        entry.link(href=item.url, rel="alternate", type=HTML)
        entry.published(item.published)
        entry.updated(item.published)
        entry.content(item.html, type="html")
    except ValueError as exc:
        raise RenderError(str(exc), field=f"the rates item {item.id!r}") from exc
