"""build(): read dumps -> parse -> archive -> render -> publish, as one transaction.

The archive transaction spans the whole build and commits last, after every file is in place:
a build that fails or is killed leaves the archive as it was, and each output file is either the
old one or the new one (publish renames complete files into place).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.resources
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ._version import __version__
from .archive import Archive, ArchivePage, archive_pages, newest_page
from .config import FeedConfig
from .errors import ConfigError, DumpError, PublishError
from .models import Dump, Entry, Problem
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
MANIFEST = ".build-manifest"  # digests of the archive pages in the folder
_CHUNK = 16 * 1024 * 1024
MAX_LIMIT = 1_000_000  # items per feed; SQLite cannot take a LIMIT past 2**63
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
    names = sorted((name for name in files if not is_temporary(name)), key=lambda name: "/" in name)
    report = tuple(OutputFile(name, media_type(name), files[name][1], name in changed) for name in names)
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
    """Every file of the output folder with its item count, in the order to publish them.

    Archive pages come first and the main feeds after them, so a feed never links a page that is
    not written yet; the manifest comes last, so a build killed while publishing renders again
    whatever it may not have finished.
    """
    everything = store.entries()
    entries = everything[: config.limit]
    pages = archive_pages(everything, config.limit)
    newest = newest_page(pages)
    dates = store.rate_dates(config.limit)
    rates = store.rates_on(dates)
    latest = tuple(rate for rate in rates if dates and rate.date == dates[0])
    files, manifest = _archive_files(pages, config, out)
    files["rss.xml"] = (render_rss(entries, config, links=_main_links("rss", newest)), len(entries))
    files["atom.xml"] = (render_atom(entries, config, links=_main_links("atom", newest)), len(entries))
    files["feed.json"] = (render_json_feed(entries, config), len(entries))
    files["rates.json"] = (render_rates_feed(rates, config), len(dates))
    history = store.rate_history(HISTORY_DAYS)
    files["index.html"] = (render_index(entries, latest, config, history=history), len(entries))
    files[MANIFEST] = (manifest, 0)
    return files


def _page_name(kind: str, index: int) -> str:
    return f"archive/{kind}-{index}.xml"


def _main_links(kind: str, newest: ArchivePage | None) -> ArchiveLinks:
    previous = _page_name(kind, newest.index) if newest else None
    return ArchiveLinks(self_path=f"{kind}.xml", prev_archive=previous)


def _page_links(kind: str, page: ArchivePage) -> ArchiveLinks:
    """An archive page names the feed, the page before it and, once full, the page after it.

    None of these ever changes for a full page: the page after a full one always exists (the open
    page, maybe empty), and a page never links the feed's newest page, which moves.
    """
    return ArchiveLinks(
        self_path=_page_name(kind, page.index),
        current=f"{kind}.xml",
        prev_archive=_page_name(kind, page.previous) if page.previous else None,
        next_archive=_page_name(kind, page.next) if page.next else None,
    )


def _archive_files(pages: Sequence[ArchivePage], config: FeedConfig, out: Path) -> tuple[Rendered, bytes]:
    """RFC 5005 archive documents that differ from what ``out`` holds, and the new manifest.

    The manifest keeps, per page file, a digest of all its bytes depend on (entries, links, program
    version, config): a page with the same digest and a file in place is not rendered again, so a
    build costs one read of the archive rather than a render of every page. Comparing with the
    folder, not with the last build, keeps this right whichever archive or dumps built it before.
    """
    known = _read_manifest(out / MANIFEST)
    salt = _fingerprint(config)
    files: Rendered = {}
    lines = []
    for page in pages:
        for kind, render in (("rss", render_rss), ("atom", render_atom)):
            links = _page_links(kind, page)
            digest = _digest(salt, links, page.entries)
            lines.append(f"{digest} {links.self_path}\n")
            if known.get(links.self_path) != digest or not (out / links.self_path).is_file():
                files[links.self_path] = (render(page.entries, config, links=links), len(page.entries))
    return files, "".join(lines).encode()


def _digest(salt: str, links: ArchiveLinks, entries: Sequence[Entry]) -> str:
    """What a page's bytes depend on; where an entry was read (source, line) takes no part."""
    shown = [dataclasses.replace(entry, article=dataclasses.replace(entry.article, source="", line=0))
             for entry in entries]  # fmt: skip
    return hashlib.sha256(f"{salt}\n{links!r}\n{shown!r}".encode()).hexdigest()


def _fingerprint(config: FeedConfig) -> str:
    """Changes whenever pages would render differently for the same entries."""
    return hashlib.sha256(f"{__version__}\n{config!r}".encode()).hexdigest()


def _read_manifest(path: Path) -> dict[str, str]:
    """The manifest's page digests by file name; nothing when it is missing or unreadable."""
    lines = (_read_text(path) or "").splitlines()
    return {name: digest for digest, _, name in (line.partition(" ") for line in lines) if name}


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
