"""RSS 2.0 and Atom 1.0 through feedgen, with its traps disarmed.

The traps, all feedgen's own: entries are appended, not prepended (prepending is quadratic); the
RSS channel ``<link>`` is the last ``link()`` call, so the self link goes first and the site link
last; every updated time is set from the items, never left to default to now(); bare ValueErrors
become RenderErrors naming our field.

What each item carries: a truncated excerpt is a summary (RSS ``description``, Atom ``<summary
type="html">``) ending in a Read more link, never content; a whole paragraph is also content
(RSS ``content:encoded``, Atom ``<content type="html">``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence

from feedgen.feed import FeedGenerator

from .._chars import clean
from .._gc import paused as gc_paused
from .._media import ATOM, HTML, RSS
from .._version import GENERATOR, __version__
from ..config import FeedConfig
from ..errors import RenderError
from ..models import Entry
from . import safe
from .archive_links import ArchiveLinks
from .dates import feed_updated
from .extensions import FeedExtension, RssItemExtension, TitleExtension
from .items import Item, prepare, updated_times

BATCH = 256  # items feedgen writes at a time: a document of any length holds one batch's objects


def render_rss(
    entries: Sequence[Entry], config: FeedConfig, *, links: ArchiveLinks | None = None
) -> bytes:
    """An RSS 2.0 document of ``entries`` in the order given (newest first), UTF-8 and pretty-printed."""
    return b"".join(rss_chunks(prepare(entries, config), config, links=links))


def render_atom(
    entries: Sequence[Entry], config: FeedConfig, *, links: ArchiveLinks | None = None
) -> bytes:
    """An Atom 1.0 document of ``entries`` in the order given (newest first), UTF-8 and pretty-printed."""
    return b"".join(atom_chunks(prepare(entries, config), config, links=links))


def rss_chunks(
    items: Sequence[Item], config: FeedConfig, *, links: ArchiveLinks | None = None
) -> Iterator[bytes]:
    """``render_rss`` of prepared items (``items.prepare``), as consecutive pieces of its bytes."""
    return _chunks(items, config, links or ArchiveLinks("rss.xml"), RSS)


def atom_chunks(
    items: Sequence[Item], config: FeedConfig, *, links: ArchiveLinks | None = None
) -> Iterator[bytes]:
    """``render_atom`` of prepared items (``items.prepare``), as consecutive pieces of its bytes."""
    return _chunks(items, config, links or ArchiveLinks("atom.xml"), ATOM)


def _chunks(
    items: Sequence[Item], config: FeedConfig, links: ArchiveLinks, media_type: str
) -> Iterator[bytes]:
    """The document, written by feedgen ``BATCH`` items at a time.

    Each batch is a whole document of the same feed with the batch's items, which feedgen puts
    last in the channel (Atom: the feed); pretty-printed, an item's bytes depend only on the item
    and its depth, so the document of every item is the first batch's up to its last item, the
    items of the middle batches, and the last batch's from its first item. The feed's updated
    time comes from all the items, as if they were one batch.
    """
    updated = feed_updated(updated_times(items), config)
    tag = b"<item>" if media_type == RSS else b"<entry>"
    end = b"</item>\n" if media_type == RSS else b"</entry>\n"
    last = max(0, (len(items) - 1) // BATCH)
    for number in range(last + 1):
        with gc_paused():  # the batch's feedgen objects are freed on return, before collection resumes
            data = _render(items[number * BATCH : (number + 1) * BATCH], config, links, media_type, updated)
        start = 0 if number == 0 else data.rindex(b"\n", 0, data.index(tag)) + 1
        stop = len(data) if number == last else data.rindex(end) + len(end)
        yield data[start:stop]


def _render(
    items: Sequence[Item], config: FeedConfig, links: ArchiveLinks, media_type: str, updated: dt.datetime
) -> bytes:
    """The document's bytes."""
    feed = _feed(items, config, links, media_type, updated)
    if media_type == RSS:
        with field("the RSS feed"):
            data: bytes = feed.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    else:
        with field("the Atom feed"):
            data = feed.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return data


