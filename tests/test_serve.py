"""The HTTP server, exercised over 127.0.0.1 by raw sockets, http.client, feedparser and reader."""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import gzip
import http.client
import importlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import feedparser
import pytest
from helpers.paths import SEED
from helpers.serving import (
    Served,
    connect,
    fetch,
    plant_outside,
    raw,
    read_to_end,
    request,
    start,
    stop,
)

from centralasia_feed import FeedConfig, build
from centralasia_feed._connections import client_of
from centralasia_feed.errors import ConfigError, ServeError
from centralasia_feed.publish import BuildState, Publication
from centralasia_feed.serve import (
    SECURITY_HEADERS,
    accepts_gzip,
    address_note,
    make_server,
    none_match,
    request_path,
)

serve_module = importlib.import_module("centralasia_feed.serve")  # the package's serve is the function
FEEDS = ("rss.xml", "atom.xml", "feed.json")
SECRET = b"TOP-SECRET-OUTSIDE-ROOT-7f3a"


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback traffic must never be sent to a proxy a developer happens to have configured."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("rss.xml", "application/rss+xml; charset=utf-8"),
        ("atom.xml", "application/atom+xml; charset=utf-8"),
        ("feed.json", "application/feed+json; charset=utf-8"),
        ("rates.json", "application/feed+json; charset=utf-8"),
        ("index.html", "text/html; charset=utf-8"),
    ],
)
def test_files_are_served_with_their_media_type(served: Served, name: str, content_type: str) -> None:
    status, headers, body = fetch(served, "/" + name)
    assert (status, headers["content-type"]) == (200, content_type)
    assert body == (served.root / name).read_bytes()
    assert headers["content-length"] == str(len(body))


def test_every_file_may_be_read_by_any_page(served: Served) -> None:
    """CORS: a browser-side reader or widget on another site reads the feeds, the rates and the
    landing page (to discover the feeds); a 304 says so too, as the cached response it renews did."""
    (served.root / "rates.csv").write_bytes(b"date,pair,value\n")
    for name in (*FEEDS, "rates.json", "rates.csv", "index.html"):
        status, headers, _ = fetch(served, "/" + name, {"Origin": "https://reader.example"})
        assert (status, headers["access-control-allow-origin"]) == (200, "*"), name
        again = fetch(served, "/" + name, {"If-None-Match": headers["etag"]})
        assert (again[0], again[1]["access-control-allow-origin"]) == (304, "*"), name


def test_a_csv_file_is_text_and_gzipped(served: Served) -> None:
    (served.root / "rates.csv").write_bytes(b"date,pair,value\n2025-01-05,KZT/USD,0.00191\n")
    status, headers, body = fetch(served, "/rates.csv", {"Accept-Encoding": "gzip"})
    assert (status, headers["content-type"], headers["content-encoding"]) == (
        200,
        "text/csv; charset=utf-8",
        "gzip",
    )
    assert gzip.decompress(body) == (served.root / "rates.csv").read_bytes()


