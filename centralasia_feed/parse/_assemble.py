"""Page drafts to Pages: dates inherited, titles paired with paragraphs, rates collapsed, counters checked.

Pairing decides which text block is a title and which its paragraph, by the blocks' shapes. A title
is one line of at most 300 characters (not a shortcode, such as a caption-only paragraph); a
paragraph is what follows it, unless that block looks like the next title (one short line not
ending like a sentence) and the block after it looks like a paragraph, in which case the first
title lost its paragraph (a dump cut short). A title-case line ending in an abbreviation (``...
Deal With the U.S.``) does not end like a sentence; a sentence-case one (``... exports to the
U.S.``) does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator

from ..models import Article, Figure, Page, Rate
from ._lines import LIST_BULLETS, Quote, TickerLine, opens_with_codes
from ._pages import Block, Draft
from ._report import Report, quote
from ._shortcodes import clean, normalize, starts_with_shortcode
from ._slug import slugify
from ._tickers import TickerRun, each_line

_LONGEST_TITLE = 300
# The longest excerpt an article keeps (a longer paragraph is cut at a space before it, and said
# so): far more than a listing's excerpt (a few hundred characters) or a long article (a few
# thousand words), and far less than libxml2's default parser reads in a feed (it refuses a text
# node over 10,000,000 bytes, "Text node too long", however much of the text escaping multiplies).
LONGEST_SUMMARY = 50_000
_BULLETS = tuple(LIST_BULLETS)  # not ``*``, ``-`` or ``–``, which may open a title
_NOT_TITLE_OPENERS = ("[", *_BULLETS)  # what may open a block that is no title (``title_like``)
_SENTENCE_ENDS = (".", "…")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Za-z]\.){2,}$|\b(?:Inc|Ltd|Co|Corp|Jr|Sr|St|No|vs|etc|Dr|Mr|Mrs|Ms|Gen|Gov|Sen|Rep|Bros|Mt|Prof)\.$"
)
_JOINING = frozenset(
    {"a", "an", "the", "and", "or", "but", "nor", "for", "of", "in", "on", "at", "to", "by", "as", "vs"}
    | {"with", "from", "into", "onto", "over", "than", "that", "this", "upon", "amid"}
)
_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«(["
_FULL_STOPS = (".", "…", "!", "?", "。")

Pair = tuple[Block, Block | None]


class Assembler:
    """Carries what one page needs from the pages before it: the last date, positions, rates seen."""

    def __init__(self, report: Report, printable: bool = False) -> None:
        self.report = report
        self.printable = printable  # every line printable, NBSPs aside: see ``_decode.decode``
        self.last_date: dt.date | None = None
        self.unreadable_date = 0  # a header's unusable date line, while its edition lasts
        self.stray_date = 0  # an unusable date line among articles, until a usable one
        self.next_position: dict[dt.date, int] = {}
        self.rates_seen: dict[tuple[str, dt.date], Rate] = {}
        self.articles_seen: dict[dt.date, dict[str, Article]] = {}  # by date, then slug
        self.last: tuple[Article, Block] | None = None  # the kept article whose paragraph may end the dump

    def page(self, draft: Draft) -> Page:
        """The page of a draft, its blocks read (and paired) one at a time as they come."""
        date = self._date(draft)
        pairs = pair_blocks(draft.blocks, self.report)
        if date is None:
            found = self._undated(draft, pairs)
            self._check_counter(draft, found)
            return Page(
                None, first=_count(draft, 0), last=_count(draft, 1), total=_count(draft, 2), line=draft.line
            )
        first = draft.counter[0] if draft.counter else None
        restarts = self._restarts(draft, date)
        start = max(first, 1) - 1 if first is not None else self.next_position.get(date, 0)
        kept: list[Article] = []
        found = 0
        for title, paragraph in pairs:
            article = self._article(title, paragraph, date, start + found)
            found += 1
            if self._first_time(article, paragraph):
                kept.append(article)
                self._inherited(date, article)
        self.next_position[date] = start + found
        self._check_counter(draft, found)
        if restarts:
            self.report.problem(
                draft.counter_line,
                f"results counter starts again at 1 on a page with no edition date, dated {date} as the "
                "page before",
                kind="results counter starts again at 1 on a page with no edition date",
            )
        return Page(
            date,
            tuple(kept),
            self._rates(draft, date),
            first=_count(draft, 0),
            last=_count(draft, 1),
            total=_count(draft, 2),
            line=draft.line,
            date_line=draft.date_line if draft.date is not None else 0,
        )

    def _date(self, draft: Draft) -> dt.date | None:
        """The page's date, or the last page's when it has no date line.

        A page header (a ticker or a results counter with it) whose date line cannot be used
        (``31 February 2025``) starts an edition of unknown date, unless its counter continues the
        last page's, and so does any such line before the first usable one: its articles are
        reported, and those of the pages after it, until a date line can be used; they are never
        dated as an earlier edition. An unusable date-like
        line among articles (a title ``16 December 1986``, a page without ticker or counter) leaves
        the date as it was, and each article dated across it says so (``_inherited``) until a date
        line can be used.
        """
        if draft.date is not None:
            self.last_date, self.unreadable_date, self.stray_date = draft.date, 0, 0
        elif (
            draft.dated
            and not self._continues(draft)
            and (draft.ticked or draft.counter_line or not self.last_date)
        ):
            self.last_date, self.unreadable_date = None, draft.date_line
        elif draft.dated:
            self.stray_date = draft.date_line
        return self.last_date

    def _continues(self, draft: Draft) -> bool:
        """Whether a page's counter takes up where the last dated page's left off (``7 - 12``
        after ``1 - 6``): the same edition, whatever its date line says."""
        if self.last_date is None or draft.counter is None:
            return False
        return draft.counter[0] == self.next_position.get(self.last_date, -1) + 1

    def _restarts(self, draft: Draft, date: dt.date) -> bool:
        """A page with no date line continues the edition before it; a counter starting again at 1
        says it may be another edition, so its date is a guess, said out loud (once its articles
        are read)."""
        return bool(
            not draft.dated and draft.counter and draft.counter[0] == 1 and self.next_position.get(date, 0)
        )

    def _inherited(self, date: dt.date, article: Article) -> None:
        """Name an article dated as an earlier page though an unusable date line (a stray one: see
        ``_date``) stands between them."""
        if self.stray_date:
            self.report.problem(
                article.line,
                f"dated {date} as the pages above it: the date line between (line {self.stray_date}) "
                f"cannot be used: {quote(article.title)}",
                article.title,
                kind="dated as the pages above it, across a date line that cannot be used",
            )

    def _article(self, title: Block, paragraph: Block | None, date: dt.date, position: int) -> Article:
        summary, figures = self._clean(paragraph) if paragraph else ("", ())
        heading = normalize(title.text, printable=self.printable)
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

    def _clean(self, paragraph: Block) -> tuple[str, tuple[Figure, ...]]:
        """The paragraph's text and figures, each shortcode it drops reported on its line, and cut
        to ``LONGEST_SUMMARY`` (said so)."""
        text = paragraph.text
        dropped = self._dropped(paragraph) if "[" in text else None
        summary, figures = clean(text, printable=self.printable, dropped=dropped)
        if not figures and not any(char.isalnum() for char in summary):
            self._wordless(paragraph)  # a gallery or an embed the scrape kept nothing of
        if len(summary) > LONGEST_SUMMARY:
            message = f"paragraph of {len(summary):,} characters cut to {LONGEST_SUMMARY:,}, as an excerpt"
            self.report.problem(paragraph.line, message, kind="paragraph too long for a feed, cut")
            cut = summary.rfind(" ", LONGEST_SUMMARY // 2, LONGEST_SUMMARY)
            summary = summary[: cut if cut != -1 else LONGEST_SUMMARY].rstrip() + " …"
        return summary, figures

    def _dropped(self, paragraph: Block) -> Callable[[int, str, str], None]:
        """What reports a shortcode ``clean`` drops from ``paragraph``, on its line."""
        line_at = paragraph.lines_at()

        def dropped(offset: int, kind: str, tag: str) -> None:
            self.report.quoting(paragraph.last if offset < 0 else line_at(offset), kind, tag)

        return dropped

    def _wordless(self, paragraph: Block) -> None:
        """A paragraph that says nothing once its shortcodes are gone: its article is kept (as a
        title without a paragraph is), but the lines are named, since their content is lost."""
        kind = "paragraph with no words once shortcodes are removed"
        self.report.quoting(paragraph.line, kind, paragraph.text)

    def _first_time(self, article: Article, paragraph: Block | None) -> bool:
        """An article is listed once per edition, its slug (the feeds' id) naming it: a repeat (a
        doubled dump, a page scraped twice) is reported and left out, as a rate's repeat is; the
        first one is kept. A repeat's paragraph lines are named too unless it had the same text,
        and so does an article whose other title gives the same slug (``Why Now?``, ``Why Now!``):
        the archive would take it for an edit of the first, so one edition cannot hold both."""
        first = self.articles_seen.setdefault(article.date, {}).setdefault(article.slug, article)
        if first is article:
            if self.report.track:
                self.report.use(article.line, *(paragraph.numbers() if paragraph else ()))
            ends = paragraph is not None and paragraph.last == self.report.last_line
            self.last = (article, paragraph) if ends and paragraph else None
            return True
        if first.title != article.title:
            message = f"same slug as the article at line {first.line} ({quote(first.title)}), left out"
            kind = "same slug as an earlier article, left out"
        elif (first.summary, first.figures) != (article.summary, article.figures):
            message = f"article repeated with other text (first at line {first.line}), kept once"
            kind = "article repeated with other text, kept once"
        else:
            if self.report.track and paragraph:
                self.report.use(*paragraph.numbers())  # the very text of a value kept
            message = f"article repeated (first at line {first.line}), kept once"
            kind = "article repeated, kept once"
            paragraph = None
        self.report.problem(article.line, f"{message}: {quote(article.title)}", article.title, kind=kind)
        if paragraph:
            self.report.lines(
                "paragraph of an article left out",
                paragraph.numbered(),
                paragraph.count,
                paragraph.last,
                prefix=f"paragraph of the article left out at line {article.line}",
            )
        return False

    def finish(self, pages: list[Page]) -> None:
        """Once the dump is read to its end: its last paragraph, stopping mid-sentence, says the
        scrape was cut off there, so the text is an excerpt (and said so), never presented as the
        whole paragraph. Only then is it known which paragraph is the last: a page's articles are
        read before the rest of the dump (it may be blank lines, or more text)."""
        if self.last is None:
            return
        article, paragraph = self.last
        summary = article.summary
        if paragraph.last != self.report.last_line or article.truncated or not summary:
            return
        if summary.rstrip(_CLOSERS).endswith(_FULL_STOPS):
            return
        page = pages[-1]  # it holds the dump's last line, and the article is its last
        cut = dataclasses.replace(article, truncated=True)
        pages[-1] = dataclasses.replace(page, articles=(*page.articles[:-1], cut))
        end = summary if len(summary) <= 40 else "…" + summary[-39:]
        self.report.quoting(self.report.last_line, "the dump ends mid-paragraph, kept as an excerpt", end)

    def _rates(self, draft: Draft, date: dt.date) -> tuple[Rate, ...]:
        """One rate per pair: identical repeats collapse, a different repeat is reported, the first kept.

        ``shared`` holds (by id) the Quotes of rates kept or repeated: a later line with the very
        same Quote (tokenize shares one between lines of the same text) repeats it, known without
        building its Rate; a ticker run whose pairs agree with the page's is taken whole.
        """
        kept: dict[str, Rate] = {}
        shared: dict[int, Quote] = {}
        used: list[int] = []
        for item in draft.tickers:
            if isinstance(item, TickerRun) and self._whole(item, kept, shared, date):
                used.extend(range(item.line, item.end))
                continue
            for ticker in item.lines() if isinstance(item, TickerRun) else (item,):
                if ticker.quote is not None and self._keep(ticker, ticker.quote, kept, shared, date):
                    used.append(ticker.line)
        self.report.use(*used)
        return tuple(kept.values())

    def _keep(
        self, ticker: TickerLine, q: Quote, kept: dict[str, Rate], shared: dict[int, Quote], date: dt.date
    ) -> bool:
        """Whether a ticker line gives the kept rate of its pair or repeats it (else it is reported)."""
        if id(q) in shared:
            return True
        rate = Rate(q.base, q.quote, q.value, q.change, q.direction, date, self.report.source, ticker.line)
        first = kept.setdefault(rate.pair, rate)
        if first is rate:
            self._check_earlier_page(rate, ticker.text)
        elif not _same(first, rate):
            self.report.problem(
                ticker.line,
                f"{rate.pair} quoted again with another rate, the first kept: {quote(ticker.text)}",
                ticker.text,
                kind="a pair quoted again with another rate, the first kept",
            )
            return False
        shared[id(q)] = q
        return True

    def _whole(self, run: TickerRun, kept: dict[str, Rate], shared: dict[int, Quote], date: dt.date) -> bool:
        """Take a run's rates at once, unless one differs from a rate kept before it on the page (then
        nothing is done, and its lines go one by one). A run has one Quote per pair: its first line
        gives the rate, the others repeat it."""
        rates = [
            (
                run.ticker.texts[offset],
                q,
                Rate(
                    q.base,
                    q.quote,
                    q.value,
                    q.change,
                    q.direction,
                    date,
                    self.report.source,
                    run.line + offset,
                ),
            )
            for offset, q in run.ticker.firsts
            if id(q) not in shared
        ]
        if any(rate.pair in kept and not _same(kept[rate.pair], rate) for _, _, rate in rates):
            return False
        for text, q, rate in rates:
            if kept.setdefault(rate.pair, rate) is rate:
                self._check_earlier_page(rate, text)
            shared[id(q)] = q
        return True

    def _check_earlier_page(self, rate: Rate, text: str) -> None:
        earlier = self.rates_seen.setdefault((rate.pair, rate.date), rate)
        if not _same(earlier, rate):
            self.report.problem(
                rate.line,
                f"{rate.pair} differs from an earlier page of the same date, "
                f"which the dump's rates keep: {quote(text)}",
                text,
                kind="a rate differs from an earlier page of the same date, which the dump's rates keep",
            )

    def _undated(self, draft: Draft, pairs: Iterable[Pair]) -> int:
        """Report a page's rates and articles, which have no date; the number of articles."""
        where = "under an unusable edition date" if self.unreadable_date else "before any edition date"
        said = f"{where} (line {self.unreadable_date})" if self.unreadable_date else where
        for ticker in each_line(draft.tickers):
            if ticker.quote is not None:
                self.report.quoting(ticker.line, f"rate {where}", ticker.text, prefix=f"rate {said}")
        found = 0
        for title, paragraph in pairs:
            found += 1
            kind, prefix = f"article {where}", f"article {said}"
            self.report.quoting(title.line, kind, title.text, prefix=prefix)
            if paragraph:
                self.report.lines(kind, paragraph.numbered(), paragraph.count, paragraph.last, prefix=prefix)
        return found

    def _check_counter(self, draft: Draft, found: int) -> None:
        if draft.counter is None:
            return
        first, last, total = draft.counter
        said = f"results counter {first} - {last} of {total}"
        if first < 1 or first > last:
            kind = "results counter is not a range of results"
            self.report.problem(draft.counter_line, f"{said} is not a range of results", kind=kind)
        elif last > total:
            kind = "results counter goes past its total"
            self.report.problem(draft.counter_line, f"{said} goes past its total", kind=kind)
        elif last - first + 1 != found:
            kind = "results counter promises another number of articles than the page has"
            message = f"{said} promises {last - first + 1} articles, the page has {found}"
            self.report.problem(draft.counter_line, message, kind=kind)


