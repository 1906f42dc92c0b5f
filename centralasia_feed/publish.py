"""Write an output folder so that no reader ever sees half a file, and say what each file is.

Each file is written to a hidden temporary name in its own folder, flushed to disk, and renamed over
the old one (``os.replace`` is atomic on POSIX). Files whose bytes did not change are left alone,
so their modification time, and the Last-Modified a server derives from it, stays put.

``publish`` writes a whole folder: every temporary file first, then every rename, under a lock
(``.publish.lock``), putting old files back if a rename fails. A build killed with SIGKILL can
still leave temporary files; they are hidden (never served) and the next publish removes them.
The lock file says whether the last publish finished, so only a publish after an unfinished one
lists the folders for them: listing ``archive/`` costs time in proportion to the history.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath

from .errors import PublishError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; builds there are not serialized
    fcntl = None  # type: ignore[assignment]

RSS = "application/rss+xml"
ATOM = "application/atom+xml"
JSON_FEED = "application/feed+json"
HTML = "text/html"
_OTHER_TYPES = {".csv": "text/csv", ".svg": "image/svg+xml", ".txt": "text/plain"}

TEMP_PREFIX = "."
TEMP_SUFFIX = ".tmp"
LOCK_NAME = ".publish.lock"
_FINISHED = b"finished\n"  # the lock file's content after a publish that ended cleanly
_PUBLISHING = b"publishing\n"


def media_type(name: str) -> str:
    """The media type (without charset) of a published file, from its name.

    Every ``.xml`` is Atom but the RSS ones (``rss.xml``, ``archive/rss-K.xml``), so a new XML feed is
    Atom unless named ``rss*``; ``examples/nginx.conf`` types files by the same rule.
    """
    path = PurePosixPath(name)
    if path.suffix == ".json":
        return JSON_FEED
    if path.suffix in (".html", ".htm"):
        return HTML
    if path.suffix == ".xml":
        return RSS if path.name.startswith("rss") else ATOM
    return _OTHER_TYPES.get(path.suffix, "application/octet-stream")


def is_hidden(name: str) -> bool:
    """Whether a name is hidden (our temporary files, the lock, the build's manifest): never served."""
    return any(part.startswith(TEMP_PREFIX) for part in PurePosixPath(name).parts)


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _stage(path: Path, data: bytes) -> Path:
    """``data`` in a complete, synced, hidden temporary file beside ``path``; nothing left on failure."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    except OSError as exc:
        raise PublishError(f"cannot write: {exc.strerror or exc}", path=str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
    except OSError as exc:
        _discard(Path(temp))
        raise PublishError(f"cannot write: {exc.strerror or exc}", path=str(path)) from exc
    return Path(temp)


def _replace(temp: Path, path: Path) -> None:
    try:
        os.replace(temp, path)
    except OSError as exc:
        _discard(temp)
        raise PublishError(f"cannot write: {exc.strerror or exc}", path=str(path)) from exc


def _discard(temp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; some file systems cannot, which costs only durability."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def publish(
    out_dir: Path,
    files: Mapping[str, bytes | None] | Iterable[tuple[str, bytes | None]],
    *,
    guard: str | None = None,
) -> tuple[str, ...]:
    """Write every file under ``out_dir`` atomically; returns the names whose bytes changed.

    Two phases: every changed file is first written in full to a temporary file, and only then
    are they renamed into place, in the order given, so a full disk or a failed write leaves the
    folder as it was. The folder is locked meanwhile, so a concurrent build waits, and temporary
    files a killed build left behind are removed first. ``files`` may be (name, bytes) pairs
    made one at a time: each is staged as it comes, so the whole folder is never in memory.

    A file given as None is removed (the same way: after every file is staged, undone on failure).
    ``guard`` names a file (given last) that vouches for the others, such as the build's manifest
    of archive pages: when anything changes, it is removed before the first rename and written
    after the last, so a build killed between renames leaves no guard claiming the old state.
    """
    root = Path(out_dir)
    pairs = files.items() if isinstance(files, Mapping) else files
    if isinstance(files, Mapping):
        for name in files:
            _check_name(name)
    with _locked(root) as lock:
        tidied = _tidy(root) if _unfinished(lock) else None
        _mark(lock, _PUBLISHING, durable=True)  # before the first temporary file exists
        changed: list[str] = []
        staged: list[tuple[Path | None, Path]] = []
        try:
            for name, data in pairs:
                _check_name(name)
                if tidied is not None and (root / name).parent not in tidied:
                    remove_stale_temporaries((root / name).parent)
                    tidied.add((root / name).parent)
                if data is None:
                    if os.path.lexists(root / name):
                        staged.append((None, root / name))
                        changed.append(name)
                    continue
                vouching = name == guard and bool(staged)
                if vouching or not _holds(root / name, data):
                    staged.append((_stage(root / name, data), root / name))
                    changed.append(name)
            guarded = root / guard if guard and staged and staged[-1][1] == root / guard else None
            _swap_in(staged, retire=guarded)
        finally:
            for temp, _ in staged:
                if temp is not None:
                    _discard(temp)  # already renamed, or left over from a failure
        for folder in {(root / name).parent for name in changed}:
            _sync_folder(folder)
        _mark(lock, _FINISHED, durable=False)  # if lost, the next publish only tidies for nothing
    return tuple(changed)


def _unfinished(lock: int) -> bool:
    """Whether the last publish here may have left temporary files: it never said it finished
    (killed, failed, or written by a version that did not say)."""
    try:
        return os.pread(lock, len(_FINISHED) + 1, 0) != _FINISHED
    except OSError:
        return True


def _mark(lock: int, state: bytes, *, durable: bool) -> None:
    """Record ``state`` in the lock file; a failure only costs a needless tidy next time."""
    with contextlib.suppress(OSError):
        os.ftruncate(lock, 0)
        os.pwrite(lock, state, 0)
        if durable:
            os.fsync(lock)  # a power cut must not lose it while synced temporaries survive


def _tidy(root: Path) -> set[Path]:
    """Remove a killed build's temporaries from the folder and its subfolders (``archive/``), which a
    build that writes nothing there would otherwise never look at; returns the folders tidied."""
    folders = {root}
    with contextlib.suppress(OSError):
        folders |= {Path(entry.path) for entry in os.scandir(root) if entry.is_dir(follow_symlinks=False)}
    for folder in folders:
        remove_stale_temporaries(folder)
    return folders


def _check_name(name: str) -> None:
    if PurePosixPath(name).is_absolute() or ".." in PurePosixPath(name).parts:
        raise PublishError("refusing a file name outside the output folder", path=name)


def _swap_in(staged: list[tuple[Path | None, Path]], *, retire: Path | None = None) -> None:
    """Rename each staged file into place; when one rename fails, put back the ones done before it.

    The old files are kept as hard links until all renames succeeded (no data is copied).
    ``retire`` is removed before the first rename (and put back on failure).
    """
    undo: list[tuple[Path, Path | None]] = []
    try:
        if retire is not None and (old := _keep_old(retire)) is not None:
            undo.append((retire, old))
            _remove(retire)
        for temp, path in staged:
            old = _keep_old(path)
            try:
                _remove(path) if temp is None else _replace(temp, path)
            except PublishError:
                if old:
                    _discard(old)
                raise
            undo.append((path, old))
    except PublishError:
        for path, old in reversed(undo):
            with contextlib.suppress(OSError):
                os.replace(old, path) if old else os.unlink(path)
        raise
    finally:
        for _, old in undo:
            if old:
                _discard(old)


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError as exc:
        raise PublishError(f"cannot remove: {exc.strerror or exc}", path=str(path)) from exc


def _keep_old(path: Path) -> Path | None:
    """A hidden hard link to the file at ``path``, None when there is no file. Where no link can be
    made, nothing is renamed: without the old file, a failure later could not be undone."""
    keep = path.with_name(f"{TEMP_PREFIX}{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        os.link(path, keep, follow_symlinks=False)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PublishError(
            f"cannot keep the old file while replacing it: {exc.strerror or exc}", path=str(path)
        ) from exc
    return keep


_OUR_TEMPORARY = re.compile(rf"{re.escape(TEMP_PREFIX)}.+\.[a-z0-9_]{{8}}{re.escape(TEMP_SUFFIX)}")


def remove_stale_temporaries(folder: Path) -> tuple[str, ...]:
    """Delete the temporary files of ours (``.rss.xml.k2j4h5g6.tmp``) a killed build left in ``folder``.

    Called with the folder lock held, so no live build is writing them.
    """
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if _OUR_TEMPORARY.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                _discard(Path(entry.path))
                removed.append(entry.name)
    return tuple(sorted(removed))


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[int]:
    """An exclusive lock on ``root/.publish.lock`` (POSIX ``flock``; elsewhere no lock); yields its
    file descriptor, whose file records whether the last publish finished."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise PublishError(f"cannot write: {exc.strerror or exc}", path=str(root)) from exc
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # closing releases the lock
