"""Deterministic dumps in the site's exact format, for tests and benchmarks.

A dump is what the scraper saves from one listing of The Times of Central Asia: per page, a ticker
of five pairs repeated eight times (the carousel), the edition date (``05 January 2025``), the
results counter (``Viewing results 1 - 6 of 20``), then title, blank, paragraph, blank per article.
The file's first line lost its indentation and the file has no final newline, as in the seed.

Article ``n`` of a seed always has the same title and paragraph, so one article can show up in the
dumps of several days (as on the real listing, where yesterday's top stories sit lower today).
Titles encode ``n`` through a bijection onto word slots, so they never collide, slugs included.

    >>> text = generate_dump(date(2025, 1, 5), 6, seed=1)
    >>> for day, text in generate_days(1000, 50, seed=1): ...
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from . import dumpwords as words

PAGE_SIZE = 6
TICKER_REPEATS = 8
FIRST_DAY = dt.date(2015, 1, 1)
_SENTENCE_POOL = 4000
_CAPTION = '[caption id="attachment_{id}" align="{align}" width="{width}"] Image: {credit}[/caption]'


@dataclass(frozen=True)
class TickerRate:
    """One ticker pair as the site writes it: ``KGS/USD = 0.01149 0.44%`` (change as written)."""

    pair: str
    value: Decimal
    change: str

    def line(self) -> str:
        return f"  \u2022 {self.pair} = {self.value:f} {self.change}"


SEED_RATES = (
    TickerRate("KGS/USD", Decimal("0.01149"), "0%"),
    TickerRate("KZT/USD", Decimal("0.00191"), "0%"),
    TickerRate("TJS/USD", Decimal("0.09217"), "0.44%"),
    TickerRate("UZS/USD", Decimal("0.00008"), "0%"),
    TickerRate("TMT/USD", Decimal("0.28615"), "0%"),
)


def slugify(title: str) -> str:
    """A reference WordPress-like slug: lower case, punctuation dropped, words joined by ``-``."""
    kept = re.sub(r"[^\w\s-]", "", title.lower().replace("\u2019", ""))
    return "-".join(re.split(r"[\s-]+", kept.strip()))


def edition_date(day: dt.date) -> str:
    return f"{day:%d} {day:%B} {day.year}"


def title(n: int, *, seed: int) -> str:
    """The title of article ``n``: unique for each ``n`` (its word slots are a bijection of ``n``)."""
    slots = len(words.ACTORS) * len(words.TOPICS) * len(words.PLACES)
    rounds, k = divmod(n, slots)
    k = (k * _coprime(slots, seed) + seed) % slots
    k, actor = divmod(k, len(words.ACTORS))
    place, topic = divmod(k, len(words.TOPICS))
    rng = random.Random(seed * 7_919 + n)
    text = rng.choice(words.TITLES).format(
        a=words.ACTORS[actor], b=words.TOPICS[topic], c=words.PLACES[place], n=rng.randint(2, 30)
    )
    return text if rounds == 0 else f"{text} (Part {rounds + 1})"


def _coprime(slots: int, seed: int) -> int:
    """A multiplier coprime with ``slots``, so that consecutive articles get unrelated words."""
    multiplier = 7_919 + 2 * (seed % 1000)
    while _gcd(multiplier, slots) != 1:
        multiplier += 1
    return multiplier


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def paragraph(n: int, *, seed: int) -> str:
    """Article ``n``'s excerpt: 1.5 to 4.5 KB of prose, a third whole, the rest cut by the site."""
    rng = random.Random(seed * 104_729 + n)
    pool = _sentences(seed)
    target = rng.randint(1500, 4500)
    parts = rng.choices(pool, k=target // 60)
    if rng.random() < 0.2:
        parts.insert(rng.randint(1, 3), _caption(n, rng))
    text = " ".join(parts)
    while len(text) < target:
        text += " " + rng.choice(pool)
    if rng.random() < 0.1:
        text = text.replace(" the ", " the\u00a0 ", 1)
    return _whole(text, target) if rng.random() < 0.34 else _cut(text, target, rng)


def _caption(n: int, rng: random.Random) -> str:
    align, width = rng.choice((("aligncenter", 750), ("aligncenter", 750), ("alignleft", 300)))
    return _CAPTION.format(id=20_000 + 3 * n, align=align, width=width, credit=rng.choice(words.CREDITS))


def _whole(text: str, target: int) -> str:
    """Up to the last sentence end at or after ``target`` (whole excerpts end on a full stop)."""
    end = text.find(". ", target)
    return text if end < 0 else text[: end + 1]


def _cut(text: str, target: int, rng: random.Random) -> str:
    """Cut at a word boundary near ``target`` and mark the cut as the site does."""
    cut = text.rfind(" ", 0, target)
    head = text[:cut].rstrip(" ,;:\u00a0")
    return head + rng.choice(("...", "...", "...", "\u2026"))


@functools.lru_cache(maxsize=4)
def _sentences(seed: int) -> tuple[str, ...]:
    """A pool of sentences per seed; paragraphs draw from it (fast enough for 100k articles)."""
    rng = random.Random(seed)
    return tuple(_sentence(rng) for _ in range(_SENTENCE_POOL))


def _sentence(rng: random.Random) -> str:
    fill = {
        "actor": rng.choice(words.ACTORS),
        "place": rng.choice(words.PLACES),
        "topic": rng.choice(words.TOPICS).lower(),
        "n": f"{rng.randint(2, 900):,}",
        "pct": f"{rng.randint(1, 60)}.{rng.randint(0, 9)}",
        "year": rng.randint(1991, 2025),
    }
    text = rng.choice(words.SENTENCES).format(**fill)
    return text[0].upper() + text[1:]


def articles_block(ids: Sequence[int], *, seed: int) -> list[str]:
    """The lines of the articles ``ids``: title, blank, paragraph, blank each."""
    lines: list[str] = []
    for n in ids:
        lines += [title(n, seed=seed), "", paragraph(n, seed=seed), ""]
    return lines


def ticker(rates: Sequence[TickerRate]) -> list[str]:
    return [rate.line() for _ in range(TICKER_REPEATS) for rate in rates]


def generate_dump(
    day: dt.date,
    articles: int | Sequence[int],
    *,
    seed: int,
    start: int = 0,
    total: int | None = None,
    rates: Sequence[TickerRate] | None = None,
) -> str:
    """One edition's dump: the listing from position ``start`` on, in pages of six.

    ``articles`` is a count (articles ``start`` to ``start + count - 1`` of this seed) or the
    article numbers in listing order. ``total`` is the listing's size in the counter (default:
    the last article shown). ``rates`` default to the seed's ticker.
    """
    ids = range(start, start + articles) if isinstance(articles, int) else list(articles)
    total = start + len(ids) if total is None else total
    pairs = SEED_RATES if rates is None else rates
    lines: list[str] = []
    for first in range(0, len(ids), PAGE_SIZE):
        page = ids[first : first + PAGE_SIZE]
        counter = f"Viewing results {start + first + 1} - {start + first + len(page)} of {total}"
        lines += ticker(pairs) + [edition_date(day), "", counter, ""]
        lines += articles_block(page, seed=seed)
    return "\n".join(lines).lstrip().rstrip("\n")


def next_rates(rates: Sequence[TickerRate], rng: random.Random) -> tuple[TickerRate, ...]:
    """The next day's ticker: most pairs unchanged, some moving; changes signed or unsigned."""
    return tuple(_next_rate(rate, rng) for rate in rates)


def _next_rate(rate: TickerRate, rng: random.Random) -> TickerRate:
    value = rate.value
    if rng.random() < 0.45:
        step = Decimal(rng.randint(-60, 60)) / 10_000
        value = max(Decimal("0.00001"), (value * (1 + step)).quantize(Decimal("0.00001")))
    change = (value / rate.value - 1) * 100
    if change == 0:
        return TickerRate(rate.pair, value, "0%")
    percent = abs(change).quantize(Decimal("0.01"))
    sign = rng.choice(("", "", "+" if change > 0 else "-"))
    return TickerRate(rate.pair, value, f"{sign}{percent}%")


def generate_days(
    n_articles: int, days: int, *, seed: int, first: dt.date = FIRST_DAY, overlap: int = 6
) -> Iterator[tuple[dt.date, str]]:
    """A backfill: ``days`` daily dumps from ``first`` on, ``n_articles`` new articles in all.

    Each day lists its new articles (newest first) above up to ``overlap`` of the previous days'
    (a random few, at least one), so consecutive dumps share articles in a shifted position.
    """
    rng = random.Random(seed)
    rates: tuple[TickerRate, ...] = SEED_RATES
    published = 0
    for day in range(days):
        fresh = (day + 1) * n_articles // days - published
        older = min(published, rng.randint(1, overlap)) if overlap else 0
        ids = range(published + fresh - 1, published - older - 1, -1)
        published += fresh
        if ids:
            text = generate_dump(first + dt.timedelta(days=day), ids, seed=seed, rates=rates)
            yield first + dt.timedelta(days=day), text
        rates = next_rates(rates, rng)
