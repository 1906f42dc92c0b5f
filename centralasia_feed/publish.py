"""Write an output folder so that no reader ever sees half a file, and say what each file is.

A build pushes its files into a ``Publication`` and commits them together::

    with Publication("public") as folder:     # checked at once; a failed build removes what it made
        with folder.locked():                 # another build into the folder waits here
            folder.write("rss.xml", data)     # staged at once, in full, on disk
            folder.remove("archive/rss-9.xml")
            changed = folder.commit(state)    # every file renamed into place, the state last

Every file is staged first, then renamed over the old one (``os.replace`` is atomic on POSIX), so a
full disk or a failed write leaves the folder as it was; a failed rename puts back the files renamed
before it. Files whose bytes did not change are left alone, so their modification time, and the
Last-Modified a server derives from it, stays put.

Everything a build keeps in the folder for itself is under one hidden name, never served nor
copied to a web host (``STATE_FOLDER``, see docs/deploy.md):

- ``lock``: held while a build writes, so builds into one folder take turns;
- ``state``: what the last build recorded for the next one (``BuildState``): removed before the
  first rename and written after the last, so a build killed between them leaves none;
- ``staging/``: the files of the build in progress, which the next build removes whole if a kill
  left them.

A folder written before this layout (``.publish.lock``, ``.build-manifest``, hidden ``.tmp`` files
of a killed build) is read as it is, tidied when locked, and its old files go with the first commit.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType

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

STATE_FOLDER = ".centralasia-feed"  # the build's own state: the one hidden name a build makes
LOCK_NAME = f"{STATE_FOLDER}/lock"  # a hidden file every build leaves: never to be served
STATE_NAME = f"{STATE_FOLDER}/state"
_STAGING = "staging"


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
    """Whether a name is hidden (the build's state, any dot file): never served."""
    return any(part.startswith(".") for part in PurePosixPath(name).parts)


@dataclass(frozen=True)
class BuildState:
    """What a build records in the folder for the next one; publish keeps it, the pipeline reads it.

    ``revision``: the archive revision whose entries the folder shows (``Archive.revision_id``);
    ``salt``: the program and config that rendered them; ``page_size``: articles per archive page;
    ``shown``: how many articles the feeds and archive pages show together; ``sample``: whether they
    are the bundled sample alone.
    """

    revision: str
    salt: str
    page_size: int
    shown: int
    sample: bool = False

    FORMAT = 1  # a state of another format is no state: the next build renders everything

    def encode(self) -> bytes:
        return (json.dumps({"format": self.FORMAT, **asdict(self)}, sort_keys=True) + "\n").encode()

    @classmethod
    def decode(cls, data: bytes) -> BuildState | None:
        try:
            fields = json.loads(data)
            if fields.pop("format") != cls.FORMAT:
                return None
            state = cls(**fields)
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        if not (isinstance(state.revision, str) and isinstance(state.salt, str)):
            return None
        numbers = (state.page_size, state.shown)
        if not all(type(number) is int for number in numbers) or state.page_size < 1 or state.shown < 0:
            return None
        return state if isinstance(state.sample, bool) else None


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
        self.state = _read_state(self.root)
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
        hidden = self.root / STATE_FOLDER
        try:
            hidden.mkdir(exist_ok=True)
            lock = os.open(self.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise PublishError(f"cannot write: {exc.strerror or exc}", path=str(hidden)) from exc
        try:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            _remove_tree(hidden / _STAGING)
            _tidy_legacy(self.root)
            self.state = _read_state(self.root)
            self._staging = _made_folder(hidden / _STAGING)
            yield self
        finally:
            self._staging, self._staged = None, []
            _remove_tree(hidden / _STAGING)
            os.close(lock)  # closing releases the lock

    def write(self, name: str, data: bytes) -> None:
        """Stage ``data`` as the file ``name`` (``archive/rss-1.xml``); bytes equal to the file's are
        left alone. Staged at once, so the whole folder is never in memory."""
        staging, path = self._require_lock(), self._target(name)
        if not _holds(path, data):
            self._staged.append((_stage(staging, data, path), path))

    def remove(self, name: str) -> None:
        """Remove the file ``name`` with the commit, if there is one."""
        self._require_lock()
        path = self._target(name)
        if os.path.lexists(path):
            self._staged.append((None, path))

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
        changes = self._staged + [(None, self.root / name) for name in _legacy_files(self.root)]
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


def _read_state(root: Path) -> BuildState | None:
    """What the last build into ``root`` recorded; None when nothing did, or a killed build took it
    away. A folder of the layout before reads its manifest instead."""
    try:
        data = (root / STATE_NAME).read_bytes()
    except OSError:
        return _legacy_state(root)
    return BuildState.decode(data)


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


def _stage(staging: Path, data: bytes, path: Path) -> Path:
    """``data`` in a complete, synced file in ``staging``, to be renamed to ``path`` (whose folder
    is made now)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=staging)
    except OSError as exc:
        raise PublishError(f"cannot write: {exc.strerror or exc}", path=str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
    except OSError as exc:
        raise PublishError(f"cannot write: {exc.strerror or exc}", path=str(path)) from exc
    return Path(temp)


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


# Folders written before the state folder: their manifest, lock and temporary files.
_LEGACY_MANIFEST = ".build-manifest"
_LEGACY_LOCK = ".publish.lock"
_LEGACY_TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")  # .rss.xml.k2j4h5g6.tmp
_LEGACY_HEADERS = ("centralasia_feed build 4", "centralasia_feed archive pages 3")


def _legacy_files(root: Path) -> list[str]:
    return [name for name in (_LEGACY_MANIFEST, _LEGACY_LOCK) if os.path.lexists(root / name)]


def _legacy_state(root: Path) -> BuildState | None:
    """The state an older build's manifest gives: how many articles the folder shows, and nothing
    that matches a revision, so its pages are all rendered again. The format before the last one
    counted archived articles alone (the full feeds beside them); None where it says nothing."""
    try:
        lines = (root / _LEGACY_MANIFEST).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if len(lines) != 5 or lines[0] not in _LEGACY_HEADERS or not (lines[2].isdigit() and lines[4].isdigit()):
        return None
    size, count = int(lines[2]), int(lines[4])
    if size < 1 or (lines[0] != _LEGACY_HEADERS[0] and not count):
        return None
    return BuildState("", "", size, count if lines[0] == _LEGACY_HEADERS[0] else count + size)


def _tidy_legacy(root: Path) -> None:
    """Remove the temporary files a killed build of the layout before left, in the folder and its
    subfolders; only in a folder that has its lock (every such build made it first)."""
    if not os.path.lexists(root / _LEGACY_LOCK):
        return
    folders = [root]
    with contextlib.suppress(OSError):
        folders += [Path(entry.path) for entry in os.scandir(root) if entry.is_dir(follow_symlinks=False)]
    for folder in folders:
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                if _LEGACY_TEMPORARY.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)
