"""``centralasia-feed check``: an audit from outside that passes against ``serve`` (and nginx, in
test_nginx.py), names each fault of ``python3 -m http.server`` over the same folder, names what is
wrong in broken feeds, and ends with one line, in time, against a dead or slow server."""

from __future__ import annotations

import ast
import datetime as dt
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.paths import ROOT
from helpers.serving import SITE_DUMPS, SITE_FEEDS, Served, start, stop

from centralasia_feed import AuditError, ConfigError, FeedConfig, audit, build
from centralasia_feed.audit import CHECKS
from centralasia_feed.cli import main
from centralasia_feed.publish import LOCK_NAME

FEEDS = SITE_FEEDS


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("no_proxy", "127.0.0.1")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``serve`` over a build made for the address it serves at, a daily build's second long over."""
    folder = tmp_path_factory.mktemp("checked") / "public"
    folder.mkdir()
    served, thread = start(folder)
    config = FeedConfig(feed_url=served.url, limit=5)
    for dump in SITE_DUMPS:
        build([dump], folder, config, archive=folder.parent / "archive.sqlite")
    an_hour_ago = time.time() - 3600
    for path in folder.rglob("*"):
        os.utime(path, (an_hour_ago, an_hour_ago))
    yield served
    stop(served, thread)


def test_check_passes_against_serve(site: Served, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", site.url]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(index for index, line in enumerate(lines) if line.split() == ["address", "holds", "fails"])
    assert " ".join(lines[:header]) == "checks: " + ", ".join(CHECKS)
    rows = [line.split() for line in lines[header + 1 : -1]]
    assert rows == [["landing", "8", "of", "8"], *([name, "11", "of", "11"] for name in FEEDS)]
    assert lines[-1] == f"all {8 + 11 * len(FEEDS)} checks hold"
    assert max(map(len, lines)) <= 80  # a terminal's width, however many feeds


def test_the_audit_reads_every_feed_the_landing_page_links(site: Served) -> None:
    found = audit(site.url)
    assert found.feeds == tuple(site.url + name for name in FEEDS)
    assert {(finding.url, finding.check) for finding in found.findings} >= {
        (site.url + name, check)
        for name in FEEDS
        for check in CHECKS
        if check not in ("feeds linked", "hidden files")
    }
    assert found.failures == ()


@pytest.fixture(scope="module")
def http_server(site: Served) -> Iterator[str]:
    """``python3 -m http.server`` over the same folder: its URL once it says it listens."""
    command = [
        sys.executable,
        "-u",
        "-m",
        "http.server",
        "0",
        "--bind",
        "127.0.0.1",
        "--directory",
        str(site.root),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # "Serving HTTP on 127.0.0.1 port N (http://127.0.0.1:N/) ..."
        yield first.split("(", 1)[1].split(")", 1)[0]
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


def test_check_names_every_fault_of_a_plain_file_server(
    site: Served, http_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", http_server]) == 1
    out = capsys.readouterr().out
    for name in FEEDS:
        assert f"{name}: self link: {site.url}{name}, fetched from {http_server}{name}\n" in out
        assert f"{name}: validators: no ETag\n" in out
        assert f"{name}: gzip: Content-Encoding: none, Vary: none\n" in out
        assert f"{name}: CORS: Access-Control-Allow-Origin: none\n" in out
    for name, expected in (("rss.xml", "application/rss+xml"), ("atom.xml", "application/atom+xml")):
        assert f"\n{name}: media type: " in out and f", not {expected}\n" in out
    assert "\nfeed.json: media type: application/json, not application/feed+json\n" in out
    assert f"\nlanding: hidden files: {LOCK_NAME} is served: copy the folder without hidden files\n" in out
    assert out.endswith(" checks failed\n")


def test_a_redirect_to_the_folder_is_followed(site: Served) -> None:
    archive = site.url + "archive"  # serve redirects a folder named without its slash
    (site.root / "archive" / "index.html").write_bytes((site.root / "index.html").read_bytes())
    try:
        found = audit(archive)
    finally:
        (site.root / "archive" / "index.html").unlink()
    assert found.url == archive + "/"
    assert ("landing", "fetched", True) in {(found.label(f.url), f.check, f.ok) for f in found.findings}


BROKEN = {
    "index.html": b"""<!DOCTYPE html><title>t</title>
<link rel="alternate" type="application/rss+xml" href="rss-broken.xml">
<link rel="alternate" type="application/atom+xml" href="broken-atom.xml">
<link rel="alternate" type="application/feed+json" href="broken.json">
<link rel="alternate" type="application/atom+xml" href="not-xml.xml">
<link rel="alternate" type="application/rss+xml" href="missing.xml">
<link rel="stylesheet" href="style.css">""",
    "rss-broken.xml": b"""<rss version="2.0"><channel><title>t</title>
<item><title>no guid</title></item>
<item><guid>a</guid><description>d</description><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item>
<item><guid>a</guid><title>twice</title><pubDate>someday</pubDate></item>
</channel></rss>""",
    "broken-atom.xml": b"""<feed xmlns="http://www.w3.org/2005/Atom"><id>x</id><title>t</title>
<updated>2025-01-05T00:00:00Z</updated>
<entry><id>e</id><title>t</title><updated>2099-01-01T00:00:00Z</updated></entry>
<entry><title>no id</title></entry></feed>""",
    "broken.json": b"""{"title": "t", "feed_url": "http://elsewhere.example/feed.json", "items": [
{"id": 1, "content_text": "x"}, {"content_html": "y"}, {"id": "1", "date_published": "2025-01-05"}]}""",
    "not-xml.xml": b"<feed><unclosed></feed>",
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("broken")
    for name, data in BROKEN.items():
        (folder / name).write_bytes(data)
    an_hour_ago = time.time() - 3600
    for path in folder.iterdir():
        os.utime(path, (an_hour_ago, an_hour_ago))
    served, thread = start(folder)
    yield served
    stop(served, thread)


def failures(served: Served) -> dict[tuple[str, str], str]:
    found = audit(served.url, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    return {(found.label(f.url), f.check): f.detail for f in found.failures}


def test_check_names_what_is_wrong_in_each_feed(broken: Served) -> None:
    seen = failures(broken)
    assert seen.pop(("rss-broken.xml", "required fields")) == (
        "missing: channel link; channel description; item 1 guid"
    )
    assert seen.pop(("rss-broken.xml", "unique ids")) == "repeated: a"
    assert seen.pop(("rss-broken.xml", "no future dates")) == "unreadable: a 'someday'"
    assert seen.pop(("rss-broken.xml", "self link")) == "no self link"
    assert seen.pop(("broken-atom.xml", "required fields")) == (
        "missing: feed author (or one in every entry); entry 2 id; entry 2 updated"
    )
    assert seen.pop(("broken-atom.xml", "no future dates")) == (
        "dated after 2026-01-01 00:00: e 2099-01-01T00:00:00Z"
    )
    assert seen.pop(("broken-atom.xml", "self link")) == "no self link"
    assert (
        seen.pop(("broken.json", "required fields"))
        == "missing: version; item 2 id; item 3 content_html or content_text"
    )
    assert seen.pop(("broken.json", "unique ids")) == "repeated: 1"
    assert seen.pop(("broken.json", "no future dates")) == "unreadable: 1 '2025-01-05'"
    assert seen.pop(("broken.json", "self link")) == (
        f"http://elsewhere.example/feed.json, fetched from {broken.url}broken.json"
    )
    assert seen.pop(("not-xml.xml", "well-formed")).startswith("Opening and ending tag mismatch")
    assert seen.pop(("missing.xml", "fetched")) == "404 Not Found"
    assert seen == {}


def test_a_future_date_is_one_after_the_clock(broken: Served) -> None:
    found = audit(broken.url, now=dt.datetime(2100, 6, 1, tzinfo=dt.UTC))
    assert not [f for f in found.failures if f.check == "no future dates" and "dated after" in f.detail]


def test_a_page_without_feeds_fails(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_bytes(b"<!DOCTYPE html><title>nothing</title>")
    os.utime(tmp_path / "index.html", (time.time() - 3600, time.time() - 3600))
    served, thread = start(tmp_path)
    try:
        found = audit(served.url)
    finally:
        stop(served, thread)
    assert [(f.check, f.detail) for f in found.failures] == [
        ("feeds linked", "no autodiscovery link to a feed")
    ]


@pytest.fixture
def silent() -> Iterator[str]:
    """A port that takes connections (the kernel's backlog) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"


@pytest.fixture
def dripping() -> Iterator[str]:
    """A server that answers one header byte at a time, each sooner than any socket timeout."""
    stopped = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def drip() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.sendall(b"HTTP/1.1 200 OK\r\n")
            for _ in range(100):  # then hangs up: without a deadline, the test fails, not hangs
                if stopped.wait(0.05):
                    break
                connection.sendall(b"X")

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    stopped.set()
    thread.join(timeout=10)
    listener.close()


@pytest.mark.parametrize("server", ["silent", "dripping"])
def test_a_slow_server_is_one_line_within_the_timeout(
    server: str, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    url = request.getfixturevalue(server)
    assert main(["check", url, "--timeout", "0.5"]) == 1
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"centralasia-feed: error: {url}: no answer within 0.5 s\n")


def test_a_dead_server_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/"  # closed: nothing listens there
    assert main(["check", url]) == 1
    assert capsys.readouterr().err == (
        f"centralasia-feed: error: {url}: connection refused (is the server running?)\n"
    )


def test_a_server_that_hangs_up_is_one_line() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    thread = threading.Thread(target=lambda: listener.accept()[0].close(), daemon=True)
    thread.start()
    try:
        with pytest.raises(AuditError, match="closed the connection without a full answer"):
            audit(f"http://127.0.0.1:{listener.getsockname()[1]}/")
    finally:
        thread.join(timeout=10)
        listener.close()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["check", "feeds.example.org"],
            "argument URL: must be an absolute http(s) URL, not 'feeds.example.org'",
        ),
        (
            ["check", "http://x/", "--timeout", "0"],
            "argument --timeout: must be more than 0 and less than a day: 0",
        ),
        (["check", "http://x/", "--timeout", "soon"], "argument --timeout: not a number of seconds: 'soon'"),
    ],
)
def test_usage_mistakes_are_status_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert (
        capsys.readouterr().err
        == f"centralasia-feed: error: {message} (see 'centralasia-feed check --help')\n"
    )


def test_the_library_refuses_what_cannot_be_audited() -> None:
    with pytest.raises(ConfigError, match="url must be an absolute"):
        audit("file:///etc/passwd")
    with pytest.raises(ConfigError, match="timeout must be more than 0"):
        audit("http://127.0.0.1/", timeout=0)


def test_the_audit_takes_nothing_from_the_build() -> None:
    """It reads HTTP alone: of the package, only the errors, the version, the media types (the facts
    it checks against, spelled once) and the lock file's name."""
    folder = ROOT / "centralasia_feed" / "audit"
    imported = set()
    for module in folder.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                imported.add(node.module)
    assert imported == {"errors", "publish", "_version", "_media"}


def test_a_servers_words_reach_the_terminal_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    """A reason phrase is the server's to write: an escape in it must not drive the terminal."""
    listener = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            head = b"HTTP/1.1 404 Gone\x1b[31m red\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            connection.sendall(head)

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        assert main(["check", f"http://127.0.0.1:{listener.getsockname()[1]}/"]) == 1
    finally:
        thread.join(timeout=10)
        listener.close()
    out = capsys.readouterr().out
    assert "\x1b" not in out and "landing: fetched: 404 Gone\\x1b[31m red" in out
