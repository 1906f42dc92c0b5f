"""build(): read dumps -> parse -> archive -> render -> publish, as one transaction.

The archive transaction spans the whole build and commits last, after every file is in place:
a build that fails or is killed leaves the archive as it was, and each output file is either the
old one or the new one (publish renames complete files into place).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.resources
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ._version import __version__
from .archive import Archive
from .config import FeedConfig
from .errors import ConfigError, DumpError, PublishError
from .models import Dump, Problem
from .parse import parse_dump
from .publish import is_temporary, media_type, publish
from .render import (
    ArchiveLinks,
    render_atom,
    render_index,
    render_json_feed,
    render_rates_feed,
    render_rss,
)

DEFAULT_ARCHIVE = "centralasia_feed.sqlite"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
_CHUNK = 16 * 1024 * 1024
MAX_LIMIT = 1_000_000  # items per feed; SQLite cannot take a LIMIT past 2**63
FINGERPRINT = ".build-fingerprint"
HISTORY_DAYS = 90  # points per pair in the landing page charts

DumpSource = Dump | str | os.PathLike[str]


@dataclass(frozen=True)
class OutputFile:
    """One file of the output folder: its name, media type, item count and whether it changed."""

    name: str
    media_type: str
    items: int
    changed: bool


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote and what it could not use."""

    out_dir: Path
    files: tuple[OutputFile, ...]
    problems: tuple[Problem, ...]
    archived: int

    @property
    def changed(self) -> tuple[OutputFile, ...]:
        return tuple(file for file in self.files if file.changed)


def bundled_seeds() -> tuple[Path, ...]:
    """The seed dumps shipped inside the package (or, in a source checkout, in ``seeds/``)."""
    packaged = Path(str(importlib.resources.files(__package__ or "centralasia_feed") / "_seeds"))
    folder = packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "seeds"
    return tuple(sorted(folder.glob("*.txt")))


