"""Blocks: runs of text lines, each a title or a paragraph, kept as one string."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

_GAPS = re.compile("\n+")


@dataclass(slots=True)
class Block:
    """Consecutive non-blank text lines: a title, or a paragraph the scrape may have wrapped.

    Its lines are one string, ``body``, joined by newlines: a paragraph of a million short lines
    costs its characters, not a million objects. A line of invisible characters only inside it
    (which neither ends nor joins a block) is an empty line there, so that each line's number
    follows from the first. A ``rejected`` block is such a line standing alone where a title
    would be: it has no lines, but the paragraph after it is its own (``_pairing.pair_blocks``).
    """

    line: int  # its first line
    body: str
    last: int  # its last line
    count: int = 1  # its lines, invisible ones aside
    rejected: bool = False
    joined: str | None = field(default=None, repr=False, compare=False)  # ``text``, once read

    @property
    def text(self) -> str:
        """The lines joined by spaces; read only once the block is complete, and kept. (A slot,
        not ``functools.cached_property``, whose lock and dict lookups cost more than the join of
        a one-line block.)"""
        text = self.joined
        if text is None:
            if self.count == 1:
                text = self.body
            elif self.last - self.line + 1 == self.count:
                text = self.body.replace("\n", " ")
            else:
                text = _GAPS.sub(" ", self.body)
            self.joined = text
        return text

    def numbered(self) -> Iterator[tuple[int, str]]:
        """Its lines with their numbers, one at a time (never all split at once)."""
        body, number, start = self.body, self.line, 0
        while True:
            end = body.find("\n", start)
            if text := body[start:] if end == -1 else body[start:end]:
                yield number, text
            if end == -1:
                return
            number, start = number + 1, end + 1

    def lines_at(self) -> Callable[[int], int]:
        """A function from an offset in ``text`` to the number of its line, for offsets met in
        increasing order (as a scan finds them): each call walks on from the last one's line."""
        if self.count == 1:
            return lambda offset: self.line
        lines = self.numbered()
        number, text = next(lines)
        start = 0

        def line_at(offset: int) -> int:
            nonlocal lines, number, text, start
            if offset < start:
                lines, start = self.numbered(), 0
                number, text = next(lines)
            while offset > start + len(text) and (following := next(lines, None)) is not None:
                start += len(text) + 1
                number, text = following
            return number

        return line_at
