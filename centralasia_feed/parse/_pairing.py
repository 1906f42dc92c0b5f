"""Titles paired with their paragraphs, by the blocks' shapes.

A title is one line of at most 300 characters (not a shortcode, such as a caption-only paragraph);
a paragraph is what follows it, unless that block looks like the next title (one short line not
ending like a sentence) and the block after it looks like a paragraph, in which case the first
title lost its paragraph (a dump cut short). A title-case line ending in an abbreviation (``...
Deal With the U.S.``) does not end like a sentence; a sentence-case one (``... exports to the
U.S.``) does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ._blocks import Block
from ._lines import LIST_BULLETS, opens_with_codes
from ._report import Report
from ._shortcodes import starts_with_shortcode

_LONGEST_TITLE = 300
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
CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«(["

Pair = tuple[Block, Block | None]
Shaped = tuple[Block | None, bool, bool]


def pair_blocks(blocks: Iterable[Block], report: Report) -> Iterator[Pair]:
    """Titles with their paragraphs (None where the paragraph is missing, which is reported), read
    from ``blocks`` as they come, looking two blocks ahead.

    A rejected block (a line of invisible characters only standing alone, reported as such) where
    a title would be is a title that shows nothing: the paragraph it would take is reported and
    left out, so the articles after it pair as they would with a visible title there. Where a
    paragraph would be (after a title), it is nothing at all.
    """
    shaped = shapes(blocks)
    nothing: Shaped = (None, False, False)
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
                report.line(block.line, "title without a paragraph", block.text)
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


def shapes(blocks: Iterable[Block]) -> Iterator[Shaped]:
    """Each block, whether it looks like a title (``title_like``) and whether like a paragraph
    (not a title, or a title that ends like a sentence: ``sentence_like``). Inlined where it is
    cheap: a dump of 100,000 articles has 200,000 blocks, and two calls for each cost a few
    percent of a parse. A rejected block is a title slot that is no paragraph."""
    for block in blocks:
        if block.count != 1:
            yield block, block.rejected, not block.rejected
            continue
        text = block.body
        title = len(text) <= _LONGEST_TITLE
        if title and text[:1] in _NOT_TITLE_OPENERS:
            title = title_like(block)
        if not title:
            yield block, False, True
        elif (end := text.rstrip(CLOSERS)).endswith(_SENTENCE_ENDS):
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
    end = text.rstrip(CLOSERS)
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
