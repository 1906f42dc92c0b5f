"""The command line as a user runs it: the real entry point, its output, its exit codes.

Every way a command can fail is one line ``centralasia-feed: error: ...`` and exit 1 (2 for usage),
never a traceback (unless --debug), and a failed build leaves the previous output folder and archive
byte for byte.
"""

from __future__ import annotations

import errno
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.paths import ROOT, SEED, folder_files

from centralasia_feed import pipeline
from centralasia_feed.cli import main


def test_parse_prints_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "1 page(s), 6 article(s), 5 rate(s), 0 problem(s)" in out
    assert "results 1-6 of 20" in out
    assert "KZT/USD: 1 USD = 524 KZT (1 KZT = 0.00191 USD, 0%), flat" in out
    assert "TJS/USD: 1 USD = 10.85 TJS (1 TJS = 0.09217 USD, 0.44%), direction unknown" in out
    assert "figure: Image: Akorda" in out


def test_parse_json_holds_decimals_as_strings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--json", str(SEED)]) == 0
    text = capsys.readouterr().out
    assert '"0.00191"' in text
    (dump,) = json.loads(text)
    assert [(page["line"], page["date_line"]) for page in dump["pages"]] == [(1, 41)]  # ticker, date


def test_missing_file_is_one_line_and_status_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["parse", str(tmp_path / "nope.txt")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("centralasia-feed: error: ") and "nope.txt" in err


def test_strict_parse_fails_on_a_problem(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dump = tmp_path / "d.txt"
    dump.write_text(SEED.read_text(encoding="utf-8").replace("0.00191", "zero", 1), encoding="utf-8")
    assert main(["parse", str(dump)]) == 0
    assert f"{dump}:2: " in capsys.readouterr().err
    assert main(["parse", "--strict", str(dump)]) == 1
    assert f"{dump}:2: " in capsys.readouterr().err


def test_archive_pages_are_one_line_however_many(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out, argv = tmp_path / "public", ["build", "--archive", str(tmp_path / "a.sqlite"), "--limit", "1"]
    assert main([*argv, "--out", str(out), str(SEED)]) == 0
    printed = capsys.readouterr().out.splitlines()
    pages = len(list((out / "archive").iterdir()))
    assert pages > 2  # several a format
    assert f"{out / 'archive'}{os.sep}  {pages} archive page(s)  {pages} written, 0 unchanged" in printed
    assert not [line for line in printed if "rss-" in line or "atom-" in line]


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["nonsense"], ["build", "--limit", "0"], [], ["serve", "--port", "99999"]):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("centralasia-feed: error: "), err


def test_build_prints_each_file_and_its_items(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert main(["build", "--out", str(out), "--archive", str(tmp_path / "a.sqlite")]) == 0
    printed = capsys.readouterr().out
    assert f"{out / 'rss.xml'}  6 item(s)  written" in printed
    assert f"{out / 'rates.json'}  1 item(s)  written" in printed
    assert "archive page(s)" not in printed  # none yet: six articles fit the feeds
    assert main(["rates", "--archive", str(tmp_path / "a.sqlite"), "--pair", "KZT/USD"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["date", "pair", "rate", "ticker", "change", "direction"]
    assert table[1].split("  ")[:4] == ["2025-01-05", "KZT/USD", "1 USD = 524 KZT", "1 KZT = 0.00191 USD"]
    assert table[1].split()[-2:] == ["0%", "flat"]
    assert main(["rates", "--archive", str(tmp_path / "a.sqlite"), "--json"]) == 0
    sources = {rate["source"] for rate in json.loads(capsys.readouterr().out)}
    assert sources == {"seeds/000_caa332ea3062df9c.txt"}  # not the folder the package sits in


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_output_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    assert main(["build", "--no-archive", "--out", str(locked / "out")]) == 1


def test_output_path_that_is_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["build", "--no-archive", "--out", str(blocker / "out")]) == 1
    assert capsys.readouterr().err.startswith("centralasia-feed: error: ")


def test_python_dash_m_is_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "centralasia_feed", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.startswith("centralasia-feed ")


def test_example_script_builds_the_seed(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "generate_feeds.py"), str(tmp_path / "o")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert "Built 6 articles" in done.stdout
    assert re.search(r"rates\.json +1 item   application/feed\+json", done.stdout)  # not "1 items"
    assert re.search(r"rates/KZT-USD\.xml +1 item   application/atom\+xml", done.stdout)  # aligned
    assert (tmp_path / "o" / "atom.xml").is_file()


def test_build_help_shows_every_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    shown = " ".join(capsys.readouterr().out.split())  # argparse wraps lines where it likes
    for default in ("public", "http://127.0.0.1:8000/", "https://timesca.com/", "UTC", "50", "256 MiB"):
        assert f"(default: {default})" in shown
    assert "(default: The Times of Central Asia)" in shown


def test_tiny_and_huge_rates_print_in_plain_digits(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dump = tmp_path / "tiny.txt"
    dump.write_text(
        "• UZS/USD = 0.0000000000000000000000000000001 0%\n• KZT/USD = 10000000 0%\n05 January 2025\n\n"
        "A Title\n\nA whole paragraph.\n",
        encoding="utf-8",
    )
    assert main(["parse", str(dump)]) == 0
    out = capsys.readouterr().out
    huge = "6,666,670,000,000,000,000,000,000,000,000–20,000,000,000,000,000,000,000,000,000,000"
    assert f"1 USD = {huge} UZS" in out  # a one-digit quote: the range it allows, in plain digits
    assert "(1 USD = 0.0000001 KZT)" in out and "E-" not in out and "E+" not in out
    archive = tmp_path / "a.sqlite"
    assert main(["build", str(dump), "--out", str(tmp_path / "out"), "--archive", str(archive)]) == 0
    capsys.readouterr()
    assert main(["rates", "--archive", str(archive), "--json"]) == 0
    text = capsys.readouterr().out
    assert '"0.0000001"' in text and "E-" not in text
    rates = json.loads((tmp_path / "out" / "rates.json").read_text(encoding="utf-8"))
    assert "E-" not in json.dumps(rates["items"][0]["_centralasia_feed"])


def test_parse_prints_grouped_problems_and_counts_every_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dump = tmp_path / "junk.txt"
    dump.write_text(SEED.read_text(encoding="utf-8") + "\n\n" + "stray\n" * 30, encoding="utf-8")
    assert main(["parse", str(dump)]) == 0
    captured = capsys.readouterr()
    assert "6 article(s), 5 rate(s), 30 problem(s)" in captured.out
    err = captured.err.splitlines()
    assert len(err) == 11 and err[-1] == (
        f"{dump}:79: text without a title: and 20 more lines like this (lines 79-98)"
    )
    assert main(["parse", "--json", str(dump)]) == 0
    (parsed,) = json.loads(capsys.readouterr().out)
    assert [(p["line"], p["count"], p["last_line"]) for p in parsed["problems"]][-2:] == [
        (78, 1, 78),
        (79, 20, 98),
    ]
    assert main(["parse", "--strict", str(dump)]) == 1
    assert capsys.readouterr().err == f"centralasia-feed: error: {dump}:69: text without a title: 'stray'\n"


# Failures: one line, the right status, nothing touched.

PREFIX = "centralasia-feed: error: "
UNURL = "holds characters a URL cannot (percent-encode them)"


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    """An output folder and archive from a good build of the seed: what a failure must not touch."""
    out, archive = tmp_path / "public", tmp_path / "archive.sqlite"
    assert main(["build", "--out", str(out), "--archive", str(archive), str(SEED)]) == 0
    return out, archive


def fails(capsys: pytest.CaptureFixture[str], argv: list[str], status: int = 1) -> str:
    """Run the command, expect ``status`` and exactly one error line; return that line."""
    capsys.readouterr()
    if status == 2:
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2
    else:
        assert main(argv) == status
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(PREFIX if status == 1 else "usage: ") or status == 2
    return lines[0]


def build_argv(built: tuple[Path, Path], *dumps: str | Path, extra: tuple[str, ...] = ()) -> list[str]:
    out, archive = built
    return ["build", "--out", str(out), "--archive", str(archive), *extra, *map(str, dumps)]


def test_a_missing_dump(capsys: pytest.CaptureFixture[str], built: tuple[Path, Path], tmp_path: Path) -> None:
    before = folder_files(built[0]), built[1].read_bytes()
    line = fails(capsys, build_argv(built, SEED, tmp_path / "nope.txt"))
    assert line == f"{PREFIX}{tmp_path / 'nope.txt'}: cannot read: No such file or directory"
    assert (folder_files(built[0]), built[1].read_bytes()) == before


def test_a_directory_given_as_a_dump(
    capsys: pytest.CaptureFixture[str], built: tuple[Path, Path], tmp_path: Path
) -> None:
    before = folder_files(built[0]), built[1].read_bytes()
    line = fails(capsys, build_argv(built, tmp_path))
    assert line == f"{PREFIX}{tmp_path}: cannot read: a directory, not a regular file"
    assert (folder_files(built[0]), built[1].read_bytes()) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_dump(
    capsys: pytest.CaptureFixture[str], built: tuple[Path, Path], tmp_path: Path
) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_bytes(SEED.read_bytes())
    locked.chmod(0)
    assert fails(capsys, build_argv(built, locked)) == f"{PREFIX}{locked}: cannot read: Permission denied"


def test_a_permission_error_on_a_dump_is_one_line_even_as_root(
    capsys: pytest.CaptureFixture[str],
    built: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The test above skips as root (CI runs as root): here the refusal is injected."""
    locked = tmp_path / "locked.txt"
    locked.write_bytes(SEED.read_bytes())

    def refused(name: str, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", name)

    monkeypatch.setattr(pipeline, "open_regular", refused)  # read_dump's own open only
    before = folder_files(built[0]), built[1].read_bytes()
    assert fails(capsys, build_argv(built, locked)) == f"{PREFIX}{locked}: cannot read: Permission denied"
    assert (folder_files(built[0]), built[1].read_bytes()) == before


def test_an_unwritable_output_folder_is_one_line_even_as_root(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """test_unwritable_output_folder skips as root, where every folder is writable: here access is refused."""
    out = tmp_path / "out"
    monkeypatch.setattr(pipeline.os, "access", lambda path, mode: False)
    line = fails(capsys, ["build", "--no-archive", "--out", str(out), str(SEED)])
    assert line == f"{PREFIX}{out}: the output folder is not writable"


def test_an_output_folder_under_a_regular_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"x")
    line = fails(capsys, ["build", "--no-archive", "--out", str(blocker / "out"), str(SEED)])
    assert line == f"{PREFIX}{blocker / 'out'}: cannot create the output folder: Not a directory"
    assert blocker.read_bytes() == b"x"


def test_an_output_folder_that_is_a_regular_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"x")
    line = fails(capsys, ["build", "--no-archive", "--out", str(blocker), str(SEED)])
    assert line == f"{PREFIX}{blocker}: not a folder"
    assert blocker.read_bytes() == b"x"


def test_an_archive_in_a_missing_folder_names_the_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    archive = tmp_path / "nowhere" / "archive.sqlite"
    line = fails(capsys, ["build", "--out", str(tmp_path / "out"), "--archive", str(archive), str(SEED)])
    assert line == f"{PREFIX}{archive}: no such folder: {tmp_path / 'nowhere'}"
    assert list(tmp_path.iterdir()) == []


def test_rates_on_the_archive_of_a_failed_first_build_says_nothing_is_archived(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Not an empty table and exit status 0, as if the history had no rates."""
    (tmp_path / "empty.txt").write_text("\n", encoding="utf-8")
    archive = tmp_path / "new.sqlite"
    argv = ["build", "--out", str(tmp_path / "out"), "--archive", str(archive), str(SEED)]
    assert fails(capsys, [*argv, str(tmp_path / "empty.txt")]).endswith("no articles or rates")
    line = fails(capsys, ["rates", "--archive", str(archive)])
    assert line == f"{PREFIX}{archive}: nothing archived yet; run 'centralasia-feed build' first"


@pytest.mark.parametrize(
    ("make", "message"), [(None, "no such folder; run"), ("file", "not a folder; serve")]
)
def test_serve_names_what_is_wrong_with_its_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, make: str | None, message: str
) -> None:
    target = tmp_path / "public"
    if make:
        target.write_bytes(b"x")
    assert fails(capsys, ["serve", str(target)]).startswith(f"{PREFIX}{target}: {message}")


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_a_full_disk_leaves_the_previous_output_and_archive(
    capsys: pytest.CaptureFixture[str],
    built: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    """Simulated ENOSPC while writing, syncing or renaming the second file of a build that changes
    every file: the first must not have been renamed into place already."""
    out, archive = built
    before = folder_files(out), archive.read_bytes()
    other = tmp_path / "other.txt"
    other.write_text(SEED.read_text(encoding="utf-8").replace("05 January 2025", "06 January 2025"), "utf-8")

    calls = []
    real_call = getattr(os, where, None)

    def full(*args: object, **kwargs: object) -> object:
        calls.append(args)
        if len(calls) == 2:  # the disk fills once; putting old files back needs no new space
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_call(*args, **kwargs) if real_call and where != "write" else None

    if where == "write":
        real = os.fdopen

        class Full:
            def __init__(self, fd: int, mode: str) -> None:
                self.handle = real(fd, mode)

            def __enter__(self) -> Full:
                return self

            def __exit__(self, *exc: object) -> None:
                self.handle.close()

            def write(self, data: bytes) -> None:
                full()
                self.handle.write(data)

            def flush(self) -> None:
                self.handle.flush()

            def fileno(self) -> int:
                return self.handle.fileno()

            def close(self) -> None:
                self.handle.close()

        monkeypatch.setattr(os, "fdopen", Full)
    else:
        monkeypatch.setattr(os, where, full)
    line = fails(capsys, build_argv(built, other, extra=("--title", "Changed")))
    assert line.startswith(PREFIX) and line.endswith(": cannot write: No space left on device")
    assert (folder_files(out), archive.read_bytes()) == before  # no temporary file left either


@pytest.mark.parametrize("damage", ["truncated", "random", "foreign", "empty-header"])
def test_a_damaged_archive_is_named_and_left_alone(
    capsys: pytest.CaptureFixture[str], built: tuple[Path, Path], tmp_path: Path, damage: str
) -> None:
    out, archive = built
    data = archive.read_bytes()
    damaged = tmp_path / f"{damage}.sqlite"
    if damage == "truncated":
        damaged.write_bytes(data[: len(data) // 2])
    elif damage == "random":
        damaged.write_bytes(bytes((n * 7919 + 13) % 256 for n in range(9000)))
    elif damage == "foreign":
        with sqlite3.connect(damaged) as conn:
            conn.execute("CREATE TABLE mail (id INTEGER PRIMARY KEY, body TEXT)")
        conn.close()
    else:
        damaged.write_bytes(data[:60])
    damaged_bytes, before = damaged.read_bytes(), folder_files(out)
    line = fails(capsys, ["build", "--out", str(out), "--archive", str(damaged), str(SEED)])
    assert line.startswith(f"{PREFIX}{damaged}: ")
    assert "refusing" in line or "truncated" in line
    assert damaged.read_bytes() == damaged_bytes
    assert folder_files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(damaged.name)) == [damaged.name]


def test_an_archive_path_that_is_a_directory(
    capsys: pytest.CaptureFixture[str], built: tuple[Path, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "folder.sqlite"
    folder.mkdir()
    line = fails(capsys, ["build", "--out", str(built[0]), "--archive", str(folder), str(SEED)])
    assert line == f"{PREFIX}{folder}: cannot read the archive: a directory, not a regular file"
    assert list(folder.iterdir()) == []


def not_a_file(kind: str, folder: Path) -> tuple[Path, str]:
    """Something at a path that is not a regular file, and what the error line calls it."""
    path = folder / f"{kind}.txt"
    if kind == "fifo":
        os.mkfifo(path)  # with no writer: open() would wait for one forever
        return path, "a FIFO (named pipe)"
    if kind == "socket":
        with socket.socket(socket.AF_UNIX) as listener:
            listener.bind(str(path))  # the path stays a socket after it closes
        return path, "a socket"
    return Path("/dev/zero"), "a character device"  # endless: read to the size limit, then refused


def run_cli(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    """The command in a child process with a time limit, since what is tested here used to hang."""
    command = [sys.executable, "-m", "centralasia_feed", *map(str, argv)]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"hung: {' '.join(command)}")


@pytest.mark.parametrize("kind", ["fifo", "socket", "device"])
def test_a_dump_that_is_not_a_regular_file_is_refused_at_once(
    kind: str, built: tuple[Path, Path], tmp_path: Path
) -> None:
    path, what = not_a_file(kind, tmp_path)
    before = folder_files(built[0]), built[1].read_bytes()
    for argv in (["parse", path], build_argv(built, SEED, path)):
        done = run_cli(*argv)
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr == f"{PREFIX}{path}: cannot read: {what}, not a regular file\n"
    assert (folder_files(built[0]), built[1].read_bytes()) == before


@pytest.mark.parametrize("kind", ["fifo", "socket", "device"])
def test_an_archive_that_is_not_a_regular_file_is_refused_at_once(
    kind: str, built: tuple[Path, Path], tmp_path: Path
) -> None:
    path, what = not_a_file(kind, tmp_path)
    before = folder_files(built[0])
    done = run_cli("build", "--out", built[0], "--archive", path, SEED)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"{PREFIX}{path}: cannot read the archive: {what}, not a regular file\n"
    assert folder_files(built[0]) == before


def test_a_dump_over_max_bytes_is_refused_before_reading(
    capsys: pytest.CaptureFixture[str], built: tuple[Path, Path], tmp_path: Path
) -> None:
    """A sparse 300 MB file: refused by its size, never read (no disk or memory is used)."""
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(300 * 1024 * 1024)
    before = folder_files(built[0]), built[1].read_bytes()
    line = fails(capsys, build_argv(built, huge))
    assert line == f"{PREFIX}{huge}: file is 314,572,800 bytes, over the limit of 268,435,456"
    line = fails(capsys, build_argv(built, SEED, extra=("--max-bytes", "1000")))
    assert line == f"{PREFIX}{SEED}: file is {SEED.stat().st_size:,} bytes, over the limit of 1,000"
    assert (folder_files(built[0]), built[1].read_bytes()) == before


def test_a_huge_max_bytes_still_builds(built: tuple[Path, Path]) -> None:
    assert main(build_argv(built, SEED, extra=("--max-bytes", str(10**30)))) == 0


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--timezone", "Mars/Olympus", "must be an IANA time zone (like Asia/Almaty), not 'Mars/Olympus'"),
        (
            "--timezone",
            "../../etc/passwd",
            "must be an IANA time zone (like Asia/Almaty), not '../../etc/passwd'",
        ),
        ("--timezone", "", "must be an IANA time zone (like Asia/Almaty), not ''"),
        ("--feed-url", "feeds/", "must be an absolute http(s) URL, not 'feeds/'"),
        ("--feed-url", "mailto:a@b", "must be an absolute http(s) URL, not 'mailto:a@b'"),
        ("--feed-url", "http://[::1", "is not a URL (Invalid IPv6 URL): 'http://[::1'"),
        ("--feed-url", 'http://x/"><script>', f"{UNURL}: 'http://x/\"><script>'"),
        ("--source-url", "http://x/a b", f"{UNURL}: 'http://x/a b'"),
        ("--limit", str(10**23), f"must be at most 1,000,000, not {10**23:,}"),
        ("--title", "  ", "must not be empty"),
        ("--hub", "hub.example.org", "must be an absolute http(s) URL, not 'hub.example.org'"),
        ("--hub", "file:///etc/passwd", "must be an absolute http(s) URL, not 'file:///etc/passwd'"),
        ("--icon", "/icon.png", "must be an absolute http(s) URL, not '/icon.png'"),
        ("--logo", "https://x/logo.png#top", "must not have a fragment: 'https://x/logo.png#top'"),
    ],
)
def test_bad_option_values_are_usage_errors_named_by_option(
    capsys: pytest.CaptureFixture[str], built: tuple[Path, Path], option: str, value: str, message: str
) -> None:
    before = folder_files(built[0]), built[1].read_bytes()
    line = fails(capsys, build_argv(built, SEED, extra=(option, value)), status=2)
    assert line == f"{PREFIX}argument {option}: {message} (see 'centralasia-feed build --help')"
    assert (folder_files(built[0]), built[1].read_bytes()) == before


def test_unknown_options_point_at_the_command_help(capsys: pytest.CaptureFixture[str]) -> None:
    line = fails(capsys, ["build", "--bogus"], status=2)
    assert line == f"{PREFIX}unrecognized arguments: --bogus (see 'centralasia-feed build --help')"
    assert fails(capsys, ["build", "--out", ""], status=2).startswith(f"{PREFIX}argument --out: an empty")


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1.5", ""])
@pytest.mark.parametrize("option", ["--limit", "--max-bytes", "--ttl"])
def test_bad_numbers_are_usage_errors(
    capsys: pytest.CaptureFixture[str], built: tuple[Path, Path], option: str, value: str
) -> None:
    capsys.readouterr()
    with pytest.raises(SystemExit) as caught:
        main(build_argv(built, SEED, extra=(option, value)))
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"centralasia-feed: error: argument {option}")


def test_debug_shows_the_traceback(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--debug", "build", "--no-archive", "--out", str(tmp_path), str(tmp_path / "nope")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert err.splitlines()[-1] == f"{PREFIX}{tmp_path / 'nope'}: cannot read: No such file or directory"


def test_a_file_name_with_a_newline_or_escape_stays_on_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "two\nlines\x1b[31m.txt"
    line = fails(capsys, ["build", "--no-archive", "--out", str(tmp_path / "out"), str(missing)])
    assert line.endswith("two\\nlines\\x1b[31m.txt: cannot read: No such file or directory")
    odd = tmp_path / "odd\nname.txt"
    odd.write_text("05 January 2025\n\nA Title\n\nA paragraph, no full stop\n", encoding="utf-8")
    assert main(["build", "--no-archive", "--out", str(tmp_path / "out"), str(odd)]) == 0
    message = "the dump ends mid-paragraph, kept as an excerpt: 'A paragraph, no full stop'"
    assert capsys.readouterr().err.splitlines() == [f"{tmp_path}/odd\\nname.txt:5: {message}"]


def test_a_failed_first_build_leaves_no_empty_output_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "garbage.sqlite").write_bytes(b"not a database" * 10)
    out = tmp_path / "new" / "public"
    argv = ["build", "--archive", str(tmp_path / "garbage.sqlite"), "--out", str(out), str(SEED)]
    assert fails(capsys, argv).endswith("not an SQLite database; refusing to use or overwrite it")
    assert not (tmp_path / "new").exists()
