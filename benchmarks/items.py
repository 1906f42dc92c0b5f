"""The values the render benchmarks feed to our renderer and to the baselines: built straight from
dumpgen's articles (no parser needed), newest first, twenty a day as on the site."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

from tools import dumpgen

from centralasia_feed.models import Article, Direction, Entry, Figure, Rate

PER_DAY = 20
_CAPTION = re.compile(r'\[caption id="attachment_(\d+)" align="(\w+)" width="(\d+)"\] ?(.*?)\[/caption\]')


def article(n: int, *, seed: int, first: dt.date = dumpgen.FIRST_DAY) -> Article:
    """Article ``n`` as the parser would give it: shortcodes out, figures kept, whitespace normalised."""
    title = dumpgen.title(n, seed=seed)
    text = dumpgen.paragraph(n, seed=seed)
    figures = tuple(
        Figure(caption=m[4].strip(), attachment_id=int(m[1]), width=int(m[3]), align=m[2])
        for m in _CAPTION.finditer(text)
    )
    summary = " ".join(_CAPTION.sub(" ", text).split())
    day, rank = divmod(n, PER_DAY)
    return Article(
        title=title,
        summary=summary,
        date=first + dt.timedelta(days=day),
        slug=dumpgen.slugify(title),
        truncated=summary.endswith(("...", "\u2026")),
        figures=figures,
        position=PER_DAY - 1 - rank,
    )


def entries(count: int, *, seed: int) -> tuple[Entry, ...]:
    """``count`` entries, newest first, each published where it first stood."""
    return tuple(Entry.first_seen(article(n, seed=seed)) for n in reversed(range(count)))


def rates(days: int, *, seed: int, first: dt.date = dumpgen.FIRST_DAY) -> tuple[Rate, ...]:
    """Five pairs a day for ``days`` editions, newest edition first."""
    rng = random.Random(seed)
    quotes: tuple[dumpgen.Quote, ...] = dumpgen.SEED_QUOTES
    found: list[Rate] = []
    for day in range(days):
        date = first + dt.timedelta(days=day)
        found.extend(sorted((_rate(quote, date) for quote in quotes), key=lambda r: r.pair, reverse=True))
        quotes = dumpgen.next_quotes(quotes, rng)
    return tuple(reversed(found))


def _rate(quote: dumpgen.Quote, date: dt.date) -> Rate:
    base, quote_code = quote.pair.split("/")
    change = quote.change.rstrip("%")
    direction = None if change[0].isdigit() and change != "0" else _direction(change)
    return Rate(base, quote_code, quote.value, Decimal(change), direction, date)


def _direction(change: str) -> Direction:
    return "up" if change[0] == "+" else "down" if change[0] == "-" else "flat"
