"""Page drafts to Pages, each part made by the part that knows it.

``Editions`` dates each page, ``pair_blocks`` finds its articles' titles and paragraphs,
``Articles`` makes them, ``Repeats`` keeps one per slug and edition, ``Rates`` collapses the
ticker; the results counter is checked against what the page holds; and once the dump is read to
its end, the last article is judged (``finish``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from ..models import Article, Page
from ._articles import Articles
from ._drafts import Draft
from ._editions import Editions
from ._pairing import pair_blocks
from ._rates import Rates
from ._repeats import Repeats
from ._report import Report
from ._tickers import readings


def assemble(drafts: Iterable[Draft], report: Report, printable: bool) -> tuple[Page, ...]:
    """The pages of ``drafts``, read one at a time; ``printable`` says the dump's lines are (see
    ``_decode.decode``)."""
    assembler = _Assembler(report, printable)
    pages = [assembler.page(draft) for draft in drafts]
    assembler.finish(pages)
    return tuple(pages)


class _Assembler:
    """The parts that carry something from page to page, and the last article kept."""

    def __init__(self, report: Report, printable: bool) -> None:
        self.report = report
        self.editions = Editions(report)
        self.articles = Articles(report, printable)
        self.repeats = Repeats(report)
        self.rates = Rates(report)
        self.last: tuple[Article, int] | None = None  # with its paragraph's last line (0: none)

    def page(self, draft: Draft) -> Page:
        """The page of a draft, its blocks read (and paired) one at a time as they come."""
        date = self.editions.page(draft)
        if date is None:
            return self._undated(draft)
        start = self.editions.start(draft, date)
        articles, found = self._articles(draft, date, start)
        check_counter(draft, found, self.report)
        self.editions.advance(draft, date, start + found)
        first, last, total = draft.counter or (None, None, None)
        return Page(
            date,
            articles,
            self.rates.page(draft.tickers, date),
            first,
            last,
            total,
            line=draft.line,
            date_line=draft.date_line if draft.date is not None else 0,
        )

    def _articles(self, draft: Draft, date: dt.date, start: int) -> tuple[tuple[Article, ...], int]:
        """The page's articles kept, and how many it lists (repeats included)."""
        kept: list[Article] = []
        found = 0
        for title, paragraph in pair_blocks(draft.blocks, self.report):
            article = self.articles.make(title, paragraph, date, start + found)
            found += 1
            if self.repeats.first(article, paragraph):
                kept.append(article)
                self.editions.across(article)
                self.last = (article, paragraph.last if paragraph else 0)
        return tuple(kept), found

    def _undated(self, draft: Draft) -> Page:
        """A page of no known date: its rates and articles are reported, and none is kept."""
        kind, said = self.editions.undated()
        for number, text, _ in readings(draft.tickers):
            self.report.line(number, f"rate {kind}", text, prefix=f"rate {said}")
        found = 0
        for title, paragraph in pair_blocks(draft.blocks, self.report):
            found += 1
            self.report.line(title.line, f"article {kind}", title.text, prefix=f"article {said}")
            if paragraph:
                lines = paragraph.numbered()
                self.report.lines(
                    f"article {kind}", lines, paragraph.count, paragraph.last, prefix=f"article {said}"
                )
        check_counter(draft, found, self.report)
        first, last, total = draft.counter or (None, None, None)
        return Page(None, (), (), first, last, total, line=draft.line)

    def finish(self, pages: list[Page]) -> None:
        """Once the dump is read to its end: its last article, if its paragraph holds the dump's
        last line, may be cut off (``Articles.cut_off``). Only then is it known which paragraph is
        the last: a page's articles are read before the rest of the dump (it may be blank lines,
        or more text)."""
        if self.last is None or self.last[1] != self.report.last_line:
            return
        cut = self.articles.cut_off(self.last[0])
        if cut is not None:  # the article is the last page's last: nothing follows its paragraph
            page = pages[-1]
            pages[-1] = dataclasses.replace(page, articles=(*page.articles[:-1], cut))


def check_counter(draft: Draft, found: int, report: Report) -> None:
    """Report a results counter that is no range, goes past its total, or promises another number
    of articles than the page lists."""
    if draft.counter is None:
        return
    first, last, total = draft.counter
    said = f"results counter {first} - {last} of {total}"
    if first < 1 or first > last:
        kind = "results counter is not a range of results"
        report.problem(draft.counter_line, f"{said} is not a range of results", kind=kind)
    elif last > total:
        kind = "results counter goes past its total"
        report.problem(draft.counter_line, f"{said} goes past its total", kind=kind)
    elif last - first + 1 != found:
        kind = "results counter promises another number of articles than the page has"
        message = f"{said} promises {last - first + 1} articles, the page has {found}"
        report.problem(draft.counter_line, message, kind=kind)
