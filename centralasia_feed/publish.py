"""Write an output folder so that no reader ever sees half a file, and say what each file is.

Each file is written to a hidden temporary name in its own folder, flushed to disk, and renamed over
the old one (``os.replace`` is atomic on POSIX). Files whose bytes did not change are left alone,
so their modification time, and the Last-Modified a server derives from it, stays put.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from .errors import PublishError

RSS = "application/rss+xml"
ATOM = "application/atom+xml"
JSON_FEED = "application/feed+json"
HTML = "text/html"

TEMP_PREFIX = "."


def media_type(name: str) -> str:
    """The media type (without charset) of a published file, from its name."""
    path = PurePosixPath(name)
    if path.suffix == ".json":
        return JSON_FEED
    if path.suffix in (".html", ".htm"):
        return HTML
    if path.suffix == ".xml":
        return ATOM if path.name.startswith("atom") else RSS
    if path.suffix == ".svg":
        return "image/svg+xml"
    if path.suffix == ".txt":
        return "text/plain"
    return "application/octet-stream"


def is_temporary(name: str) -> bool:
    """Whether a name is one of our temporary files (or any hidden file): never to be served."""
    return any(part.startswith(TEMP_PREFIX) for part in PurePosixPath(name).parts)


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data`` atomically; returns False when it already held these bytes."""
    with contextlib.suppress(OSError):
        if path.read_bytes() == data:
            return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise PublishError(f"cannot write: {exc.strerror or exc}", path=str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise PublishError(f"cannot write: {exc.strerror or exc}", path=str(path)) from exc
    _sync_folder(path.parent)
    return True


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; some file systems cannot, which costs only durability."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def publish(out_dir: Path, files: Mapping[str, bytes]) -> tuple[str, ...]:
    """Write every file under ``out_dir`` atomically; returns the names whose bytes changed."""
    root = Path(out_dir)
    changed = []
    for name, data in files.items():
        if PurePosixPath(name).is_absolute() or ".." in PurePosixPath(name).parts:
            raise PublishError("refusing a file name outside the output folder", path=name)
        if write_atomic(root / name, data):
            changed.append(name)
    return tuple(changed)