def read_dump(
    path: str | os.PathLike[str], *, strict: bool = False, max_bytes: int = DEFAULT_MAX_BYTES
) -> Dump:
    """Parse one dump file, refusing files over ``max_bytes`` before reading them."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise DumpError(f"file is {size:,} bytes, over the limit of {max_bytes:,}", source=name)
            data = _read_at_most(handle, max_bytes + 1)  # a file may grow as we read it
    except OSError as exc:
        raise DumpError(f"cannot read: {exc.strerror or exc}", source=name) from exc
    if len(data) > max_bytes:
        raise DumpError(f"file is over the limit of {max_bytes:,} bytes", source=name)
    return parse_dump(data, source=name, strict=strict)


def _read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """Up to ``limit`` bytes, in chunks: a pipe or a growing file has no size to trust up front."""
    chunks: list[bytes] = []
    left = limit
    while left > 0 and (chunk := handle.read(min(left, _CHUNK))):
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _dumps(sources: Iterable[DumpSource], strict: bool, max_bytes: int) -> Iterator[Dump]:
    """Parse lazily, one dump at a time, so a long backfill never holds every dump in memory."""
    for source in sources:
        yield source if isinstance(source, Dump) else read_dump(source, strict=strict, max_bytes=max_bytes)


def build(
    dumps: Iterable[DumpSource],
    out_dir: str | os.PathLike[str],
    config: FeedConfig | None = None,
    *,
    archive: str | os.PathLike[str] | None = None,
    strict: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> BuildReport:
    """Ingest dumps (paths or parsed Dumps) and publish every feed into ``out_dir``.

    With ``archive=None`` the history lives in memory for this build only; with a path, the
    SQLite archive there remembers what earlier builds published.
    """
    config = config or FeedConfig()
    if config.limit > MAX_LIMIT:
        raise ConfigError(f"limit must be at most {MAX_LIMIT:,}, not {config.limit:,}")
    out = Path(out_dir)
    with _new_file_kept_on_success(archive), Archive(_archive_path(archive)) as store:
        with store.transaction():
            problems = _ingest(store, _dumps(dumps, strict, max_bytes), strict)
            if store.count() == 0 and not store.rate_dates(1):
                raise DumpError("nothing to publish: no articles or rates in the dumps or the archive")
            files = _render(store, config, out)
            changed = set(publish(out, {name: data for name, (data, _) in files.items()}))
        archived = store.count()
    report = tuple(
        OutputFile(name, media_type(name), items, name in changed)
        for name, (_, items) in files.items()
        if not is_temporary(name)
    )
    return BuildReport(out, report, problems, archived)


def _archive_path(archive: str | os.PathLike[str] | None) -> str:
    return os.fspath(archive) if archive is not None else ":memory:"


@contextlib.contextmanager
def _new_file_kept_on_success(archive: str | os.PathLike[str] | None) -> Iterator[None]:
    """A build that fails leaves no archive behind where there was none (SQLite made the file)."""
    path = _archive_path(archive)
    created = path != ":memory:" and not os.path.lexists(path)
    try:
        yield
    except BaseException:
        if created:
            for leftover in (path, path + "-journal"):
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
        raise


def _ingest(store: Archive, dumps: Iterator[Dump], strict: bool) -> tuple[Problem, ...]:
    problems: list[Problem] = []
    for dump in dumps:
        problems.extend(dump.problems)
        problems.extend(store.add(dump))
        if strict and problems:
            first = problems[0]
            raise DumpError(first.message, source=first.source, line=first.line)
    return tuple(problems)


Rendered = dict[str, tuple[bytes, int]]


def _render(store: Archive, config: FeedConfig, out: Path) -> Rendered:
    """Every file of the output folder, with its item count."""
    entries = store.entries(config.limit)
    dates = store.rate_dates(config.limit)
    rates = store.rates_on(dates)
    latest = tuple(rate for rate in rates if dates and rate.date == dates[0])
    full = store.full_chunks(config.limit)
    previous = f"archive/{{}}-{full}.xml" if full else None
    files: Rendered = {
        "rss.xml": (render_rss(entries, config, links=_main_links("rss", previous)), len(entries)),
        "atom.xml": (render_atom(entries, config, links=_main_links("atom", previous)), len(entries)),
        "feed.json": (render_json_feed(entries, config), len(entries)),
        "rates.json": (render_rates_feed(rates, config), len(dates)),
        "index.html": (
            render_index(entries, latest, config, history=store.rate_history(HISTORY_DAYS)),
            len(entries),
        ),
    }
    files.update(_archive_pages(store, config, out, full))
    return files


def _main_links(kind: str, previous: str | None) -> ArchiveLinks:
    path = "rss.xml" if kind == "rss" else "atom.xml"
    return ArchiveLinks(self_path=path, prev_archive=previous.format(kind) if previous else None)


def _archive_pages(store: Archive, config: FeedConfig, out: Path, full: int) -> Rendered:
    """RFC 5005 archive documents, rendered only where their content (or the config) changed.

    A full archive page never changes afterwards: it links only to the older page and to the
    subscription feed, never to a newer page that does not exist yet.
    """
    fingerprint = _fingerprint(config)
    stale = _read_text(out / FINGERPRINT) != fingerprint
    first = 1 if stale else (store.changed_from(config.limit) or full + 1)
    files: Rendered = {}
    for index in range(1, full + 1):
        names = {kind: f"archive/{kind}-{index}.xml" for kind in ("rss", "atom")}
        if index < first and all((out / name).is_file() for name in names.values()):
            continue
        chunk = store.chunk(index, config.limit)
        for kind, name in names.items():
            links = ArchiveLinks(
                self_path=name,
                current=f"{kind}.xml",
                prev_archive=f"archive/{kind}-{index - 1}.xml" if index > 1 else None,
            )
            render = render_rss if kind == "rss" else render_atom
            files[name] = (render(chunk, config, links=links), len(chunk))
    files[FINGERPRINT] = (fingerprint.encode(), 0)
    return files


def _fingerprint(config: FeedConfig) -> str:
    """Changes whenever archive pages would render differently for the same entries."""
    return hashlib.sha256(f"{__version__}\n{config!r}".encode()).hexdigest()


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def check_output_folder(out_dir: str | os.PathLike[str]) -> None:
    """Fail early, before any work, when the output folder cannot be created or written."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot create the output folder: {exc.strerror or exc}", path=str(out)) from exc
    if not os.access(out, os.W_OK | os.X_OK):
        raise PublishError("the output folder is not writable", path=str(out))
