"""A build's writing of the output folder: every file staged, then all renamed into place under a lock."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import BinaryIO

from ..errors import PublishError
from . import _legacy
from ._state import LOCK_NAME, STAGING_NAME, STATE_FOLDER, STATE_NAME, BuildState, read_state

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; builds there are not serialized
    fcntl = None  # type: ignore[assignment]


class Publication:
    """One build's writing of an output folder: files staged as they come, renamed into place together.

    Made when the build starts, it checks that the folder can be written (creating it) and reads
    what the last build recorded (``state``). ``locked()`` is where files are written and committed.
    Leaving it by an exception removes the folders it created, if they hold nothing published.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        if not os.fspath(root):
            raise PublishError("an empty name is no output folder (use . for this one)", path="")
        self.root = Path(root)
        self._made = _create(self.root)
        self.state = read_state(self.root)
        self._staging: Path | None = None  # set while locked
        self._staged: list[tuple[Path | None, Path]] = []  # (staged file, or None to remove; target)

    def __enter__(self) -> Publication:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is not None:
            self._remove_made()

    @contextlib.contextmanager
    def locked(self) -> Iterator[Publication]:
        """The folder locked for this build: a killed build's leftovers removed, ``state`` read again
        (another build may have written since), files written and committed; what was staged and
        not committed is dropped on the way out."""
        hidden, staging = self.root / STATE_FOLDER, self.root / STAGING_NAME
        try:
            hidden.mkdir(exist_ok=True)
            lock = os.open(self.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise PublishError(f"cannot write: {exc.strerror or exc}", path=str(hidden)) from exc
        try:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            _remove_tree(staging)
            _legacy.tidy(self.root)
            self.state = read_state(self.root)
            self._staging = _made_folder(staging)
            yield self
        finally:
            self._staging, self._staged = None, []
            _remove_tree(staging)
            os.close(lock)  # closing releases the lock

    def write(self, name: str, data: bytes | Iterable[bytes]) -> None:
        """Stage ``data`` (bytes, or pieces of them as they are made) as the file ``name``
        (``archive/rss-1.xml``); bytes equal to the file's are left alone. Staged at once, piece by
        piece, so neither the folder nor a whole file need be in memory."""
        staging, path = self._require_lock(), self._target(name)
        staged = _stage_unless_held(staging, [data] if isinstance(data, bytes) else data, path)
        if staged is not None:
            self._staged.append((staged, path))

    def remove(self, name: str) -> None:
        """Remove the file ``name`` with the commit, if there is one."""
        self._require_lock()
        path = self._target(name)
        if os.path.lexists(path):
            self._staged.append((None, path))

    def read(self, name: str) -> bytes | None:
        """The published file ``name`` as it stands (not what this build staged); None where there
        is none. A build reads what the last one wrote only to keep what it need not render again."""
        try:
            return self._target(name).read_bytes()
        except OSError:
            return None

    def names(self, folder: str) -> set[str]:
        """The names in a folder of the output folder (``archive``); none where there is no such folder."""
        try:
            return {entry.name for entry in os.scandir(self._target(folder))}
        except OSError:
            return set()

    def commit(self, state: BuildState) -> tuple[str, ...]:
        """Rename everything staged into place, in the order written, then record ``state``; the
        names of the files that changed.

        When any file changes, the state is removed before the first rename and written after the
        last, so a build killed midway leaves no state claiming either the old files or the new.
        On failure, every file is put back as it was, the state too.
        """
        staging = self._require_lock()
        changed = [path.relative_to(self.root).as_posix() for _, path in self._staged]
        changes = self._staged + [(None, self.root / name) for name in _legacy.files(self.root)]
        path, data = self.root / STATE_NAME, state.encode()
        if changes or not _holds(path, data):
            changes.append((_stage(staging, data, path), path))
        _swap_in(changes, staging, retire=path if len(changes) > 1 else None)
        self._staged = []
        for folder in {target.parent for _, target in changes}:
            _sync_folder(folder)
        self.state = state
        return tuple(changed)

    def _target(self, name: str) -> Path:
        parts = PurePosixPath(name).parts
        if not parts or PurePosixPath(name).is_absolute() or ".." in parts or parts[0] == STATE_FOLDER:
            raise PublishError("refusing a file name outside the output folder", path=name)
        return self.root / name

    def _require_lock(self) -> Path:
        if self._staging is None:
            raise PublishError("writing outside Publication.locked()", path=str(self.root))
        return self._staging

    def _remove_made(self) -> None:
        """Remove the folders this build created, innermost first, where nothing but the build's own
        state is in them: a failed build published nothing there."""
        for folder in self._made:
            with contextlib.suppress(OSError):
                if {entry.name for entry in os.scandir(folder)} <= {STATE_FOLDER}:
                    _remove_tree(folder / STATE_FOLDER)
                folder.rmdir()


def _create(root: Path) -> list[Path]:
    """Check that ``root`` is or can be a folder we may write, creating it: a build fails at once,
    before any work. Returns the folders it created, innermost first."""
    made, missing = [], root
    while not os.path.lexists(missing) and missing != missing.parent:
        made.append(missing)
        missing = missing.parent
    if root.exists() and not root.is_dir():
        raise PublishError("not a folder", path=str(root))
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot create the output folder: {exc.strerror or exc}", path=str(root)) from exc
    if not os.access(root, os.W_OK | os.X_OK):
        for folder in made:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise PublishError("the output folder is not writable", path=str(root))
    return made


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _made_folder(folder: Path) -> Path:
    try:
        folder.mkdir()
    except OSError as exc:
        raise PublishError(f"cannot write: {exc.strerror or exc}", path=str(folder)) from exc
    return folder


def _stage_unless_held(staging: Path, chunks: Iterable[bytes], path: Path) -> Path | None:
    """The ``chunks`` staged as ``_stage`` does, unless the file at ``path`` holds exactly them
    (then None). They are compared with the file as they come and written only from the first
    that differs, so an unchanged file costs no write and a long one is never held whole."""
    with _opened(path) as old:
        return _staged(staging, chunks, path, old)


def _staged(staging: Path, chunks: Iterable[bytes], path: Path, old: BinaryIO | None) -> Path | None:
    """The ``chunks`` through a ``_Staged``: its file, or None where ``old`` holds the same bytes."""
    staged = _Staged(staging, path, old)
    try:
        for chunk in chunks:
            staged.add(chunk)
        return staged.finish()
    finally:
        staged.close()


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[BinaryIO | None]:
    """The file at ``path`` for reading, or None where there is none to read."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError:
        yield None
        return
    with handle:
        yield handle


class _Staged:
    """One file being staged: its pieces compared with the old file's bytes until one differs,
    then written, after the bytes found equal (copied from the old file, a piece at a time)."""

    def __init__(self, staging: Path, path: Path, old: BinaryIO | None) -> None:
        self.staging, self.path, self.old = staging, path, old
        self.same = 0  # bytes equal to the old file's so far, not written yet
        self.temp: Path | None = None
        self.handle: BinaryIO | None = None

    def add(self, chunk: bytes) -> None:
        if self.handle is None:
            if self.old is not None and self.old.read(len(chunk)) == chunk:
                self.same += len(chunk)
                return
            self._start()
        self._write(chunk)

    def finish(self) -> Path | None:
        """The staged file, complete and synced; None if the old file holds the same bytes."""
        if self.handle is None:
            if self.old is not None and not self.old.read(1):
                return None
            self._start()
        assert self.handle is not None and self.temp is not None
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            os.chmod(self.temp, 0o644)
        except OSError as exc:
            raise PublishError(f"cannot write: {exc.strerror or exc}", path=str(self.path)) from exc
        return self.temp

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()

    def _start(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.staging)
        except OSError as exc:
            raise PublishError(f"cannot write: {exc.strerror or exc}", path=str(self.path)) from exc
        self.temp, self.handle = Path(temp), os.fdopen(fd, "wb")
        if self.old is not None and self.same:
            self.old.seek(0)
            left = self.same
            while left > 0:
                piece = self.old.read(min(left, _PIECE))
                if not piece:  # nothing else writes the folder while it is locked, but a person may
                    raise PublishError("changed while this build read it", path=str(self.path))
                self._write(piece)
                left -= len(piece)

    def _write(self, chunk: bytes) -> None:
        assert self.handle is not None
        try:
            self.handle.write(chunk)
        except OSError as exc:
            raise PublishError(f"cannot write: {exc.strerror or exc}", path=str(self.path)) from exc


_PIECE = 1 << 20


def _stage(staging: Path, data: bytes, path: Path) -> Path:
    """``data`` in a complete, synced file in ``staging``, to be renamed to ``path`` (whose folder
    is made now), whatever the file there holds."""
    temp = _staged(staging, [data], path, None)
    assert temp is not None  # with no old file to compare, a file is always staged
    return temp


def _swap_in(changes: list[tuple[Path | None, Path]], staging: Path, *, retire: Path | None) -> None:
    """Rename each staged file into place (None: remove the target); when one fails, put back the
    ones done before it. The old files are kept as hard links in ``staging`` until all succeeded
    (no data is copied). ``retire`` is removed before the first rename (and put back on failure).
    """
    undo: list[tuple[Path, Path | None]] = []
    try:
        if retire is not None and (old := _keep_old(retire, staging)) is not None:
            undo.append((retire, old))
            _remove(retire)
        for temp, path in changes:
            old = _keep_old(path, staging)
            _remove(path) if temp is None else _replace(temp, path)
            undo.append((path, old))
    except PublishError:
        for path, old in reversed(undo):
            with contextlib.suppress(OSError):
                os.replace(old, path) if old else os.unlink(path)
        raise
    finally:  # the old files put back or replaced: their links go, so staging is left empty
        for _, old in undo:
            if old is not None:
                with contextlib.suppress(OSError):
                    os.unlink(old)


def _replace(temp: Path, path: Path) -> None:
    try:
        os.replace(temp, path)
    except OSError as exc:
        raise PublishError(f"cannot write: {exc.strerror or exc}", path=str(path)) from exc


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError as exc:
        raise PublishError(f"cannot remove: {exc.strerror or exc}", path=str(path)) from exc


def _keep_old(path: Path, staging: Path) -> Path | None:
    """A hard link in ``staging`` to the file at ``path``, None when there is no file. Where no link
    can be made, nothing is renamed: without the old file, a failure later could not be undone."""
    keep = staging / f"old-{secrets.token_hex(8)}"
    try:
        os.link(path, keep, follow_symlinks=False)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PublishError(
            f"cannot keep the old file while replacing it: {exc.strerror or exc}", path=str(path)
        ) from exc
    return keep


def _sync_folder(folder: Path) -> None:
    """Make the renames in ``folder`` durable; some file systems cannot, which costs only durability."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_tree(folder: Path) -> None:
    """Remove ``folder`` and what it holds; an empty one (a finished build's staging) without listing it."""
    try:
        folder.rmdir()
    except FileNotFoundError:
        pass
    except OSError as exc:
        if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
            shutil.rmtree(folder, ignore_errors=True)