def _feed(
    items: Sequence[Item], config: FeedConfig, links: ArchiveLinks, media_type: str, updated: dt.datetime
) -> FeedGenerator:
    """The feed with its items; RSS items get their link and pubDate from ``RssItemExtension``.

    feedgen offers every registered extension to every entry (an ImportError per entry when it
    has no entry class), so an Atom feed with no archive links or title references to write registers
    none, and an Atom entry whose title needs references gets ``TitleExtension`` for itself.
    """
    feed = FeedGenerator()
    rss = media_type == RSS
    title = safe.line(config.title)
    marked = safe.has_markup(title)
    if rss or marked or (config.hubs and not links.is_archive) or not links.says_nothing:
        feed.register_extension("extras", FeedExtension, RssItemExtension if rss else None)
        generator = f"{GENERATOR} {__version__}"
        feed.extras.setup(links, config, media_type, generator, title if marked else None)
    _describe(feed, config, links, media_type)
    with field("the feed's updated time"):
        feed.updated(updated)
    for item in items:
        _add(feed, item, rss)
    return feed


def _describe(feed: FeedGenerator, config: FeedConfig, links: ArchiveLinks, media_type: str) -> None:
    """Feed-level metadata. In RSS the self link comes first, as the channel link is the last one
    added; in Atom the site's link does, as some clients take Atom's first link for the site."""
    with field("FeedConfig.title"):
        feed.title(safe.line(config.title))
    with field("FeedConfig.description"):
        feed.subtitle(safe.line(config.description))
    with field("FeedConfig.feed_url"):
        feed.id(links.feed_id(config))
        own = config.url(clean(links.self_path))
    ordered = [("feed_url", own, "self", media_type)]
    ordered.append(("source_url", config.source_url, "alternate", HTML))
    for name, href, rel, kind in ordered if media_type == RSS else reversed(ordered):
        with field(f"FeedConfig.{name}"):
            feed.link(href=href, rel=rel, type=kind)
    with field("FeedConfig.language"):
        feed.language(clean(config.language))
    with field("FeedConfig.author"):
        feed.author(name=safe.line(config.author), uri=config.source_url)
    feed.generator(GENERATOR, version=__version__)
    identify(feed, config, rss=media_type == RSS)
    if media_type == RSS and not links.is_archive:
        feed.ttl(config.ttl)  # a hint for pollers of the feed; an archive page is read once


def identify(feed: FeedGenerator, config: FeedConfig, *, rss: bool) -> None:
    """The feed's images: Atom's square icon and wide logo, RSS's one image (the logo, else the icon).

    feedgen's RSS image takes the channel's title and link, as the RSS profile requires.
    """
    if rss:
        if config.logo or config.icon:
            feed.image(url=config.logo or config.icon)
        return
    if config.icon:
        feed.icon(config.icon)
    if config.logo:
        feed.logo(config.logo)


def _add(feed: FeedGenerator, item: Item, rss: bool) -> None:
    """One item, appended so the feed keeps the order it was given.

    One handler for the whole item (a context manager per field cost more than feedgen's own
    work): ``step`` says which of our fields feedgen refused. RSS has no updated time, and its
    link and pubDate are cheaper through the entry extension than through feedgen's setters.
    """
    step = "title"
    try:
        entry = feed.add_entry(order="append")
        entry.title(item.title)
        if safe.has_markup(item.title):  # written with references (see safe.write_references)
            if not rss:  # an extension of this entry alone: the other entries pay nothing for it
                entry.register_extension("titles", TitleExtension, atom=True, rss=False)
            (entry.extras if rss else entry.titles).title = item.title
        step = "id and link"
        entry.guid(item.id, permalink=False)
        if rss:
            step = "dates"
            entry.extras.set(item.link, item.published)
        else:
            entry.link(href=item.link, rel="alternate", type=HTML)
            step = "dates"
            entry.published(item.published)
            entry.updated(item.updated)
        step = "text"
        if item.truncated:
            entry.summary(item.html, type="html")
        else:
            if rss:
                entry.description(item.html)  # RSS's description; Atom's content is content()'s
            entry.content(item.html, type="html")
    except ValueError as exc:
        raise RenderError(str(exc), field=f"the {step} of article {item.slug!r}") from exc


@contextlib.contextmanager
def field(name: str) -> Iterator[None]:
    """Turn a bare ValueError (feedgen's, lxml's) into a RenderError naming our field."""
    try:
        yield
    except RenderError:
        raise
    except ValueError as exc:
        raise RenderError(str(exc), field=name) from exc
