"""Values as JSON-ready dicts, one conversion per value: what ``parse --json`` and ``rates --json``
print, what the archive hashes as an article's text, and what the JSON feeds' extension objects
carry. Decimals keep their digits as plain strings (``"0.00008"``, never E notation), dates are
ISO 8601, and nothing is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .config import FeedConfig
from .models import Article, Dump, Figure, Page, Problem, Rate

Text = Callable[[str], str]  # how a conversion writes a value's text: as it is, or cleaned for a feed


def dump_to_dict(dump: Dump) -> dict[str, Any]:
    """Everything a Dump holds, for ``json.dumps``: pages with their articles and rates, the
    one-per-pair-and-date rates, and the problems."""
    return {
        "source": dump.source,
        "pages": [_page(page) for page in dump.pages],
        "rates": [rate_to_dict(rate) for rate in dump.rates],
        "problems": [_problem(problem) for problem in dump.problems],
    }


def _decimal(value: Decimal) -> str:
    """Plain notation as written: ``0.00000001``, never ``1E-8``."""
    return format(value, "f")


def _page(page: Page) -> dict[str, Any]:
    return {
        "date": page.date.isoformat() if page.date else None,
        "line": page.line,
        "date_line": page.date_line,
        "first": page.first,
        "last": page.last,
        "total": page.total,
        "articles": [_article(article) for article in page.articles],
        "rates": [rate_to_dict(rate) for rate in page.rates],
    }


def _article(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "slug": article.slug,
        "date": article.date.isoformat(),
        "position": article.position,
        "truncated": article.truncated,
        "summary": article.summary,
        "figures": [figure_to_dict(figure) for figure in article.figures],
        "source": article.source,
        "line": article.line,
    }


def figure_to_dict(figure: Figure, text: Text = str) -> dict[str, Any]:
    """A figure's fields by name, its caption written by ``text``."""
    return {
        "caption": text(figure.caption),
        "attachment_id": figure.attachment_id,
        "width": figure.width,
        "align": figure.align,
    }


RATE_TYPE = "news-site ticker"
"""What kind of rate these are, as ECB's ``rateType`` says of its own: the site's ticker as scraped,
never an official (central-bank) rate."""


def provider(name: str, url: str) -> dict[str, Any]:
    """Whose rates they are, as Frankfurter names its ``providers``."""
    return {"name": name, "url": url}


TICKER = provider(FeedConfig.author, FeedConfig.source_url)  # the default site's ticker


def rate_to_dict(rate: Rate) -> dict[str, Any]:
    """A rate as JSON-ready values: its pair, its exact values (``rate_values``), where it was read."""
    return {"pair": rate.pair, **rate_values(rate, rate.inverse), "source": rate.source, "line": rate.line}


def rate_values(
    rate: Rate, inverse: Decimal | None, code: Text = str, source: dict[str, Any] = TICKER
) -> dict[str, Any]:
    """What a rate says, exactly: its currency codes (written by ``code``), value, ``inverse``
    (``1 / value`` to six digits, for arithmetic; None where there is none), the change signed
    by its direction (``Rate.signed_change``) and the direction, the date; then the change as the
    ticker wrote it, and where the rate comes from (``source``, a ``provider``), which is never
    an official rate."""
    return {
        "base": code(rate.base),
        "quote": code(rate.quote),
        "value": _decimal(rate.value),
        "inverse": None if inverse is None else _decimal(inverse),
        "change_percent": rate.signed_change,
        "direction": rate.direction,
        "date": rate.date.isoformat(),
        "change_percent_as_written": _decimal(rate.change_percent),
        "rate_type": RATE_TYPE,
        "official": False,
        "provider": source,
    }


def _problem(problem: Problem) -> dict[str, Any]:
    """A problem; a group (``count`` > 1) stands for ``count`` lines from ``line`` to ``last_line``."""
    return {
        "source": problem.source,
        "line": problem.line,
        "message": problem.message,
        "text": problem.text,
        "kind": problem.kind,
        "count": problem.count,
        "last_line": problem.last_line,
    }