def _count(draft: Draft, index: int) -> int | None:
    return draft.counter[index] if draft.counter else None


def _same(one: Rate, other: Rate) -> bool:
    """The same quote as written. Rates made from one Quote share its Decimals: known at once."""
    if one.value is other.value and one.change_percent is other.change_percent:
        return one.direction == other.direction
    return (str(one.value), str(one.change_percent), one.direction) == (
        str(other.value),
        str(other.change_percent),
        other.direction,
    )


def pair_blocks(blocks: Iterable[Block], report: Report) -> Iterator[Pair]:
    """Titles with their paragraphs (None where the paragraph is missing, which is reported), read
    from ``blocks`` as they come, looking two blocks ahead.

    A rejected block (a line of invisible characters only standing alone, reported as such) where
    a title would be is a title that shows nothing: the paragraph it would take is reported and
    left out, so the articles after it pair as they would with a visible title there. Where a
    paragraph would be (after a title), it is nothing at all.
    """
    shaped = _shapes(blocks)
    nothing: _Shaped = (None, False, False)
    current, following, after = next(shaped, nothing), next(shaped, nothing), next(shaped, nothing)
    while (block := current[0]) is not None:
        if not block.rejected:
            while following[0] is not None and following[0].rejected:
                following, after = after, next(shaped, nothing)
        taken = following[0]
        if not current[1] or current[2] and not following[2]:
            _orphan(block, report)
            taken = None
        elif taken is None or not following[2] and after[2]:
            if not block.rejected:
                report.quoting(block.line, "title without a paragraph", block.text)
                yield block, None
            taken = None
        elif block.rejected:
            kind = "paragraph of a title of invisible characters only, left out"
            report.lines(kind, taken.numbered(), taken.count, taken.last)
        else:
            yield block, taken
        if taken is None:
            current, following, after = following, after, next(shaped, nothing)
        else:
            current, following, after = after, next(shaped, nothing), next(shaped, nothing)


