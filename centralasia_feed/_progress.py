"""The command line's display of a build's progress, through tqdm, on stderr.

Two bars, one after the other: the dumps read (with the articles archived so far) and the files
written; each shows its count, rate and the time it expects to need. Only the command line imports
this: the library tells a callback (``pipeline.Progress``) and draws nothing.
"""

from __future__ import annotations

import os
from types import TracebackType
from typing import Never, TextIO

from tqdm import tqdm

from .pipeline import Progress


class ProgressBars:
    """A ``build(progress=...)`` callback drawing on ``stream``; a context that closes the bars,
    so that what follows (the file list, an error) starts on a line of its own."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.interval = 0.1 if stream.isatty() else 1.0  # a log file gets a line a second, not ten
        self.reading: tqdm[Never] | None = None
        self.writing: tqdm[Never] | None = None

    def __call__(self, event: Progress) -> None:
        if event.stage == "read":
            if self.reading is None:  # (not ``or``: a bar's truth is its total's)
                self.reading = self._bar("reading", event.dumps_total, "dump")
            self.reading.set_postfix_str(f"{event.archived:,} archived", refresh=False)
            self.reading.update(event.dumps - self.reading.n)
            return
        self._close_reading()
        if self.writing is None:
            self.writing = self._bar("writing", event.files_total, "file")
        elif self.writing.total != event.files_total:  # the feeds, counted once the pages are done
            self.writing.total = event.files_total
        self.writing.update(event.files - self.writing.n)

    def _bar(self, name: str, total: int | None, unit: str) -> tqdm[Never]:
        blind = _sizeless(self.stream)  # tqdm would draw nothing: give it a plain terminal's size
        return tqdm(
            desc=name,
            total=total,
            unit=unit,
            file=self.stream,
            mininterval=self.interval,
            ncols=80 if blind else None,
            nrows=24 if blind else None,
            dynamic_ncols=not blind,  # the bars follow a terminal's width as it changes
        )

    def _close_reading(self) -> None:
        if self.reading is not None:
            self.reading.close()
            self.reading = None

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._close_reading()
        if self.writing is not None:
            self.writing.close()


def _sizeless(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal that says it has no size (a bare pseudo-terminal)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns == 0
    except (OSError, ValueError):  # not a terminal, or a stream with no file descriptor
        return False
