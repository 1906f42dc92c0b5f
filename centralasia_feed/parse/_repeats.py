"""One article per slug and edition: a repeat is reported and left out, the first one kept.

An article is listed once per edition, its slug (the feeds' id) naming it: a repeat (a doubled
dump, a page scraped twice) is reported and left out, as a rate's repeat is. A repeat's paragraph
lines are named too unless it had the same text, and so are those of an article whose other title
gives the same slug (``Why Now?``, ``Why Now!``): the archive would take it for an edit of the
first, so one edition cannot hold both.
"""

from __future__ import annotations

import datetime as dt

from ..models import Article
from ._blocks import Block
from ._report import Report, cite


class Repeats:
    """The articles kept so far, by edition and slug."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.kept: dict[dt.date, dict[str, Article]] = {}

    def first(self, article: Article, paragraph: Block | None) -> bool:
        """Whether ``article`` is the first of its slug in its edition (else it is reported)."""
        first = self.kept.setdefault(article.date, {}).setdefault(article.slug, article)
        if first is article:
            self.report.use(article.line)
            if paragraph:
                self.report.use(paragraph.line, paragraph.last)
            return True
        message, kind, left_out = _repeat(first, article)
        self.report.problem(article.line, f"{message}: {cite(article.title)}", article.title, kind=kind)
        if paragraph and left_out:
            self._left_out(article, paragraph)
        elif paragraph:
            self.report.use(paragraph.line, paragraph.last)  # the very text of a value kept
        return False

    def _left_out(self, article: Article, paragraph: Block) -> None:
        self.report.lines(
            "paragraph of an article left out",
            paragraph.numbered(),
            paragraph.count,
            paragraph.last,
            prefix=f"paragraph of the article left out at line {article.line}",
        )


def _repeat(first: Article, article: Article) -> tuple[str, str, bool]:
    """What the problem of a repeat of ``first`` says, its kind, and whether its paragraph is left
    out (not when it is the very text of the article kept)."""
    if first.title != article.title:
        message = f"same slug as the article at line {first.line} ({cite(first.title)}), left out"
        return message, "same slug as an earlier article, left out", True
    if (first.summary, first.figures) != (article.summary, article.figures):
        message = f"article repeated with other text (first at line {first.line}), kept once"
        return message, "article repeated with other text, kept once", True
    return f"article repeated (first at line {first.line}), kept once", "article repeated, kept once", False

