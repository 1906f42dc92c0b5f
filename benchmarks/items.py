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
    ticker: tuple[dumpgen.TickerRate, ...] = dumpgen.SEED_RATES
    found: list[Rate] = []
    for day in range(days):
        date = first + dt.timedelta(days=day)
        found.extend(sorted((_rate(rate, date) for rate in ticker), key=lambda r: r.pair, reverse=True))
        ticker = dumpgen.next_rates(ticker, rng)
    return tuple(reversed(found))


def _rate(rate: dumpgen.TickerRate, date: dt.date) -> Rate:
    base, quote_code = rate.pair.split("/")
    change = rate.change.rstrip("%")
    direction = None if change[0].isdigit() and change != "0" else _direction(change)
    return Rate(base, quote_code, rate.value, Decimal(change), direction, date)


def _direction(change: str) -> Direction:
    return "up" if change[0] == "+" else "down" if change[0] == "-" else "flat"
