"""WebSub publishing: a build pings each hub for each feed it changed, and only then; a hub that fails
never fails the build; ``ping`` re-sends from the folder's own feeds; ``serve`` names the hubs in a
Link header. The hubs here are recording servers on 127.0.0.1 (tests/test_websub_hub.py runs a real
one end to end)."""

from __future__ import annotations

import socket
import threading
import urllib.parse
from collections.abc import Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers.paths import DATA, SEED
from helpers.serving import fetch, start, stop

from centralasia_feed import FeedConfig, build, websub
from centralasia_feed.cli import main
from centralasia_feed.errors import ConfigError

DAYS = sorted((DATA / "days").glob("*.txt"))
FEED_URL = "https://feeds.example.org/ca/"
PAIRS = ("KGS-USD", "KZT-USD", "TJS-USD", "TMT-USD", "UZS-USD")
TOPICS = [FEED_URL + name for name in ("rss.xml", "atom.xml", "feed.json", "rates.json", "rates.xml")] + [
    f"{FEED_URL}rates/{pair}.{kind}" for pair in PAIRS for kind in ("json", "xml")
]  # every feed people subscribe to, one pair's too; never an archive page, the CSV or a page


class Hub(ThreadingHTTPServer):
    """A hub that records every ping (form fields, in order) and answers with ``status``."""

    daemon_threads = True

    def __init__(self, status: int = HTTPStatus.ACCEPTED, location: str | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _HubHandler)
        self.status, self.location = status, location
        self.pings: list[list[tuple[str, str]]] = []
        self.content_types: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/hub"

    def topics(self) -> list[str]:
        return [dict(fields)["hub.url"] for fields in self.pings]


class _HubHandler(BaseHTTPRequestHandler):
    server: Hub

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.server.pings.append(urllib.parse.parse_qsl(body, strict_parsing=True))
        self.server.content_types.append(self.headers["Content-Type"])
        self.send_response(self.server.status)
        if self.server.location:
            self.send_header("Location", self.server.location)
        self.send_header("Content-Length", "6")
        self.end_headers()
        self.wfile.write(b"nope\r\n")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def hubs() -> Iterator[list[Hub]]:
    """Start hubs with ``hubs.append(Hub(...))``; each is served until the test ends."""
    running: list[Hub] = []
    threads: list[threading.Thread] = []

    class Started(list[Hub]):
        def append(self, hub: Hub) -> None:
            thread = threading.Thread(target=hub.serve_forever, args=(0.05,), daemon=True)
            thread.start()
            threads.append(thread)
            running.append(hub)
            super().append(hub)

    yield Started()
    for hub in running:
        hub.shutdown()
        hub.server_close()
    for thread in threads:
        thread.join(timeout=10)


def _hub(hubs: list[Hub], status: int = HTTPStatus.ACCEPTED, location: str | None = None) -> Hub:
    hubs.append(Hub(status, location))
    return hubs[-1]


def _build(out: Path, *dumps: Path, extra: tuple[str, ...] = ()) -> int:
    argv = ["build", "--out", str(out), "--archive", str(out.parent / "a.sqlite"), "--feed-url", FEED_URL]
    return main([*argv, *extra, *map(str, dumps)])


def test_a_build_pings_each_hub_for_each_feed_it_changed_and_only_those(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hubs: list[Hub]
) -> None:
    one, two = _hub(hubs), _hub(hubs, HTTPStatus.NO_CONTENT)
    options = ("--hub", one.url, "--hub", two.url)
    out = tmp_path / "public"
    assert _build(out, SEED, extra=options) == 0
    for hub in (one, two):
        assert hub.topics() == TOPICS
        assert hub.pings[0] == [("hub.mode", "publish"), ("hub.url", TOPICS[0]), ("hub.topic", TOPICS[0])]
        assert set(hub.content_types) == {"application/x-www-form-urlencoded"}
    assert f"{one.url}: pinged for {len(TOPICS)} feed(s)" in capsys.readouterr().out

    assert _build(out, SEED, extra=options) == 0  # nothing new: no feed changed
    assert (len(one.pings), len(two.pings)) == (len(TOPICS), len(TOPICS))
    assert "no feed changed: no hub pinged" in capsys.readouterr().out

    assert _build(out, DAYS[0], extra=options) == 0
    assert one.topics()[len(TOPICS) :] == TOPICS


def test_the_report_names_the_changed_feeds_only_when_there_are_hubs(tmp_path: Path) -> None:
    config = FeedConfig(feed_url=FEED_URL, hubs=("https://hub.example.org/",), limit=2)
    report = build([SEED], tmp_path / "out", config)
    assert any(file.name.startswith("archive/") and file.changed for file in report.files)
    assert report.topics == tuple(TOPICS)  # archive pages are not subscribed to
    assert build([SEED], tmp_path / "out", config).topics == ()
    assert build([SEED], tmp_path / "plain", FeedConfig(limit=2)).topics == ()


def test_no_ping_names_the_hubs_but_tells_them_nothing(tmp_path: Path, hubs: list[Hub]) -> None:
    hub = _hub(hubs)
    assert _build(tmp_path / "public", SEED, extra=("--hub", hub.url, "--no-ping")) == 0
    assert hub.pings == []
    assert hub.url in (tmp_path / "public" / "atom.xml").read_text(encoding="utf-8")


