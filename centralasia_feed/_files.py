"""Opening an input file without hanging on something that is not a file.

``open()`` on a FIFO blocks until a writer comes, perhaps never; ``/dev/zero`` never ends; a socket
cannot be opened at all. Dumps and archives must be regular files, and anything else is named plainly.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO

_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}
_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """``path`` opened for reading, or an OSError saying what it is instead of a regular file.

    Checked before opening, to name a socket (which cannot be opened), and again on the opened file,
    opened without blocking, so a FIFO put in its place meanwhile cannot hang the caller either.
    """
    _check(os.stat(path).st_mode)
    fd = os.open(path, _FLAGS | _NONBLOCK)
    try:
        _check(os.fstat(fd).st_mode)
        if _NONBLOCK:
            os.set_blocking(fd, True)
        return open(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _check(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "not a file")
        raise OSError(errno.EINVAL, f"{kind}, not a regular file")
