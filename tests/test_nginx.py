"""examples/nginx.conf, run by Debian's nginx over a built folder, sends what ``serve`` sends.

Every file of a real build (with archive pages, and the rates files a later build will add) is fetched
from nginx and from ``serve`` over the same folder, and compared header by header. Then a real reader
polls through nginx, and nginx's own access log shows its second update answered 304.

nginx comes from Debian's ``nginx`` package (tests/helpers/webserver.py starts it). Without it this test is
skipped with a plain reason, except when the ``CI`` environment variable is set: there it must run,
so it fails.
"""

from __future__ import annotations

import gzip
import os
import shutil
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.serving import SITE_DUMPS, SITE_FEEDS, Served, plant_outside, start, stop
from helpers.serving import fetch as fetch_served
from helpers.webserver import Nginx, fetch, free_port, nginx, readable_prefix, running
from test_serve import SECRET, TRAVERSALS

from centralasia_feed import FeedConfig, build
from centralasia_feed.cli import main
from centralasia_feed.publish import LOCK_NAME, STATE_NAME, is_hidden
from centralasia_feed.serve import SECURITY_HEADERS

FEEDS = SITE_FEEDS
SAME = (  # what both send alike; the ETag is a hash in one and size-mtime in the other
    "content-type",
    "content-encoding",
    "vary",
    "cache-control",
    "last-modified",
    "access-control-allow-origin",
    "link",  # none here: the site names no WebSub hub (see the hub's own test below)
    *(name.lower() for name in SECURITY_HEADERS),
)
GUARDED = {name.lower(): value for name, value in SECURITY_HEADERS.items()}
RATES_FILES = ("rates.csv", "rates.html")  # the rates besides the feeds: a table and a page


def make_site(prefix: Path, port: int, hubs: tuple[str, ...] = ()) -> None:
    """A build day by day (archive pages, from a small --limit) for the port nginx will listen on,
    with the archive beside the folder, as a reader finds a daily build: its second long over."""
    config = FeedConfig(feed_url=f"http://127.0.0.1:{port}/", limit=5, hubs=hubs)
    for dump in SITE_DUMPS:
        build([dump], prefix / "public", config, archive=prefix / "archive.sqlite")
    an_hour_ago = time.time() - 3600
    for path in (prefix / "public").rglob("*"):
        os.utime(path, (an_hour_ago, an_hour_ago))


@pytest.fixture(scope="module")
def prefix() -> Iterator[Path]:
    """nginx's prefix for the module's server."""
    nginx()
    with readable_prefix("nginx") as folder:
        yield folder


@pytest.fixture(scope="module")
def server(prefix: Path) -> Iterator[Nginx]:
    port = free_port()
    make_site(prefix, port)
    with running(prefix, port) as running_server:
        yield running_server


@pytest.fixture(scope="module")
def served(server: Nginx) -> Iterator[Served]:
    """``serve`` over the very folder nginx serves."""
    running_serve, thread = start(server.site)
    yield running_serve
    stop(running_serve, thread)


def files(site: Path) -> list[str]:
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*")
        if path.is_file() and not is_hidden(path.relative_to(site).as_posix())
    )


def test_the_site_has_every_kind_of_file(server: Nginx) -> None:
    names = files(server.site)
    assert {*FEEDS, "index.html", *RATES_FILES} <= set(names)
    assert "archive/rss-1.xml" in names and "archive/atom-1.xml" in names


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_every_file_is_sent_as_serve_sends_it(server: Nginx, served: Served, encoding: str) -> None:
    for name in files(server.site):
        status, headers, body = fetch(server, "/" + name, {"Accept-Encoding": encoding})
        expected_status, expected, _ = fetch_served(served, "/" + name, {"Accept-Encoding": encoding})
        assert status == expected_status == 200, name
        assert {key: headers.get(key) for key in SAME} == {key: expected.get(key) for key in SAME}, name
        assert headers["etag"], name
        data = gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body
        assert data == (server.site / name).read_bytes(), name
        assert GUARDED.items() <= headers.items(), name  # the same as serve's, as it sends them


def test_set_for_a_hub_it_names_the_hub_as_serve_does(served: Served) -> None:
    """With its WebSub line set as docs/deploy.md says, each file has serve's Link header, or none."""
    hub = "https://hub.example.org/websub"
    with readable_prefix("nginx-hub") as prefix:
        port = free_port()
        make_site(prefix, port, hubs=(hub,))
        with running(prefix, port, hub=hub) as own:
            own_serve, thread = start(own.site)
            try:
                built = files(own.site)
                links = {name: fetch(own, "/" + name)[1].get("link") for name in built}
                assert links == {
                    name: fetch_served(own_serve, "/" + name)[1].get("link") for name in links
                }
            finally:
                stop(own_serve, thread)
    self_link = f'<http://127.0.0.1:{port}/atom.xml>; rel="self"'
    assert links["atom.xml"] == f'<{hub}>; rel="hub", {self_link}'
    assert links["archive/atom-1.xml"] is None and links["index.html"] is None


def test_the_types_of_the_feeds_and_the_rates_files(server: Nginx) -> None:
    types = {name: fetch(server, "/" + name)[1]["content-type"] for name in files(server.site)}
    assert types["rss.xml"] == types["archive/rss-1.xml"] == "application/rss+xml; charset=utf-8"
    atom = "application/atom+xml; charset=utf-8"
    assert types["atom.xml"] == types["archive/atom-1.xml"] == types["rates.xml"] == atom
    assert types["rates/KZT-USD.xml"] == atom
    assert types["feed.json"] == types["rates.json"] == "application/feed+json; charset=utf-8"
    assert types["rates.csv"] == "text/csv; charset=utf-8"
    assert types["index.html"] == types["rates.html"] == "text/html; charset=utf-8"