def test_root_is_the_index_page(served: Served) -> None:
    status, headers, body = fetch(served, "/")
    assert (status, headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert body == (served.root / "index.html").read_bytes()


def test_every_file_has_validators(served: Served) -> None:
    for name in (*FEEDS, "rates.json", "index.html"):
        _, headers, _ = fetch(served, "/" + name)
        mtime = int((served.root / name).stat().st_mtime)
        assert headers["etag"].startswith('"') and headers["etag"].endswith('"')  # strong: no W/
        assert headers["last-modified"] == email.utils.formatdate(mtime, usegmt=True)
        assert headers["cache-control"] == "max-age=300"
        assert headers["vary"] == "Accept-Encoding"


@pytest.mark.parametrize(
    "header",
    ["{etag}", "W/{etag}", '"nope", {etag}', '"a",W/"b" , {etag} ', "*", '"a", "b"'],
)
def test_if_none_match(served: Served, header: str) -> None:
    _, first, body = fetch(served, "/rss.xml")
    value = header.format(etag=first["etag"])
    status, headers, again = fetch(served, "/rss.xml", {"If-None-Match": value})
    if first["etag"] in value or value == "*":
        assert (status, again) == (304, b"")
        assert headers["etag"] == first["etag"]
        assert headers["last-modified"] == first["last-modified"]
        assert headers["cache-control"] == first["cache-control"]
        assert headers["vary"] == "Accept-Encoding"
    else:
        assert (status, again) == (200, body)


def test_if_modified_since(served: Served) -> None:
    _, first, body = fetch(served, "/atom.xml")
    stamp = first["last-modified"]
    assert fetch(served, "/atom.xml", {"If-Modified-Since": stamp})[:3:2] == (304, b"")
    earlier = email.utils.formatdate(email.utils.parsedate_to_datetime(stamp).timestamp() - 3600, usegmt=True)
    assert fetch(served, "/atom.xml", {"If-Modified-Since": earlier})[::2] == (200, body)
    assert fetch(served, "/atom.xml", {"If-Modified-Since": "not a date"})[::2] == (200, body)


@pytest.mark.parametrize(
    "header",
    [
        "{stamp}, {stamp}",  # two dates in one field line: RFC 9110 13.1.3 says ignore it
        "Sat, 01 Jan 99999999999999999999 00:00:00 GMT",
        "Sat, 01 Jan 2000 00:00:00 +99999999999999999999",
        "{stamp} trailing",
        "",
    ],
)
def test_an_invalid_if_modified_since_is_ignored(served: Served, header: str) -> None:
    _, first, body = fetch(served, "/atom.xml")
    value = header.format(stamp=first["last-modified"])
    assert fetch(served, "/atom.xml", {"If-Modified-Since": value})[::2] == (200, body)


def test_the_obsolete_date_forms_are_understood(served: Served) -> None:
    modified = email.utils.parsedate_to_datetime(fetch(served, "/atom.xml")[1]["last-modified"])
    later = modified + dt.timedelta(minutes=1)  # the site's files are an hour old: still in the past
    for form in ("%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"):  # RFC 850, asctime
        assert fetch(served, "/atom.xml", {"If-Modified-Since": later.strftime(form)})[0] == 304, form


def test_an_if_modified_since_in_the_future_is_ignored(served: Served) -> None:
    """RFC 9110 13.1.3: a date later than the server's clock is invalid. Honoured, a client that
    sent tomorrow's date would miss every change made until then."""
    _, first, body = fetch(served, "/atom.xml")
    assert fetch(served, "/atom.xml", {"If-Modified-Since": first["last-modified"]})[0] == 304
    tomorrow = email.utils.formatdate(time.time() + 86400, usegmt=True)
    assert fetch(served, "/atom.xml", {"If-Modified-Since": tomorrow})[::2] == (200, body)


def test_a_file_changed_this_second_has_no_date_yet(served: Served) -> None:
    """Another change within the same second would carry the same whole-second date, so a reader
    that polls with If-Modified-Since alone would miss it: the date waits for the second to pass."""
    path = served.root / "atom.xml"
    os.utime(path, (time.time() + 5, time.time() + 5))  # "this second", beyond any slow test's reach
    status, headers, body = fetch(served, "/atom.xml")
    assert status == 200 and "last-modified" not in headers and headers["etag"]
    far_future = "Fri, 01 Jan 2100 00:00:00 GMT"
    assert fetch(served, "/atom.xml", {"If-Modified-Since": far_future})[::2] == (200, body)
    assert fetch(served, "/atom.xml", {"If-None-Match": headers["etag"]})[0] == 304


def test_if_none_match_takes_precedence_over_if_modified_since(served: Served) -> None:
    _, first, body = fetch(served, "/atom.xml")
    headers = {"If-None-Match": '"stale"', "If-Modified-Since": first["last-modified"]}
    assert fetch(served, "/atom.xml", headers)[::2] == (200, body)


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml"])
def test_feedparser_gets_304_on_its_second_poll(served: Served, name: str) -> None:
    first = feedparser.parse(served.url + name)
    assert (first.status, first.bozo) == (200, False)
    assert len(first.entries) == len(feedparser.parse((served.root / name).read_bytes()).entries) > 0
    second = feedparser.parse(served.url + name, etag=first.etag, modified=first.modified)
    assert second.status == 304
    assert not second.entries


def expected_items(root: Path, name: str) -> list[tuple[str, str]]:
    """(id, title) of every item, read from the file by an independent parser."""
    if name.endswith(".json"):
        items = json.loads((root / name).read_bytes())["items"]
        return sorted((item["id"], item["title"]) for item in items)
    entries = feedparser.parse((root / name).read_bytes()).entries
    return sorted((entry.id, entry.title) for entry in entries)


def test_reader_subscribes_and_its_second_update_is_304(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    reader_module = pytest.importorskip("reader")
    reader = reader_module.make_reader(":memory:")
    caplog.set_level(logging.WARNING, logger="reader")
    try:
        urls = [served.url + name for name in FEEDS]
        for url in urls:
            reader.add_feed(url)
        reader.update_feeds(scheduled=False)
        before = len(served.lines)
        reader.update_feeds(scheduled=False)
        second = served.lines[before:]
        for name, url in zip(FEEDS, urls, strict=True):
            assert [line.split()[-2] for line in second if f" /{name} " in line] == ["304"]
            assert reader.get_feed(url).last_exception is None
            stored = sorted((entry.id, entry.title) for entry in reader.get_entries(feed=url))
            assert stored == expected_items(served.root, name)
        assert [record.getMessage() for record in caplog.records] == []  # e.g. no "bozo feed" warning
    finally:
        reader.close()


@pytest.fixture
def outside(site: Path) -> Path:
    """A secret beside the served folder, and symlinks inside it that point out."""
    return plant_outside(site, SECRET)


TRAVERSALS = [
    "/../secret.txt",
    "/../../secret.txt",
    "/./../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/.%2e/secret.txt",
    "/..%2fsecret.txt",
    "/%2e%2e%2fsecret.txt",
    "/%2e%2e%2Fsecret.txt",
    "/%252e%252e/secret.txt",
    "/%252e%252e%252fsecret.txt",
    "/..%5csecret.txt",
    "/..\\secret.txt",
    "/%5c..%5csecret.txt",
    "/%c0%ae%c0%ae/secret.txt",
    "/%ef%bc%8e%ef%bc%8e/secret.txt",
    "/..;/secret.txt",
    "/rss.xml/../../secret.txt",
    "/link.txt",
    "/outside/secret.txt",
    "/.rss.xml.abc123.tmp",
    "/%2erss.xml.abc123.tmp",
    "/.hidden/",
    "/.hidden/index.html",
    "/%00",
    "/secret.txt%00",
    "/rss.xml%00.txt",
    "//../secret.txt",
    "http://127.0.0.1/../secret.txt",
    "/{secret}",
    "/%2f{secret}",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_nothing_outside_the_folder_is_served(served: Served, outside: Path, target: str) -> None:
    request = f"GET {target.format(secret=outside)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    response = raw(served, request.encode())
    assert status_of(response) == 404
    assert SECRET not in response


def test_raw_control_bytes_in_the_target_are_refused(served: Served, outside: Path) -> None:
    for target in (b"/\x00", b"/../secret.txt\x00", b"/\xc0\xae\xc0\xae/secret.txt", b"\\..\\secret.txt"):
        response = raw(served, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert status_of(response) in (400, 404)
        assert SECRET not in response
    assert fetch(served, "/rss.xml")[0] == 200


def test_request_path_decodes_once() -> None:
    assert request_path("/rss%2exml?x=1") == ("rss.xml",)
    assert request_path("/a/%2e%2e/b") is None
    assert request_path("/%252e%252e/b") == ("%2e%2e", "b")
    assert request_path("rss.xml") is None


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"])
def test_other_methods_are_not_allowed(served: Served, built_site: Path, method: str) -> None:
    status, headers, _ = fetch(served, "/rss.xml", method=method)
    assert (status, headers["allow"]) == (405, "GET, HEAD")
    assert (served.root / "rss.xml").read_bytes() == (built_site / "rss.xml").read_bytes()


def test_an_unknown_method_is_not_implemented(served: Served) -> None:
    status, headers, _ = fetch(served, "/rss.xml", method="FOO")
    assert status == 501 and "allow" not in headers  # RFC 9110 9.1


def test_an_http_1_1_request_without_host_is_a_bad_request(served: Served) -> None:
    response = raw(served, b"GET /rss.xml HTTP/1.1\r\n\r\n")
    assert status_of(response) == 400 and b"\r\nConnection: close\r\n" in response
    assert status_of(raw(served, b"GET /rss.xml HTTP/1.0\r\n\r\n")) == 200  # 1.0 has no Host rule


@pytest.mark.parametrize("version", ["HTTP/1.1", "HTTP/1.0"])
def test_two_host_headers_are_a_bad_request(served: Served, version: str) -> None:
    """RFC 9112 3.2: a 400 for any request with more than one Host line, whichever version."""
    response = raw(served, f"GET /rss.xml {version}\r\nHost: a\r\nHost: b\r\n\r\n".encode())
    assert status_of(response) == 400 and b"\r\nConnection: close\r\n" in response


def test_an_http_0_9_request_is_refused_with_a_status_line(served: Served) -> None:
    """HTTP/0.9 has no status line and no headers: "GET /rss.xml" alone was answered with the bare
    feed, no type, no validators. RFC 9112 3 calls a request line without a version invalid (400)."""
    for sent in (b"GET /rss.xml\r\n", b"GET /rss.xml\r\n\r\n", b"HEAD /rss.xml\r\n\r\n"):
        response = raw(served, sent)
        assert response.startswith(b"HTTP/1.1 400 Bad Request\r\n"), response[:100]
        assert b"\r\nConnection: close\r\n" in response and b"<rss" not in response
    assert served.lines[-1] == "127.0.0.1 - /rss.xml 400 16"


def test_every_response_carries_the_security_headers(served: Served) -> None:
    """A policy that lets the landing page do nothing but show itself, and no sniffing, on every
    response: files, 304s, errors, and the error pages http.server writes itself."""
    _, first, _ = fetch(served, "/rss.xml")
    responses = [fetch(served, path, headers, method)[1] for path, headers, method in [
        ("/", {}, "GET"), ("/rss.xml", {"If-None-Match": first["etag"]}, "GET"), ("/atom.xml", {}, "HEAD"),
        ("/missing.xml", {}, "GET"), ("/rss.xml", {}, "DELETE"), ("/rss.xml", {}, "FOO")]]  # fmt: skip
    for response in [first, *responses]:
        assert {name.lower(): value for name, value in SECURITY_HEADERS.items()}.items() <= response.items()
    for sent in (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n"):
        head = raw(served, sent).split(b"\r\n\r\n", 1)[0]
        assert all(f"\r\n{name}: {value}".encode() in head for name, value in SECURITY_HEADERS.items())
    assert "frame-ancestors 'none'" in SECURITY_HEADERS["Content-Security-Policy"]


@pytest.mark.parametrize(("method", "status"), [("POST", 405), ("GET", 200)])
def test_a_request_body_is_not_taken_for_a_request(served: Served, method: str, status: int) -> None:
    smuggled = b"GET /rss.xml HTTP/1.1\r\nHost: x\r\n\r\n"
    head = f"{method} /atom.xml HTTP/1.1\r\nHost: x\r\nContent-Length: {len(smuggled)}\r\n\r\n".encode()
    response = raw(served, head + smuggled)
    assert response.count(b"HTTP/1.1 ") == 1 and status_of(response) == status
    assert b"\r\nConnection: close\r\n" in response


@pytest.mark.parametrize("name", [*FEEDS, "rates.json", "index.html"])
def test_gzip_round_trips_with_its_own_etag(served: Served, name: str) -> None:
    _, plain, body = fetch(served, "/" + name)
    status, zipped, packed = fetch(served, "/" + name, {"Accept-Encoding": "gzip, deflate"})
    assert (status, zipped["content-encoding"], zipped["vary"]) == (200, "gzip", "Accept-Encoding")
    assert gzip.decompress(packed) == body == (served.root / name).read_bytes()
    assert zipped["content-length"] == str(len(packed))
    assert zipped["etag"] != plain["etag"]
    assert fetch(served, "/" + name, {"Accept-Encoding": "gzip"})[2] == packed  # deterministic
    again = fetch(served, "/" + name, {"Accept-Encoding": "gzip", "If-None-Match": zipped["etag"]})
    assert again[0] == 304 and again[1]["etag"] == zipped["etag"]
    assert fetch(served, "/" + name, {"If-None-Match": zipped["etag"]})[0] == 200  # not this variant


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("GZIP;q=0.5", True),
        ("deflate, gzip;q=1.0, br", True),
        ("*", True),
        ("x-gzip", True),
        ("gzip;q=0", False),
        ("gzip;q=0.000", False),
        ("gzip;q=0, *", False),
        ("identity", False),
        ("", False),
        (None, False),
        ("gzip;q=bogus", False),
        ("gzip;Q=0.5", True),  # parameter names are case-insensitive
        ("gzip ; q=0.5 ", True),
        ("gzip;q=1.5", False),  # not a qvalue: the element is ignored
        ("gzip;q=0.0001", False),
        ("*;q=1.000", True),
    ],
)
def test_accepts_gzip(header: str | None, expected: bool) -> None:
    assert accepts_gzip(header) is expected


def test_padded_headers_are_parsed_in_one_pass() -> None:
    """Each of these took seconds to minutes when a pattern backtracked or a list was re-sliced."""
    assert not accepts_gzip("gzip" + " " * 200_000 + "x")
    assert accepts_gzip("x" + " " * 200_000 + ", gzip")
    assert not none_match("," * 200_000, '"b"')
    assert none_match("," * 200_000 + '"b"', '"b"')
    assert not none_match(" " * 200_000 + "x", '"b"')


def test_none_match_rules() -> None:
    assert none_match('"a", W/"b"', '"b"')
    assert none_match("*", '"b"')
    assert none_match(' , "a",, "b" ,', '"b"')  # empty list elements are allowed
    assert not none_match('"a" "b"', '"b"')
    assert not none_match('"ab"', '"b"')
    assert not none_match("b", '"b"')  # an unquoted tag is malformed, not a match


def test_head_has_the_headers_of_get_and_no_body(served: Served) -> None:
    _, get_headers, body = fetch(served, "/feed.json", {"Accept-Encoding": "gzip"})
    request = b"HEAD /feed.json HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n"
    response = raw(served, request)
    head, _, rest = response.partition(b"\r\n\r\n")
    assert (status_of(head), rest) == (200, b"")
    assert f"content-length: {len(body)}".encode() in head.lower()
    assert f"etag: {get_headers['etag']}".encode() in head.lower()


def test_head_then_get_on_one_connection(served: Served) -> None:
    """A HEAD that leaked a body would corrupt the next response on a kept-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", served.server.server_port, timeout=10)
    try:
        conn.request("HEAD", "/rss.xml")
        assert conn.getresponse().read() == b""
        conn.request("GET", "/rss.xml")
        assert conn.getresponse().read() == (served.root / "rss.xml").read_bytes()
    finally:
        conn.close()


def test_a_rebuild_is_served_without_a_restart(served: Served) -> None:
    _, first, old = fetch(served, "/rss.xml")
    new = old.replace(b"Resigns", b"Resigns (updated)")
    with Publication(served.root) as folder, folder.locked():
        folder.write("rss.xml", new)
        assert folder.commit(BuildState("a-revision", "a-salt", 50, 6)) == ("rss.xml",)
    status, second, body = fetch(served, "/rss.xml")
    assert (status, body) == (200, new)
    assert second["etag"] != first["etag"]
    assert fetch(served, "/rss.xml", {"If-None-Match": first["etag"]})[::2] == (200, new)


def test_directories_serve_their_index_and_are_never_listed(served: Served) -> None:
    (served.root / "archive").mkdir()
    (served.root / "archive" / "index.html").write_bytes(b"<p>archive</p>")
    (served.root / "empty").mkdir()
    (served.root / "empty" / "page.html").write_bytes(b"<p>page</p>")
    assert fetch(served, "/archive/")[::2] == (200, b"<p>archive</p>")
    status, headers, _ = fetch(served, "/archive")
    assert (status, headers["location"]) == (301, "/archive/")
    assert fetch(served, "/empty/")[0] == 404
    assert fetch(served, "/empty")[0] == 404
    assert fetch(served, "/archive?page=2&x=%20")[1]["location"] == "/archive/?page=2&x=%20"
    escaped = raw(served, b"GET /archive?\x1b[31m HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert b"\r\nLocation: /archive/?%1B%5B31m\r\n" in escaped


@pytest.mark.parametrize("target", ["/index.html/", "/rss.xml/", "/rss.xml/?x=1"])
def test_a_file_named_as_a_folder_is_not_found(served: Served, target: str) -> None:
    """Served, its page's relative links (rss.xml) would resolve under it, to nothing."""
    assert fetch(served, target)[0] == 404


def test_other_files_have_no_charset_and_no_vary(served: Served) -> None:
    (served.root / "data.bin").write_bytes(b"\x00\x01")
    status, headers, body = fetch(served, "/data.bin", {"Accept-Encoding": "gzip"})
    assert (status, headers["content-type"], body) == (200, "application/octet-stream", b"\x00\x01")
    assert "vary" not in headers and "content-encoding" not in headers


def test_many_clients_at_once(served: Served) -> None:
    expected = {name: (served.root / name).read_bytes() for name in (*FEEDS, "index.html")}

    def client(number: int) -> list[bool]:
        names = list(expected)
        return [fetch(served, "/" + names[(number + i) % 4])[::2] == (200, expected[names[(number + i) % 4]])
                for i in range(10)]  # fmt: skip

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = [ok for oks in pool.map(client, range(20)) for ok in oks]
    assert results == [True] * 200


def test_over_long_lines_get_an_error_and_serving_goes_on(served: Served) -> None:
    size = (served.root / "rss.xml").stat().st_size
    assert status_of(raw(served, b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n")) == 414
    header = b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n"
    assert status_of(raw(served, header)) == 431
    many = b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(150)) + b"\r\n"
    assert status_of(raw(served, many)) == 431
    assert status_of(raw(served, b"GET / junk HTTP/1.1\r\n\r\n")) == 400
    assert fetch(served, "/rss.xml")[0] == 200
    assert [line.split()[-2:] for line in served.lines] == [["414", "-"], ["431", "-"], ["431", "-"],
                                                           ["400", "-"], ["200", str(size)]]  # fmt: skip


def test_a_silent_client_does_not_block_others(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.server.server_port), timeout=10) as silent:
        silent.sendall(b"GET /rss")  # and then nothing more
        for name in FEEDS:
            assert fetch(served, "/" + name)[0] == 200


def test_an_idle_connection_is_closed_after_the_timeout(site: Path) -> None:
    running, thread = start(site, timeout=0.2)
    try:
        with socket.create_connection(("127.0.0.1", running.server.server_port), timeout=10) as idle:
            assert idle.recv(1024) == b""  # the server hung up; it did not wait forever
        assert fetch(running, "/rss.xml")[0] == 200
    finally:
        stop(running, thread)


def test_one_log_line_per_request(served: Served) -> None:
    fetch(served, "/rss.xml")
    fetch(served, "/missing.xml")
    fetch(served, "/rss.xml", method="DELETE")
    size = (served.root / "rss.xml").stat().st_size
    assert served.lines == [
        f"127.0.0.1 GET /rss.xml 200 {size}",
        "127.0.0.1 GET /missing.xml 404 14",
        "127.0.0.1 DELETE /rss.xml 405 23",
    ]


def test_log_lines_escape_control_characters(served: Served) -> None:
    raw(served, b"GET /a%0a\x1b[31m HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert served.lines == ["127.0.0.1 GET /a%0a\\x1b[31m 404 14"]


def test_url_and_loopback_default(site: Path) -> None:
    server = make_server(site, port=0)
    try:
        assert server.server_address[0] == "127.0.0.1"
        assert server.url == f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.server_close()


def test_a_bad_folder_is_a_config_error_and_a_busy_port_a_serve_error(site: Path) -> None:
    with pytest.raises(ConfigError, match="not a folder"):
        make_server(site / "missing", port=0)
    with make_server(site, port=0) as busy, pytest.raises(ServeError, match="cannot listen") as caught:
        make_server(site, port=busy.server_port)
    assert caught.value.address == f"127.0.0.1:{busy.server_port}" and isinstance(caught.value, OSError)


def test_ctrl_c_stops_serve_cleanly(site: Path) -> None:
    code = "import sys; from centralasia_feed.serve import serve; serve(sys.argv[1], port=0, log=print)"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(Path(__file__).parent.parent)}
    with subprocess.Popen([sys.executable, "-c", code, site.name], cwd=site.parent, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:  # fmt: skip
        try:
            assert process.stdout is not None
            first = process.stdout.readline()
            assert first.startswith(f"serving {site.name} at http://127.0.0.1:")  # as named, not resolved
            url = first.split(" at ")[1].split()[0]
            port = int(url.rsplit(":", 1)[1].strip("/"))
            second = process.stdout.readline()  # read here: it may sit in this pipe's buffer already
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/atom.xml")
            response = conn.getresponse()
            assert (response.status, response.read()) == (200, (site / "atom.xml").read_bytes())
            conn.close()
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0
    assert err == ""
    size = (site / "atom.xml").stat().st_size
    assert second == (  # once, as it starts: the site was built for the default address, port 8000
        f"note: the feeds in {site.name} name http://127.0.0.1:8000/ as their address, not {url}: readers "
        f"that subscribe here will poll there; to serve them here, rebuild with --feed-url {url}\n"
    )
    assert out.splitlines() == [f"127.0.0.1 GET /atom.xml 200 {size}", "stopped"]


@pytest.mark.parametrize(
    ("built_for", "served_at", "suggested"),
    [
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/", None),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8001/", "http://127.0.0.1:8001/"),
        ("http://localhost:8000/", "http://127.0.0.1:8000/", "http://127.0.0.1:8000/"),
        ("https://feeds.example.org/ca/", "http://127.0.0.1:8000/", "http://127.0.0.1:8000/"),
        ("http://[::1]:8000/", "http://[::1]:8000/", None),
        ("http://feeds.example.org:8000/", "http://0.0.0.0:8000/", None),  # any host may be this one
        ("http://feeds.example.org:8000/", "http://0.0.0.0:8080/", "http://feeds.example.org:8080/"),
        ("http://[2001:db8::1]:8000/", "http://[::]:8080/", "http://[2001:db8::1]:8080/"),
    ],
)
def test_serve_names_the_feed_url_to_rebuild_with_when_the_feeds_name_another_address(
    tmp_path: Path, built_for: str, served_at: str, suggested: str | None
) -> None:
    build([SEED], tmp_path / "public", FeedConfig(feed_url=built_for))
    note = address_note(tmp_path / "public", served_at)
    if suggested is None:
        assert note is None
    else:
        assert note == (
            f"note: the feeds in {tmp_path / 'public'} name {built_for} as their address, not {suggested}: "
            "readers that subscribe here will poll there; to serve them here, rebuild with --feed-url "
            + suggested
        )
    assert address_note(tmp_path / "nothing", served_at) is None  # no feeds, nothing to say


def test_the_cache_keeps_only_the_newest_files_up_to_its_size(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_module = importlib.import_module("centralasia_feed.serve")  # the package exports serve()
    monkeypatch.setattr(serve_module, "CACHE_BYTES", 1)
    for name in ("rss.xml", "atom.xml", "feed.json"):
        assert fetch(served, "/" + name)[0] == 200
    assert list(served.server._cache) == [served.root.resolve() / "feed.json"]
    assert fetch(served, "/rss.xml")[0] == 200  # read again, and served the same


# Pinned after a review's mutation testing found no test that would notice them change.


def test_the_second_a_file_changed_in_has_no_date_until_it_is_over(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    mtime = int((served.root / "rss.xml").stat().st_mtime)
    monkeypatch.setattr(serve_module.time, "time", lambda: mtime + 0.5)
    assert "last-modified" not in fetch(served, "/rss.xml")[1]
    monkeypatch.setattr(serve_module.time, "time", lambda: mtime + 1.0)
    assert fetch(served, "/rss.xml")[1]["last-modified"] == email.utils.formatdate(mtime, usegmt=True)


def test_two_if_modified_since_lines_are_ignored(served: Served) -> None:
    """RFC 9110 13.1.3: a field with more than one member is invalid; two lines make two members."""
    stamp = fetch(served, "/rss.xml")[1]["last-modified"].encode()
    head = b"GET /rss.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    twice = head + b"If-Modified-Since: " + stamp + b"\r\nIf-Modified-Since: " + stamp + b"\r\n\r\n"
    assert status_of(raw(served, twice)) == 200
    assert status_of(raw(served, head + b"If-Modified-Since: " + stamp + b"\r\n\r\n")) == 304


def test_a_backslash_in_a_path_is_never_served() -> None:
    assert request_path("/a%5cb") is None and request_path("/a\\b") is None


def test_gzip_bytes_do_not_depend_on_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The gzip ETag is derived from the plain bytes' digest: the compressed bytes must not vary."""
    data = b"<rss>" + b"x" * 1000 + b"</rss>"
    monkeypatch.setattr(time, "time", lambda: 1_000_000_000.0)
    first = serve_module._resource(data, "rss.xml", 0).gzipped
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)
    assert first is not None and first == serve_module._resource(data, "rss.xml", 0).gzipped


def test_a_file_rewritten_in_place_is_served_anew(served: Served) -> None:
    """Same inode, same size, new bytes and time (not through publish): not the cached old bytes."""
    path = served.root / "rss.xml"
    old = fetch(served, "/rss.xml")[2]
    new = old.replace(b"<rss", b"<RSS", 1)
    with open(path, "r+b") as handle:
        handle.write(new)
    os.utime(path, (path.stat().st_mtime + 7, path.stat().st_mtime + 7))
    assert fetch(served, "/rss.xml")[2] == new


@contextlib.contextmanager
def busy(served: Served, source: str = "127.0.0.1") -> Iterator[socket.socket]:
    """A connection whose response is under way and stalled: its client reads the status line, then
    nothing more of 20 MB, so its thread is busy sending, not waiting for a request."""
    big = served.root / "big.bin"
    if not big.exists():
        big.write_bytes(b"a" * 20_000_000)
    with connect(served, source) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(12) == b"HTTP/1.1 200"
        yield sock


def test_past_max_connections_a_reader_gets_a_503_with_retry_after(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each open connection holds a thread: a flood must not spawn a thread each. When every slot is
    busy answering, the one past the cap is told, at once, when to come back; a freed slot serves again."""
    served, thread = start(site, max_connections=1)
    freed, forget = threading.Event(), served.server.connections.forget

    def forgetting(sock: socket.socket) -> None:
        forget(sock)
        freed.set()  # a connection's thread ended and left the books: its slot is free

    monkeypatch.setattr(served.server.connections, "forget", forgetting)
    try:
        with busy(served):
            with connect(served) as refused:
                reply = refused.recv(4096)  # without sending a request: the refusal comes at once
                assert reply.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
                assert b"\r\nRetry-After: 5\r\n" in reply and reply.endswith(b"\r\n\r\n")
                assert b"\r\nX-Content-Type-Options: nosniff\r\n" in reply
                assert refused.recv(4096) == b""  # and the connection is closed
        assert freed.wait(10)  # the busy connection's thread sees it closed and frees its slot
        assert fetch(served, "/rss.xml")[0] == 200
        assert "127.0.0.1 refused with 503: too many connections open" in served.lines
    finally:
        stop(served, thread)
    for field in ("max_connections", "max_per_client"):
        with pytest.raises(ConfigError) as caught:
            make_server(site, port=0, **{field: 0})
        assert str(caught.value) == f"{field} must be at least 1, not 0"


def test_when_full_the_longest_waiting_connection_makes_room(site: Path) -> None:
    """A connection waiting for a request (idle, or sending one slowly) holds its slot only until a
    new one needs it, as nginx reuses idle connections: the fresh client is served, not refused."""
    served, thread = start(site, max_connections=2)
    try:
        with connect(served) as idle, connect(served) as slow:
            slow.sendall(b"GET /rss.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n")
            assert fetch(served, "/atom.xml")[0] == 200
            assert idle.recv(1024) == b""  # dropped, with no response
            slow.sendall(b"\r\n")  # the slow one, newer, was left to finish
            assert read_to_end(slow).startswith(b"HTTP/1.1 200 OK\r\n")
        assert served.lines[0] == "127.0.0.1 dropped while waiting for a request: too many connections open"
        assert [line.split()[2] for line in served.lines[1:]] == ["/atom.xml", "/rss.xml"]
    finally:
        stop(served, thread)


def test_a_kept_alive_connection_between_requests_makes_room_too(site: Path) -> None:
    served, thread = start(site, max_connections=1)
    try:
        with connect(served) as kept:
            kept.sendall(b"GET /rss.xml HTTP/1.1\r\nHost: x\r\n\r\n")
            assert kept.recv(12) == b"HTTP/1.1 200"
            for _ in range(1000):  # busy until its thread has written the last byte, a moment after
                status = fetch(served, "/atom.xml")[0]  # the client has it: 503s until then
                if status != 503:
                    break
            assert status == 200  # the kept connection gave way
        assert "127.0.0.1 dropped while waiting for a request: too many connections open" in served.lines
    finally:
        stop(served, thread)


def test_one_address_cannot_take_every_slot(site: Path) -> None:
    """Past max_per_client busy connections from one address, that address gets 503s, and the
    others are still served."""
    served, thread = start(site, max_per_client=1)
    try:
        with busy(served), connect(served) as refused:
            assert refused.recv(4096).startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
            assert request(served.server.server_port, "/rss.xml", source="127.0.0.2")[0] == 200
        assert "127.0.0.1 refused with 503: too many connections from this address" in served.lines
    finally:
        stop(served, thread)


@pytest.mark.parametrize(
    ("address", "client"),
    [
        (("192.0.2.7", 1), "192.0.2.7"),
        (("::ffff:192.0.2.7", 1, 0, 0), "192.0.2.7"),
        (("2001:db8:1:2:aaaa::1", 1, 0, 0), "2001:db8:1:2::/64"),
        (("2001:db8:1:2:bbbb::9", 1, 0, 0), "2001:db8:1:2::/64"),
        (("fe80::1%eth0", 1, 0, 2), "fe80::/64"),
    ],
)
def test_an_ipv6_client_is_counted_by_its_64(address: tuple[object, ...], client: str) -> None:
    """One subscriber is handed a whole /64: counted by address, it could take every slot alone."""
    assert client_of(address) == client


class _Vanished:
    """A connection whose client is gone: every write fails, as a reset one's does."""

    closed = False

    def settimeout(self, seconds: float) -> None:
        pass

    def sendall(self, data: bytes) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    def shutdown(self, how: int) -> None:
        raise OSError(107, "Transport endpoint is not connected")

    def close(self) -> None:
        self.closed = True


def test_a_refusal_that_cannot_be_sent_still_closes_the_connection(site: Path) -> None:
    lines: list[str] = []
    server = make_server(site, port=0, log=lines.append)
    try:
        vanished = _Vanished()
        server._refuse(vanished, ("127.0.0.1", 2), "too many connections open")  # the 503 cannot be written
        assert vanished.closed
        assert lines == ["127.0.0.1 refused with 503: too many connections open"]
    finally:
        server.server_close()


def test_a_connection_whose_thread_cannot_start_gives_its_slot_back(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Out of threads, the connection fails (the server loop closes it) and the next one is served."""
    served, thread = start(site, max_connections=1)

    def cannot_start(thread: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    try:
        client, request = socket.socketpair()
        with client, request, monkeypatch.context() as patched:
            patched.setattr(threading.Thread, "start", cannot_start)
            with pytest.raises(RuntimeError):
                served.server.process_request(request, ("127.0.0.1", 1))
        assert fetch(served, "/rss.xml")[0] == 200  # not a 503: the failed connection's slot is free
    finally:
        stop(served, thread)
