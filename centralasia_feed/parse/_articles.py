"""Articles made of a title and its paragraph: white space made plain, shortcodes out, figures in;
and the dump's last one, if the dump stops in its middle, made an excerpt."""

from __future__ import annotations

import dataclasses
import datetime as dt

from ..models import Article, Figure
from ._blocks import Block
from ._pairing import CLOSERS
from ._report import Report
from ._shortcodes import Dropped, strip_shortcodes
from ._slug import slugify
from ._spaces import normalize, normalize_printable

# The longest excerpt an article keeps (a longer paragraph is cut at a space before it, and said
# so): far more than a listing's excerpt (a few hundred characters) or a long article (a few
# thousand words), and far less than libxml2's default parser reads in a feed (it refuses a text
# node over 10,000,000 bytes, "Text node too long", however much of the text escaping multiplies).
LONGEST_SUMMARY = 50_000
_FULL_STOPS = (".", "…", "!", "?", "。")


class Articles:
    """Makes articles for one dump, whose text is known printable (once NBSPs are spaces) or not."""

    def __init__(self, report: Report, printable: bool) -> None:
        self.report = report
        self.normalize = normalize_printable if printable else normalize

    def make(self, title: Block, paragraph: Block | None, date: dt.date, position: int) -> Article:
        summary, figures = self._summary(paragraph) if paragraph else ("", ())
        heading = self.normalize(title.text)
        return Article(
            heading,
            summary,
            date,
            slugify(heading),
            summary.endswith(("...", "…")),
            figures,
            position,
            self.report.source,
            title.line,
        )

    def cut_off(self, article: Article) -> Article | None:
        """The dump's last article, its paragraph holding the dump's last line, as an excerpt if the
        paragraph stops mid-sentence: the scrape was cut off there, so the text is never presented
        as the whole paragraph (and that is said). None if it is whole, or said to be cut already."""
        summary = article.summary
        if article.truncated or not summary or summary.rstrip(CLOSERS).endswith(_FULL_STOPS):
            return None
        end = summary if len(summary) <= 40 else "…" + summary[-39:]
        self.report.line(self.report.last_line, "the dump ends mid-paragraph, kept as an excerpt", end)
        return dataclasses.replace(article, truncated=True)

    def _summary(self, paragraph: Block) -> tuple[str, tuple[Figure, ...]]:
        """The paragraph's text and figures, each shortcode it drops reported on its line, and cut
        to ``LONGEST_SUMMARY`` (said so)."""
        text = paragraph.text
        figures: tuple[Figure, ...] = ()
        if "[" in text:
            text, figures = strip_shortcodes(text, self._dropped(paragraph))
        summary = self.normalize(text)
        if not figures and not any(char.isalnum() for char in summary):
            self._wordless(paragraph)  # a gallery or an embed the scrape kept nothing of
        if len(summary) > LONGEST_SUMMARY:
            summary = self._cut(paragraph, summary)
        return summary, figures

    def _dropped(self, paragraph: Block) -> Dropped:
        """What reports a shortcode ``strip_shortcodes`` drops from ``paragraph``, on its line."""
        line_at = paragraph.lines_at()

        def dropped(offset: int, kind: str, tag: str) -> None:
            self.report.line(paragraph.last if offset < 0 else line_at(offset), kind, tag)

        return dropped

    def _wordless(self, paragraph: Block) -> None:
        """A paragraph that says nothing once its shortcodes are gone: its article is kept (as a
        title without a paragraph is), but the lines are named, since their content is lost."""
        kind = "paragraph with no words once shortcodes are removed"
        self.report.line(paragraph.line, kind, paragraph.text)

    def _cut(self, paragraph: Block, summary: str) -> str:
        """A summary past ``LONGEST_SUMMARY`` cut at a space before it, and said so."""
        message = f"paragraph of {len(summary):,} characters cut to {LONGEST_SUMMARY:,}, as an excerpt"
        self.report.problem(paragraph.line, message, kind="paragraph too long for a feed, cut")
        cut = summary.rfind(" ", LONGEST_SUMMARY // 2, LONGEST_SUMMARY)
        return summary[: cut if cut != -1 else LONGEST_SUMMARY].rstrip() + " …"
