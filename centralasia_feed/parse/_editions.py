"""Which edition each page belongs to: its date, inherited where it has none, and the listing
position its articles start at.

A page with no date line continues the edition before it. A page header (a ticker or a results
counter with it) whose date line cannot be used (``31 February 2025``) starts an edition of unknown
date, unless its counter continues the last page's, and so does any such line before the first
usable one: its articles are reported, and those of the pages after it, until a date line can be
used; they are never dated as an earlier edition. An unusable date-like line among articles (a
title ``16 December 1986``, a page without ticker or counter) leaves the date as it was, and each
article dated across it says so (``across``) until a date line can be used.
"""

from __future__ import annotations

import datetime as dt

from ..models import Article
from ._drafts import Draft
from ._report import Report, cite


class Editions:
    """The editions met so far: the last page's date, the unusable date lines that stand since,
    and where each edition's listing has got to."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.date: dt.date | None = None  # the last page's
        self.unreadable = 0  # a header's unusable date line, while its edition lasts
        self.stray = 0  # an unusable date line among articles, until a usable one
        self.listed: dict[dt.date, int] = {}  # each edition's articles listed so far

    def page(self, draft: Draft) -> dt.date | None:
        """The page's date, or the last page's where it has none (or None: see the module)."""
        if draft.date is not None:
            self.date, self.unreadable, self.stray = draft.date, 0, 0
        elif draft.dated and not self._continues(draft) and (draft.ticked or draft.counted or not self.date):
            self.date, self.unreadable = None, draft.date_line
        elif draft.dated:
            self.stray = draft.date_line
        return self.date

    def start(self, draft: Draft, date: dt.date) -> int:
        """The listing position of the page's first article: its counter's first result, or where
        its edition's listing has got to."""
        if draft.counter is None:
            return self.listed.get(date, 0)
        return max(draft.counter[0], 1) - 1

    def advance(self, draft: Draft, date: dt.date, end: int) -> None:
        """The page is read: its edition's listing has got to position ``end``. A counter starting
        again at 1 on a page with no date line says it may be another edition, so the date the
        page was given is a guess, said out loud."""
        if not draft.dated and draft.counter and draft.counter[0] == 1 and self.listed.get(date, 0):
            self.report.problem(
                draft.counter_line,
                f"results counter starts again at 1 on a page with no edition date, dated {date} as the "
                "page before",
                kind="results counter starts again at 1 on a page with no edition date",
            )
        self.listed[date] = end

    def across(self, article: Article) -> None:
        """Name an article dated as an earlier page though an unusable date line (a stray one)
        stands between them."""
        if self.stray:
            self.report.problem(
                article.line,
                f"dated {article.date} as the pages above it: the date line between (line {self.stray}) "
                f"cannot be used: {cite(article.title)}",
                article.title,
                kind="dated as the pages above it, across a date line that cannot be used",
            )

    def undated(self) -> tuple[str, str]:
        """Why a page has no date, as a problem's kind and as its message's prefix."""
        if self.unreadable:
            where = "under an unusable edition date"
            return where, f"{where} (line {self.unreadable})"
        return "before any edition date", "before any edition date"

    def _continues(self, draft: Draft) -> bool:
        """Whether a page's counter takes up where the last dated page's left off (``7 - 12``
        after ``1 - 6``): the same edition, whatever its date line says."""
        if self.date is None or draft.counter is None:
            return False
        return draft.counter[0] == self.listed.get(self.date, -1) + 1
