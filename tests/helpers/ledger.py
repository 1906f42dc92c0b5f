"""A parse that keeps the numbers of the lines its values were made from: with its problems' lines,
the proof that every non-blank line of a dump ends in a value or a problem."""

from __future__ import annotations

from centralasia_feed.models import Dump
from centralasia_feed.parse import parse_into
from centralasia_feed.parse._report import Report


class Ledger(Report):
    """A Report that keeps what ``use`` is told, which a parse for a caller does not."""

    def restart(self) -> None:
        super().restart()
        self.used: set[int] = set()

    def use(self, first: int, last: int = 0) -> None:
        self.used.update(range(first, max(first, last) + 1))


def parse_with_ledger(data: str | bytes, *, source: str = "p") -> tuple[Dump, frozenset[int]]:
    """``parse_dump``, and the numbers of the lines its values were made from."""
    ledger = Ledger(source)
    return parse_into(data, ledger), frozenset(ledger.used)