_Shaped = tuple[Block | None, bool, bool]


def _shapes(blocks: Iterable[Block]) -> Iterator[_Shaped]:
    """Each block, whether it looks like a title (``title_like``) and whether like a paragraph
    (not a title, or a title that ends like a sentence: ``sentence_like``). Inlined where it is
    cheap: a dump of 100,000 articles has 200,000 blocks, and two calls for each cost a few
    percent of a parse. A rejected block is a title slot that is no paragraph."""
    for block in blocks:
        if block.count != 1:
            yield block, block.rejected, False if block.rejected else True
            continue
        text = block.body
        title = len(text) <= _LONGEST_TITLE
        if title and text[:1] in _NOT_TITLE_OPENERS:
            title = title_like(block)
        if not title:
            yield block, False, True
        elif (end := text.rstrip(_CLOSERS)).endswith(_SENTENCE_ENDS):
            yield block, True, end[-1] == "…" or sentence_like(end)
        else:
            yield block, True, False


def title_like(block: Block) -> bool:
    """One line of at most 300 characters, opening with neither a bulleted pair of currency codes
    (``• USD/KZT rose 2%``: a list item from an article) nor a shortcode tag (a caption-only
    paragraph, ``[gallery ids="1,2"]``, ``[embed]...[/embed]``; a bare label such as ``[Video]``
    or ``[video]`` opens titles)."""
    if block.count != 1 or len(text := block.body) > _LONGEST_TITLE:
        return False
    if text[:1] in _BULLETS and opens_with_codes(text):
        return False
    return not (text[:1] == "[" and starts_with_shortcode(text))


