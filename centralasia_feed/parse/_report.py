"""What a parse owes its caller besides values: its problems, grouped by kind.

A dump of junk has a problem on every line, so problems cost what lines cost unless they are
grouped: each kind keeps its first ``KEEP`` problems (by line) in full and counts the rest in one
group, "and N more lines like this (lines a-b)". The count is exact; only the texts of the grouped
lines are not kept.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator

from ..models import KEPT_PER_KIND as KEEP
from ..models import Problem

_CITED_LENGTH = 80


def cite(text: str) -> str:
    """A line as a message cites it: repr-style, cut to a readable length."""
    return repr(text if len(text) <= _CITED_LENGTH else text[: _CITED_LENGTH - 3] + "...")


class _Kind:
    """The problems of one kind: the first ``KEEP`` by line, in full (as ``(line, order, problem)``),
    and the count and line range of the rest."""

    __slots__ = ("first", "kept", "last", "more", "order")

    def __init__(self) -> None:
        self.kept: list[tuple[int, int, Problem]] = []
        self.more = 0
        self.first = self.last = self.order = 0

    def fold(self, count: int, first: int, last: int, order: int) -> None:
        if not self.more or first < self.first:
            self.first, self.order = first, order
        self.last = max(self.last, last)
        self.more += count


class Report:
    """Problems met so far, grouped by kind; and where the dump stops."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.restart()

    def restart(self) -> None:
        """Forget all but the source: the parse starts over (see ``_decode.NotUtf8``)."""
        self.total = 0  # problems met, grouped or not: one for each line (and each time) reported
        self.last_line = 0  # the last non-blank line read so far: in the end, where the dump stops
        self._kinds: dict[str, _Kind] = {}
        self._order = 0

    def problem(self, line: int, message: str, text: str = "", *, kind: str = "") -> None:
        """A problem with its own message; ``kind`` (by default the message) groups it. A kind is
        one of a few fixed texts: never one made of the input, or kinds would grow with it."""
        self._add(line, kind or message, message, text, "")

    def line(self, number: int, kind: str, text: str, *, prefix: str = "") -> None:
        """A problem with a line, in the usual form, ``kind: 'the line'`` (``prefix: 'the line'``
        when one is given); the message is made only if the problem is kept."""
        self._add(number, kind, "", text, prefix or kind)

    def lines(
        self, kind: str, lines: Iterable[tuple[int, str]], count: int, last: int, *, prefix: str = ""
    ) -> None:
        """``count`` lines (numbered, in order; the last is ``last``) of one kind at once: the first
        few one by one, as ``line`` gives them, the rest counted without reading them."""
        numbered: Iterator[tuple[int, str]] = iter(lines)
        for _, (number, text) in zip(range(KEEP), numbered, strict=False):
            self.line(number, kind, text, prefix=prefix)
        if count > KEEP:
            first = next(numbered)[0]
            self.total += count - KEEP
            self._order += 1
            self._kinds[kind].fold(count - KEEP, first, last, self._order)

    def keeps(self, kind: str, line: int) -> bool:
        """Whether a problem of ``kind`` at ``line`` would be kept in full (else only counted): a
        caller can then skip working out its text."""
        group = self._kinds.get(kind)
        return group is None or len(group.kept) < KEEP or line < group.kept[-1][0]

    def _add(self, line: int, kind: str, message: str, text: str, prefix: str) -> None:
        self.total += 1
        self._order += 1
        group = self._kinds.get(kind)
        if group is None:
            group = self._kinds[kind] = _Kind()
        kept = group.kept
        if len(kept) == KEEP:
            if line >= kept[-1][0]:
                group.fold(1, line, line, self._order)
                return
            evicted = kept.pop()  # a line before the kept ones: it takes the last one's place
            group.fold(1, evicted[0], evicted[0], evicted[1])
        problem = Problem(self.source, line, message or f"{prefix}: {cite(text)}", text, kind=kind)
        bisect.insort(kept, (line, self._order, problem))  # (line, order) is unique: no Problem compared

    def use(self, first: int, last: int = 0) -> None:
        """Lines ``first`` to ``last`` (or ``first`` alone) went into a returned value. A parse keeps
        no record of them (a set of every line would cost more than the text); a test's Report
        that does proves with them that every non-blank line is in a value or a problem."""

    def sorted_problems(self) -> tuple[Problem, ...]:
        """In line order (problems on one line in the order they were found), each group after the
        kept problems of its kind."""
        entries: list[tuple[int, int, Problem]] = []
        for kind, group in self._kinds.items():
            entries.extend(group.kept)
            if group.more:
                first, last = (self.source, group.first), (self.source, group.last)
                entries.append((group.first, group.order, Problem.group(kind, group.more, first, last)))
        entries.sort(key=lambda entry: entry[:2])
        return tuple(problem for _, _, problem in entries)
