"""A Dump as plain JSON-ready data: decimals and dates as strings, nothing left out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..models import Article, Dump, Figure, Page, Problem, Rate


def dump_to_dict(dump: Dump) -> dict[str, Any]:
    """Everything a Dump holds, for ``json.dumps``: pages with their articles and rates, the
    one-per-pair-and-date rates, and the problems. Decimals keep their digits (``"0.00008"``)."""
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
        "figures": [_figure(figure) for figure in article.figures],
        "source": article.source,
        "line": article.line,
    }


def _figure(figure: Figure) -> dict[str, Any]:
    return {
        "caption": figure.caption,
        "attachment_id": figure.attachment_id,
        "width": figure.width,
        "align": figure.align,
    }


def rate_to_dict(rate: Rate) -> dict[str, Any]:
    """A rate as JSON-ready values: exact decimals as plain strings (never E notation)."""
    return {
        "pair": rate.pair,
        "base": rate.base,
        "quote": rate.quote,
        "value": _decimal(rate.value),
        "inverse": _decimal(rate.inverse),
        "change_percent": _decimal(rate.change_percent),
        "direction": rate.direction,
        "date": rate.date.isoformat(),
        "source": rate.source,
        "line": rate.line,
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