def test_every_text_file_is_gzipped(server: Nginx) -> None:
    for name in files(server.site):
        _, headers, _ = fetch(server, "/" + name, {"Accept-Encoding": "gzip"})
        assert (headers.get("content-encoding"), headers.get("vary")) == ("gzip", "Accept-Encoding"), name


def test_the_root_is_the_landing_page(server: Nginx) -> None:
    status, headers, body = fetch(server, "/")
    assert (status, headers["content-type"], body) == (
        200,
        "text/html; charset=utf-8",
        (server.site / "index.html").read_bytes(),
    )
    assert GUARDED.items() <= headers.items()


@pytest.mark.parametrize("name", [*FEEDS, "index.html"])
@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_conditional_gets_are_answered_304(server: Nginx, name: str, encoding: str) -> None:
    _, first, body = fetch(server, "/" + name, {"Accept-Encoding": encoding})
    for condition in ({"If-None-Match": first["etag"]}, {"If-Modified-Since": first["last-modified"]}):
        status, headers, again = fetch(server, "/" + name, {"Accept-Encoding": encoding, **condition})
        assert (status, again) == (304, b""), condition
        assert headers["etag"].removeprefix("W/") == first["etag"].removeprefix("W/")
        assert headers["last-modified"] == first["last-modified"]
        assert headers["cache-control"] == "max-age=300"
        assert headers["vary"] == "Accept-Encoding"
        assert headers["access-control-allow-origin"] == "*"
    later = "Fri, 01 Jan 2100 00:00:00 GMT"  # at or after the file's date: not modified since
    assert fetch(server, "/" + name, {"Accept-Encoding": encoding, "If-Modified-Since": later})[0] == 304
    for stale in ({"If-None-Match": '"stale"'}, {"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"}):
        assert fetch(server, "/" + name, {"Accept-Encoding": encoding, **stale})[::2] == (200, body)


@pytest.fixture
def outside(server: Nginx) -> Iterator[None]:
    """A secret beside the served folder, symlinks inside it that point out, and hidden files."""
    site = server.site
    plant_outside(site, SECRET)
    yield
    for path in (site / "link.txt", site / "outside", site / ".rss.xml.abc123.tmp"):
        path.unlink()
    shutil.rmtree(site / ".hidden")


def refused_early(target: str) -> bool:
    """Whether nginx refuses the target before looking for any file (400 Bad Request): decoded, it
    climbs above the root or holds a NUL."""
    decoded = urllib.parse.unquote(urllib.parse.urlsplit(target).path if "://" in target else target)
    depth = 0
    for part in decoded.split("/"):
        depth += -1 if part == ".." else 0 if part in ("", ".") else 1
        if depth < 0:
            return True
    return "\x00" in decoded


@pytest.mark.parametrize("target", TRAVERSALS)
def test_nothing_outside_the_folder_is_served(server: Nginx, outside: None, target: str) -> None:
    """Each a 404, as from serve, but for what nginx refuses earlier with its 400."""
    path = target.format(secret=server.site.parent / "secret.txt")
    status, headers, body = fetch(server, path)
    assert status == (400 if refused_early(path) else 404)
    assert SECRET not in body
    assert GUARDED.items() <= headers.items()  # on errors too, nginx's own 400 among them


@pytest.mark.parametrize(
    "name", [LOCK_NAME, STATE_NAME, ".build-manifest", ".publish.lock", "archive.sqlite", "logs/access.log"]
)
def test_the_builds_state_is_never_sent(server: Nginx, name: str) -> None:
    status, headers, body = fetch(server, "/" + name)
    assert (status, headers["content-type"], body) == (404, "text/plain; charset=utf-8", b"404 Not Found\n")


def test_only_get_and_head(server: Nginx) -> None:
    status, headers, _ = fetch(server, "/rss.xml", method="POST")
    assert (status, headers["allow"]) == (405, "GET, HEAD")
    status, headers, body = fetch(server, "/rss.xml", method="HEAD")
    assert (status, body, headers["content-type"]) == (200, b"", "application/rss+xml; charset=utf-8")


def test_check_passes_against_nginx(server: Nginx, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", server.url]) == 0, capsys.readouterr().out
    assert capsys.readouterr().out.endswith(" checks hold\n")


def test_reader_polls_through_nginx_and_its_second_update_is_304(
    server: Nginx, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On an nginx of its own, stopped before its access log is read, so that every line is in it."""
    reader_module = pytest.importorskip("reader")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    with readable_prefix("nginx-reader") as prefix:
        shutil.copytree(server.site, prefix / "public", symlinks=True)
        with running(prefix, free_port()) as own:
            reader = reader_module.make_reader(":memory:")
            try:
                for name in FEEDS:
                    reader.add_feed(own.url + name)
                reader.update_feeds(scheduled=False)
                reader.update_feeds(scheduled=False)
                for name in FEEDS:
                    feed = reader.get_feed(own.url + name)
                    assert feed.last_exception is None, name
                    assert len(list(reader.get_entries(feed=feed))) > 0, name
            finally:
                reader.close()
        polls = Counter((target, status) for _, target, status in own.logged() if target != "/")
        assert polls == Counter({(f"/{name}", status): 1 for name in FEEDS for status in ("200", "304")})