def sentence_like(text: str) -> bool:
    """Whether a line ends like a sentence: ``.`` or ``…``, closing quotes aside; but a line in
    title case ending in an abbreviation (``Kazakhstan Signs a Deal With the U.S.``) is a title.
    (``The deal covers exports to the U.S.`` is a sentence.)"""
    end = text.rstrip(_CLOSERS)
    if not end.endswith(_SENTENCE_ENDS):
        return False
    if end[-1] == "…" or end.endswith("...") or _ABBREVIATION.search(end[-16:]) is None:
        return True
    return not _title_case(end)


def _title_case(text: str) -> bool:
    """Whether ``text``'s words between the first and the last (which any sentence may capitalize:
    its first word, an abbreviation) are in title case: four in five capitalized, small joining
    words (``the``, ``in``, ``with``) and numbers aside. With no other word (``Tokayev in U.S.``),
    a line ending in an abbreviation is taken for a title; ``He met the U.S.`` is a sentence."""
    words = [word.lstrip(_OPENERS) for word in text.split()[1:-1]]
    words = [word for word in words if word[:1].isalpha() and word.lower() not in _JOINING]
    return not words or 5 * sum(word[0].isupper() for word in words) >= 4 * len(words)


def _orphan(block: Block, report: Report) -> None:
    report.lines("text without a title", block.numbered(), block.count, block.last)
