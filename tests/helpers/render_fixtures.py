"""Hand-made values for the renderer's tests: the seed dump's six articles and five rates.

Written by hand (not parsed) so the renderer's tests stand apart from the parser's. The seed is
``seeds/000_caa332ea3062df9c.txt``, the listing of 05 January 2025: four excerpts cut by the site
(ending in "..."), two whole articles, the first with a figure caption "Image: Akorda". The
paragraphs are shortened here (their first and last words kept) to keep this file readable.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from centralasia_feed.config import FeedConfig
from centralasia_feed.models import Article, Direction, Entry, Figure, Rate, Stamp, entries_of

DAY = dt.date(2025, 1, 5)
SOURCE = "seeds/000_caa332ea3062df9c.txt"

_SEED = (
    (
        "Tokayev on Kazakhstan’s Future: Reforms, Diplomacy, and Global Leadership",
        "tokayev-on-kazakhstans-future-reforms-diplomacy-and-global-leadership",
        "In an interview with the Kazakh newspaper Ana Tili, President Kassym-Jomart Tokayev discussed "
        "pressing domestic and international policy issues shaping Kazakhstan's development. Reflecting on "
        "Qantar - Building a Just Kazakhstan Tokayev addressed the January 2022 unrest. Nuclear Power Plans, "
        "Middle Powers and Global Stability On nuclear energy, Tokayev...",
        True,
    ),
    (
        "Diplomacy in Detail: Where Each Central Asian Leader Traveled to in 2024",
        "diplomacy-in-detail-where-each-central-asian-leader-traveled-to-in-2024",
        'Central Asia is often synonymous with the term "multi-vector foreign policy," enabling its nations '
        "to navigate the competing interests of global and regional powers effectively. In 2024, Tokayev and "
        "Japarov led the region in the number of foreign visits. While...",
        True,
    ),
    (
        "Opinion: What Will a New Trump Presidency Mean for Central Asia?",
        "opinion-what-will-a-new-trump-presidency-mean-for-central-asia",
        "During his presidency, Donald Trump introduced a foreign policy approach that recalibrated U.S. "
        "engagement with Central Asia. Although modest compared to China’s commitments, these investments "
        "reflected an effort to position...",
        True,
    ),
    (
        "U.S. Ambassador to Kazakhstan Daniel Rosenblum Resigns",
        "us-ambassador-to-kazakhstan-daniel-rosenblum-resigns",
        "U.S. Ambassador to Kazakhstan Daniel Rosenblum has announced his resignation, effective January 20, "
        "2025. The conclusion of Rosenblum’s distinguished career marks the end of a productive chapter in "
        "U.S.-Kazakh relations, leaving his successor with the task of continuing to foster this important "
        "bilateral partnership.",
        False,
    ),
    (
        "Kazakhstan’s Middle Power Strategy Captures U.S. Focus in Trump-Tokayev Talks",
        "kazakhstans-middle-power-strategy-captures-us-focus-in-trump-tokayev-talks",
        "On December 5, a telephone conversation took place between Kazakhstan's President Kassym-Jomart "
        "Tokayev and U.S. President-elect Donald Trump. Tokayev’s vision of middle powers as mediators may "
        "prove instrumental in shaping a more inclusive and cooperative international order.",
        False,
    ),
    (
        "Trump’s Bid for Ukraine-Russia Peace: Could Kazakhstan Be the Key Mediator?",
        "trumps-bid-for-ukraine-russia-peace-could-kazakhstan-be-the-key-mediator",
        "One of the anticipated top priorities of Donald Trump’s presidency is ending Russia's war in "
        "Ukraine while normalizing relations with Moscow. Kazakhstan’s diplomatic corps has actively pushed "
        "for peace....",
        True,
    ),
)

AKORDA = Figure(caption="Image: Akorda", attachment_id=27253, width=750, align="aligncenter")


def seed_articles(day: dt.date = DAY) -> tuple[Article, ...]:
    """The seed's six articles, newest (position 0) first."""
    return tuple(
        Article(
            title=title,
            summary=summary,
            date=day,
            slug=slug,
            truncated=truncated,
            figures=(AKORDA,) if position == 0 else (),
            position=position,
            source=SOURCE,
        )
        for position, (title, slug, summary, truncated) in enumerate(_SEED)
    )


def seed_entries(day: dt.date = DAY) -> tuple[Entry, ...]:
    """The seed's six articles as entries first seen where they stand: what the renderers take."""
    return entries_of(seed_articles(day))


def rate(pair: str, value: str, change: str, direction: Direction | None, day: dt.date = DAY) -> Rate:
    base, quote = pair.split("/")
    return Rate(base, quote, Decimal(value), Decimal(change), direction, day, source=SOURCE)


def seed_rates(day: dt.date = DAY) -> tuple[Rate, ...]:
    """The seed ticker's five rates in the ticker's order (not sorted by pair)."""
    return (
        rate("KGS/USD", "0.01149", "0", "flat", day),
        rate("KZT/USD", "0.00191", "0", "flat", day),
        rate("TJS/USD", "0.09217", "0.44", None, day),
        rate("UZS/USD", "0.00008", "0", "flat", day),
        rate("TMT/USD", "0.28615", "0", "flat", day),
    )


def make_article(title: str, slug: str = "hostile", *, truncated: bool = True, position: int = 0) -> Article:
    """An article with a given title (and the title again as its text), for hostile-input tests."""
    return Article(title, f"{title} text...", DAY, slug, truncated=truncated, position=position)


def make_entry(title: str, slug: str = "hostile", *, truncated: bool = True, position: int = 0) -> Entry:
    """``make_article``'s article as an entry first seen where it stands."""
    return Entry.first_seen(make_article(title, slug, truncated=truncated, position=position))


def updated_entry(article: Article, first: dt.date) -> Entry:
    """An entry first published on ``first`` whose text changed in ``article``'s edition."""
    return Entry(article, Stamp(first, article.position), Stamp(article.date, article.position))


CONFIG = FeedConfig()
