"""The ``centralasia-feed`` command: argument parsing, messages and exit codes, nothing else.

Exit status: 0 success, 1 unusable input, a failed build or a failed check (or any problem with
--strict), 2 usage errors. Every failure is one line ``centralasia-feed: error: ...``; --debug adds
the traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import pipeline, websub
from ._chars import one_line
from ._jsonable import dump_to_dict, rate_to_dict
from ._version import __version__
from .archive import Archive
from .archive_pages import FOLDER as ARCHIVE_PAGES
from .audit import TIMEOUT as AUDIT_TIMEOUT
from .audit import audit
from .config import FeedConfig
from .errors import ArchiveError, CentralAsiaFeedError, ConfigError, FewerArticlesError
from .models import Dump, Problem, Rate
from .render import quotes
from .render.rates_csv import render_rates_csv
from .serve import serve

PROG = "centralasia-feed"
Handler = Callable[[argparse.Namespace], int]

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction["_Parser"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args, unknown = _parser().parse_known_args(argv)
    if unknown:  # the command's own parser says so, pointing at its own --help
        args.parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    handler: Handler = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return 1
    except (CentralAsiaFeedError, OSError) as exc:
        return _fail(args, str(exc))
    except Exception as exc:  # the promise is one line, never a traceback, for any failure
        return _fail(args, f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")


def _fail(args: argparse.Namespace, message: str) -> int:
    if args.debug:
        traceback.print_exc()
    print(f"{PROG}: error: {one_line(message)}", file=sys.stderr)
    return 1


def _quiet_stdout() -> None:
    """After a closed pipe (``| head``), stop Python from complaining again at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors kept to the one line every other failure gets (exit 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: error: {one_line(message)} (see '{self.prog} --help')\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Turn news-site dumps into RSS, Atom and JSON feeds.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of failures")
    parser.set_defaults(debug=False)
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    _add_parse(commands)
    _add_build(commands)
    _add_rates(commands)
    _add_serve(commands)
    _add_ping(commands)
    _add_check(commands)
    return parser


def _command(commands: Commands, name: str, text: str, handler: Handler) -> argparse.ArgumentParser:
    command = commands.add_parser(name, help=text, description=text)
    command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")
    command.set_defaults(handler=handler, parser=command)
    return command


def _add_parse(commands: Commands) -> None:
    command = _command(commands, "parse", "read dumps and show what they hold", _run_parse)
    command.add_argument("dumps", nargs="+", metavar="DUMP", help="dump files to read")
    command.add_argument("--json", action="store_true", help="print the whole parsed structure as JSON")
    command.add_argument("--strict", action="store_true", help="fail at the first problem")


def _add_build(commands: Commands) -> None:
    defaults = FeedConfig()
    command = _command(
        commands, "build", "publish the feeds of dumps (default: the bundled seed)", _run_build
    )
    command.add_argument("dumps", nargs="*", metavar="DUMP", help="dump files (default: the bundled seed)")
    command.add_argument(
        "--out", type=_folder, default="public", metavar="DIR", help="output folder (default: public)"
    )
    command.add_argument(
        "--feed-url",
        default=defaults.feed_url,
        metavar="URL",
        help="where the output folder is served (default: %(default)s)",
    )
    command.add_argument(
        "--source-url",
        default=defaults.source_url,
        metavar="URL",
        help="the news site (default: %(default)s)",
    )
    command.add_argument("--title", default=defaults.title, help="the feeds' title (default: %(default)s)")
    command.add_argument(
        "--timezone",
        default=defaults.timezone,
        metavar="TZ",
        help="IANA zone of edition dates (default: %(default)s)",
    )
    command.add_argument(
        "--limit",
        type=_positive,
        default=defaults.limit,
        metavar="N",
        help="items per feed (default: %(default)s)",
    )
    command.add_argument("--strict", action="store_true", help="fail on any problem in the dumps")
    command.add_argument(
        "--max-bytes",
        type=_positive,
        default=pipeline.DEFAULT_MAX_BYTES,
        metavar="N",
        help="refuse dumps larger than this (default: 256 MiB)",
    )
    _add_archive_options(command, optional=True)
    command.add_argument(
        "--allow-fewer",
        action="store_true",
        help="publish even fewer articles than the output folder shows (drops the others)",
    )
    shown = command.add_mutually_exclusive_group()
    shown.add_argument(
        "--progress",
        action="store_true",
        default=None,
        help="show progress on stderr even when it is not a terminal (default: only on a terminal)",
    )
    shown.add_argument(
        "--quiet", action="store_false", dest="progress", help="show no progress, even on a terminal"
    )
    _add_publishing_options(command, defaults)


def _add_publishing_options(command: argparse.ArgumentParser, defaults: FeedConfig) -> None:
    """How the feeds reach readers: WebSub hubs to name and ping, images, and polling hints."""
    command.add_argument(
        "--hub",
        action="append",
        default=[],
        dest="hubs",
        metavar="URL",
        help="a WebSub hub the feeds name and each build pings (repeatable; default: none)",
    )
    command.add_argument("--no-ping", action="store_true", help="name the hubs but do not ping them")
    command.add_argument("--icon", metavar="URL", help="a small square image for the feeds (default: none)")
    command.add_argument("--logo", metavar="URL", help="a wide image for the feeds (default: none)")
    command.add_argument(
        "--ttl",
        type=_positive,
        default=defaults.ttl,
        metavar="MINUTES",
        help="minutes an RSS reader may keep the feed before polling again (default: %(default)s)",
    )


def _add_archive_options(command: argparse.ArgumentParser, *, optional: bool) -> None:
    group = command.add_mutually_exclusive_group()
    group.add_argument(
        "--archive",
        default=pipeline.DEFAULT_ARCHIVE,
        metavar="PATH",
        help=f"SQLite archive of what was published (default: {pipeline.DEFAULT_ARCHIVE})",
    )
    if optional:
        group.add_argument("--no-archive", action="store_true", help="build from the given dumps alone")


def _add_rates(commands: Commands) -> None:
    command = _command(commands, "rates", "print the archived exchange-rate history", _run_rates)
    command.add_argument("--pair", metavar="BASE/QUOTE", help="only this pair, e.g. KZT/USD")
    form = command.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON (decimals as strings)")
    form.add_argument("--csv", action="store_true", help="print CSV, as rates.csv holds it")
    _add_archive_options(command, optional=False)


def _add_serve(commands: Commands) -> None:
    command = _command(commands, "serve", "serve an output folder to feed readers over HTTP", _run_serve)
    command.add_argument(
        "dir", nargs="?", default="public", metavar="DIR", help="folder to serve (default: public)"
    )
    command.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    command.add_argument("--port", type=_port, default=8000, help="port (default: 8000)")


def _add_ping(commands: Commands) -> None:
    text = "tell the WebSub hubs the folder's feeds name that the feeds changed"
    command = _command(commands, "ping", text, _run_ping)
    command.add_argument(
        "dir", nargs="?", default="public", metavar="DIR", help="the output folder (default: public)"
    )


def _add_check(commands: Commands) -> None:
    text = "audit a served site from outside, as feed readers find it"
    command = _command(commands, "check", text, _run_check)
    command.add_argument("url", metavar="URL", help="the site's landing page, e.g. https://feeds.example.org/")
    command.add_argument(
        "--timeout",
        type=_seconds,
        default=AUDIT_TIMEOUT,
        metavar="SECONDS",
        help="the longest any one request may take (default: %(default)g)",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < 86400:
        raise argparse.ArgumentTypeError(f"must be more than 0 and less than a day: {text}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


_OPTIONS = {
    "feed_url": "--feed-url",
    "source_url": "--source-url",
    "title": "--title",
    "timezone": "--timezone",
    "limit": "--limit",
    "hubs": "--hub",
    "icon": "--icon",
    "logo": "--logo",
    "ttl": "--ttl",
    "url": "URL",
}


def _as_option(exc: ConfigError) -> str:
    """A FeedConfig error as argparse words its own: ``argument --feed-url: must be ...``."""
    option = _OPTIONS.get(exc.field)
    return f"argument {option}: {exc.message}" if option else str(exc)


def _folder(text: str) -> str:
    if not text:
        raise argparse.ArgumentTypeError("an empty name is no folder (use . for this one)")
    return text


def _port(text: str) -> int:
    value = _positive(text) if text != "0" else 0
    if value > 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {text}")
    return value


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(one_line(str(problem)), file=sys.stderr)


def _run_parse(args: argparse.Namespace) -> int:
    dumps = [pipeline.read_dump(path, strict=args.strict) for path in args.dumps]
    if args.json:
        print(json.dumps([dump_to_dict(dump) for dump in dumps], ensure_ascii=False, indent=2))
    else:
        for dump in dumps:
            print("\n".join(_summary(dump)))
    problems = [problem for dump in dumps for problem in dump.problems]
    _print_problems(problems)
    return 0


def _summary(dump: Dump) -> list[str]:
    problems = sum(problem.count for problem in dump.problems)  # a group stands for many lines
    lines = [
        f"{one_line(dump.source)}: {len(dump.pages)} page(s), {len(dump.articles)} article(s), "
        f"{len(dump.rates)} rate(s), {problems:,} problem(s)"
    ]
    for number, page in enumerate(dump.pages, 1):
        counter = f", results {page.first}-{page.last} of {page.total}" if page.total is not None else ""
        lines.append(f"page {number}: {page.date.isoformat() if page.date else 'no date'}{counter}")
        lines.extend(f"  {_rate_line(rate)}" for rate in page.rates)
        for article in page.articles:
            mark = "excerpt" if article.truncated else "whole"
            lines.append(f"  {article.position + 1}. {article.title} [{mark}, {len(article.summary)} chars]")
            lines.extend(f"     figure: {figure.caption}" for figure in article.figures)
    return lines


def _rate_line(rate: Rate) -> str:
    direction = rate.direction or "direction unknown"
    return f"{rate.pair}: {quotes.headline(rate)}, {direction}"


def _run_build(args: argparse.Namespace) -> int:
    try:
        config = FeedConfig(
            feed_url=args.feed_url,
            source_url=args.source_url,
            title=args.title,
            timezone=args.timezone,
            limit=args.limit,
            hubs=tuple(args.hubs),
            icon=args.icon,
            logo=args.logo,
            ttl=args.ttl,
        )
    except ConfigError as exc:  # an option's value: a usage mistake, named as the option
        args.parser.error(_as_option(exc))
    dumps = args.dumps or [  # named as in a checkout, not by the folder the package is installed in
        pipeline.read_dump(path, strict=args.strict, source=f"seeds/{path.name}")
        for path in pipeline.bundled_seeds()
    ]
    archive = None if args.no_archive else args.archive
    shown = sys.stderr.isatty() if args.progress is None else args.progress
    try:
        with _progress_bars() if shown else contextlib.nullcontext() as bars:
            report = pipeline.build(
                dumps,
                args.out,
                config,
                archive=archive,
                strict=args.strict,
                max_bytes=args.max_bytes,
                allow_fewer=args.allow_fewer,
                sample=not args.dumps,
                progress=bars,
            )
    except FewerArticlesError as exc:
        exc.option = "--allow-fewer"
        raise
    _print_files(report)
    if archive is not None:
        print(f"{archive}: {report.added} new, {report.updated} updated, {report.archived} archived")
    _print_problems(report.problems)
    if config.hubs and not args.no_ping:
        if not report.topics:
            print("no feed changed: no hub pinged")
        _print_pings(websub.ping(config.hubs, report.topics), "warning")  # published anyway
    return 0


def _print_files(report: pipeline.BuildReport) -> None:
    """A line per file, but one for all the archive pages: a backfill writes thousands of them."""
    pages = [file for file in report.files if file.name.startswith(f"{ARCHIVE_PAGES}/")]
    for file in report.files:
        if file not in pages:
            state = "written" if file.changed else "unchanged"
            print(f"{report.out_dir / file.name}  {file.items} item(s)  {state}")
    if pages:
        written = sum(file.changed for file in pages)
        folder = f"{report.out_dir / ARCHIVE_PAGES}{os.sep}"
        print(f"{folder}  {len(pages)} archive page(s)  {written} written, {len(pages) - written} unchanged")


def _progress_bars() -> contextlib.AbstractContextManager[pipeline.ProgressCallback]:
    """The bars on stderr; tqdm is imported only for a build that shows them (importing it costs
    tens of milliseconds, which a daily build in cron would pay for nothing)."""
    from ._progress import ProgressBars

    return ProgressBars(sys.stderr)


def _print_pings(results: Sequence[websub.PingResult], severity: str) -> bool:
    """One line per hub: on stdout what it took, on stderr why it stopped. True if all took all."""
    for result in results:
        if result.ok:
            print(f"{result.hub}: pinged for {len(result.accepted)} feed(s)")
        else:
            print(f"{PROG}: {severity}: {one_line(f'hub {result.hub}: {result.error}')}", file=sys.stderr)
    return all(result.ok for result in results)


def _run_rates(args: argparse.Namespace) -> int:
    path = Path(args.archive)
    if not path.is_file() or path.stat().st_size == 0:  # opening an empty file would make it one
        raise ArchiveError("no archive here; run 'centralasia-feed build' first", path=args.archive)
    with Archive(args.archive) as store:
        rates = store.rates(args.pair)
        empty = not rates and store.count() == 0
    if args.pair and not rates:
        raise ArchiveError(f"no rates for {args.pair} in the archive", path=args.archive)
    if empty:  # a new archive whose first build failed
        raise ArchiveError("nothing archived yet; run 'centralasia-feed build' first", path=args.archive)
    if args.json:
        print(json.dumps([rate_to_dict(rate) for rate in rates], ensure_ascii=False, indent=2))
    elif args.csv:
        sys.stdout.flush()
        sys.stdout.buffer.write(render_rates_csv(rates))
    else:
        print("\n".join(_rate_table(rates)))
    return 0


def _rate_table(rates: Sequence[Rate]) -> list[str]:
    """A row a rate: what people say, the ticker's quote as written, its signed change."""
    rows = [("date", "pair", "rate", "ticker", "change", "direction")]
    rows += [
        (r.date.isoformat(), r.pair, quotes.lead(r), quotes.ticker(r), quotes.change(r), r.direction or "?")
        for r in rates
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def _output_folder(name: str, verb: str) -> Path:
    root = Path(name)
    if not root.exists():
        raise ConfigError(f"{root}: no such folder; run 'centralasia-feed build' first")
    if not root.is_dir():
        raise ConfigError(f"{root}: not a folder; {verb} the output folder of a build")
    return root


def _run_serve(args: argparse.Namespace) -> int:
    root = _output_folder(args.dir, "serve")
    serve(root, args.host, args.port, log=lambda line: print(line, file=sys.stderr, flush=True))
    return 0


def _run_ping(args: argparse.Namespace) -> int:
    root = _output_folder(args.dir, "ping for")
    named = websub.topics(root)
    if not named:
        raise ConfigError(f"{root}: no feed here names a hub; build with --hub URL")
    results = [result for hub, topics in named.items() for result in websub.ping([hub], topics)]
    return 0 if _print_pings(results, "error") else 1
def _run_check(args: argparse.Namespace) -> int:
    try:
        found = audit(args.url, timeout=args.timeout)
    except ConfigError as exc:  # the address given: a usage mistake
        args.parser.error(_as_option(exc))
    print("\n".join(one_line(line) for line in found.table()))  # a server's words, shown safe
    return 1 if found.failures else 0