def _refusing_url() -> tuple[socket.socket, str]:
    """A port held open but not listening: connecting to it is refused."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}/hub"


def _silent_url() -> tuple[socket.socket, str]:
    """A port that accepts connections (into its backlog) and never answers."""
    sock = socket.create_server(("127.0.0.1", 0))
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}/"


def test_failing_hubs_are_one_line_each_and_never_fail_the_build(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hubs: list[Hub], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(websub, "TIMEOUT", 0.2)
    good, broken = _hub(hubs), _hub(hubs, HTTPStatus.INTERNAL_SERVER_ERROR)
    moved = _hub(hubs, HTTPStatus.MOVED_PERMANENTLY, location=good.url)
    refusing, refused_url = _refusing_url()
    silent, silent_url = _silent_url()
    with refusing, silent:
        urls = (refused_url, broken.url, silent_url, moved.url, good.url)
        options = tuple(part for url in urls for part in ("--hub", url))
        assert _build(tmp_path / "public", SEED, extra=options) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"centralasia-feed: warning: hub {refused_url}: cannot reach it: Connection refused "
        f"(pinging {TOPICS[0]})",
        f"centralasia-feed: warning: hub {broken.url}: answered 500 Internal Server Error: nope "
        f"(pinging {TOPICS[0]})",
        f"centralasia-feed: warning: hub {silent_url}: no answer within 0.2 s (pinging {TOPICS[0]})",
        f"centralasia-feed: warning: hub {moved.url}: answered 301 Moved Permanently: nope "
        f"(pinging {TOPICS[0]})",
    ]
    assert len(broken.pings) == len(moved.pings) == 1  # a failed hub is asked nothing more
    assert good.topics() == TOPICS  # the redirect was not followed
    assert f"{good.url}: pinged for {len(TOPICS)} feed(s)" in out
    assert (tmp_path / "public" / "rss.xml").is_file()


def test_ping_resends_for_the_feeds_the_folder_holds(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hubs: list[Hub]
) -> None:
    hub = _hub(hubs)
    out = tmp_path / "public"
    assert _build(out, SEED, extra=("--hub", hub.url, "--no-ping")) == 0
    capsys.readouterr()
    assert main(["ping", str(out)]) == 0
    assert sorted(hub.topics()) == sorted(TOPICS)
    assert capsys.readouterr().out == f"{hub.url}: pinged for {len(TOPICS)} feed(s)\n"


def test_ping_fails_with_a_hub_that_fails_and_without_any_hub(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hubs: list[Hub]
) -> None:
    broken = _hub(hubs, HTTPStatus.BAD_REQUEST)
    out = tmp_path / "public"
    assert _build(out, SEED, extra=("--hub", broken.url, "--no-ping")) == 0
    capsys.readouterr()
    assert main(["ping", str(out)]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"centralasia-feed: error: hub {broken.url}: answered 400 Bad Request: nope")
    plain = tmp_path / "plain"
    build([SEED], plain)
    assert main(["ping", str(plain)]) == 1
    expected = f"centralasia-feed: error: {plain}: no feed here names a hub; build with --hub URL\n"
    assert capsys.readouterr().err == expected
    assert main(["ping", str(tmp_path / "nowhere")]) == 1
    assert "no such folder" in capsys.readouterr().err


def test_ping_refuses_a_hub_that_is_no_http_url() -> None:
    with pytest.raises(ConfigError, match="hubs must be an absolute http"):
        websub.ping(["file:///etc/passwd"], ["https://feeds.example.org/ca/rss.xml"])
    assert websub.ping(["https://hub.example.org/"], []) == ()  # nothing changed: nothing sent


def test_serve_names_the_hubs_and_the_feed_in_a_link_header(tmp_path: Path) -> None:
    site = tmp_path / "public"
    hub = "https://hub.example.org/"
    build([SEED], site, FeedConfig(hubs=(hub,), limit=2))
    served, thread = start(site)
    try:
        for name in ("rss.xml", "atom.xml", "feed.json", "rates.json"):
            status, headers, _ = fetch(served, f"/{name}", {"Accept-Encoding": "gzip"})
            assert status == 200
            assert headers["link"] == f'<{hub}>; rel="hub", <http://127.0.0.1:8000/{name}>; rel="self"'
        for name in ("archive/rss-1.xml", "index.html"):
            assert "link" not in fetch(served, f"/{name}")[1]
    finally:
        stop(served, thread)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("rss.xml", b"<rss><channel><atom:link rel='hub' href='https://h/'/>"),  # unbound prefix
        ("atom.xml", b"<feed xmlns='http://www.w3.org/2005/Atom'><link rel='hub' href='https://h/\nX: y'/>"),
        ("feed.json", b'{"feed_url": "https://f/", "hubs": "https://h/"}'),
        ("feed.json", b'{"feed_url": "https://f/", "hubs": [{"type": "rssCloud", "url": "https://h/"}]}'),
        ("feed.json", b'[{"hubs": []}]'),
        ("feed.json", b"{" * 100_000 + b'"hubs"'),
        ("index.html", b'<link rel="hub" href="https://h/">'),
    ],
)
def test_a_document_naming_no_usable_hub_advertises_nothing(name: str, data: bytes) -> None:
    assert websub.advertised(name, data) == websub.NOTHING
    assert websub.advertised(name, data).link_header() is None


def test_links_are_read_from_the_head_of_the_document_only() -> None:
    atom = (
        b"<feed xmlns='http://www.w3.org/2005/Atom'><link rel='self' href='https://f/atom.xml'/>"
        b"<link rel='hub' href='https://h/'/><link rel='hub' href='https://h/'/>"
        b"<entry><link rel='hub' href='https://entry/'/></entry></feed>"
    )
    found = websub.advertised("atom.xml", atom)
    assert found == websub.Advertised("https://f/atom.xml", ("https://h/",))
    assert found.link_header() == '<https://h/>; rel="hub", <https://f/atom.xml>; rel="self"'
