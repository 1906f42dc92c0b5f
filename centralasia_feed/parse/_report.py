"""What a parse owes its caller besides values: problems, and which lines went into which value."""

from __future__ import annotations

from ..models import Problem

_QUOTE_LIMIT = 80


def quote(text: str) -> str:
    """A line as a message quotes it: repr-style, cut to a readable length."""
    return repr(text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 3] + "...")


class Report:
    """Problems met so far, and the numbers of the lines some returned value was made from.

    ``used`` is how the tests prove nothing was lost: every non-blank line is either used or has a
    problem.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.used: set[int] = set()
        self.ignored: set[int] = set()  # lines emptied but not blank: see ``_decode.visible``

    def problem(self, line: int, message: str, text: str = "") -> None:
        self.problems.append(Problem(self.source, line, message, text))

    def use(self, *lines: int) -> None:
        self.used.update(lines)

    def sorted_problems(self) -> tuple[Problem, ...]:
        """In line order; problems on one line stay in the order they were found."""
        return tuple(sorted(self.problems, key=lambda problem: problem.line))
