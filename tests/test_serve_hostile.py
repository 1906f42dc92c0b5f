"""What tests/test_serve.py leaves out: traversal in more encodings, symlink loops and FIFOs, huge
header values, clients that dribble, never read or just hold connections open. None of them may
take the server down, stall other clients, or leak a byte from outside the folder."""

from __future__ import annotations

import contextlib
import os
import socket
from contextlib import ExitStack
from pathlib import Path

import pytest
from helpers.serving import Served, connect, fetch, raw, read_to_end, request, start, stop

from centralasia_feed.serve import MAX_PER_CLIENT

SECRET = b"HOSTILE-SECRET-OUTSIDE-ROOT-91c2"


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")


@pytest.fixture
def secret(site: Path) -> Path:
    path = site.parent / "secret.txt"
    path.write_bytes(SECRET)
    return path


TRAVERSALS = [
    b"/..%c0%afsecret.txt",  # overlong UTF-8 "/"
    b"/%c0%ae%c0%ae%c0%afsecret.txt",
    b"/..%e0%80%afsecret.txt",  # three-byte overlong "/"
    b"/..%c1%9csecret.txt",  # overlong "\"
    b"/%u002e%u002e/secret.txt",  # IIS %u
    b"/%u002e%u002e%u2215secret.txt",
    b"/..%ef%bc%8fsecret.txt",  # fullwidth solidus
    b"/%ef%bc%8e%ef%bc%8e%ef%bc%8fsecret.txt",
    b"/%fe%ff%00%2e%00%2e%00%2fsecret.txt",  # UTF-16BE with a BOM
    b"/%00%2e%00%2e%00%2fsecret.txt",
    b"/..%255csecret.txt",
    b"/..%25%32%66secret.txt",
    b"/%25252e%25252e/secret.txt",
    b"/..%2F..%2F..%2Fsecret.txt",
    b"/%2E%2e/%2e%2E/secret.txt",
    b"/..%09/secret.txt",
    b"/.. /secret.txt",
    b"/..%20/secret.txt",
    b"/...%2fsecret.txt",
    b"/..%00/secret.txt",
    b"/rss.xml%2f..%2f..%2fsecret.txt",
    b"/\xff\xfe../secret.txt",
    b"/\xc0\xaf../secret.txt",
    b"/%ff%fe%2e%2e/secret.txt",
    b"/C:%5c..%5csecret.txt",
    b"/..%5c..%5csecret.txt",
    b"/;/../secret.txt",
    b"/%3b/../secret.txt",
    b"http://127.0.0.1/%2e%2e/secret.txt",
    b"http://evil.example/../secret.txt",
    b"*",
    b"secret.txt",
    b"../secret.txt",
]


@pytest.mark.parametrize("target", TRAVERSALS, ids=[t.decode("latin-1") for t in TRAVERSALS])
def test_traversal_in_other_encodings_finds_nothing(served: Served, secret: Path, target: bytes) -> None:
    response = raw(served, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert response.split(b" ", 2)[1] in (b"400", b"404")
    assert SECRET not in response


def test_symlink_loops_and_fifos_are_not_served_and_do_not_hang(served: Served, secret: Path) -> None:
    (served.root / "loop").symlink_to(served.root / "loop")
    (served.root / "a").symlink_to(served.root / "b")
    (served.root / "b").symlink_to(served.root / "a")
    (served.root / "absolute").symlink_to(secret)
    os.mkfifo(served.root / "pipe.xml")
    for name in ("loop", "a", "b", "absolute", "pipe.xml", "loop/x"):
        status, _, body = fetch(served, "/" + name)
        assert status == 404 and SECRET not in body
    assert fetch(served, "/rss.xml")[0] == 200


def test_huge_but_legal_header_values_are_answered(served: Served) -> None:
    etags = ", ".join(f'"{n}"' for n in range(6000))[:60_000]
    assert fetch(served, "/rss.xml", {"If-None-Match": etags})[0] == 200
    assert fetch(served, "/rss.xml", {"Accept-Encoding": "x;q=0.5, " * 6000})[0] == 200
    assert fetch(served, "/rss.xml", {"If-Modified-Since": "Mon, 99 Foo 99999 99:99:99 GMT"})[0] == 200
    assert fetch(served, "/rss.xml", {"Host": "\u00e9" * 100})[0] == 200


def test_a_request_dribbled_byte_by_byte_is_answered_and_others_go_on(served: Served) -> None:
    request = b"GET /rss.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    with connect(served) as slow:
        for index, byte in enumerate(request):
            slow.sendall(bytes([byte]))
            if index % 10 == 0:  # everyone else is served meanwhile
                assert fetch(served, "/atom.xml")[0] == 200
        response = read_to_end(slow)
    assert response.startswith(b"HTTP/1.1 200 ")


def test_a_client_that_never_reads_a_large_file_blocks_no_one(served: Served) -> None:
    (served.root / "big.xml").write_bytes(b"<x>" + b"a" * 20_000_000 + b"</x>")
    with connect(served) as stuck:
        stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stuck.sendall(b"GET /big.xml HTTP/1.1\r\nHost: x\r\n\r\n")  # and never reads
        for name in ("rss.xml", "atom.xml", "feed.json", "index.html"):
            assert fetch(served, "/" + name)[0] == 200


def test_many_idle_connections_at_once_do_not_starve_a_real_client(served: Served) -> None:
    with ExitStack() as stack:
        idle = [stack.enter_context(connect(served)) for _ in range(16)]
        for sock in idle[::2]:
            sock.sendall(b"GET /rss")  # half a request line, then silence
        assert fetch(served, "/rss.xml")[0] == 200
    assert fetch(served, "/feed.json")[0] == 200


def trickle(sock: socket.socket, lines: int = 100) -> bytes | None:
    """Send header lines one at a time, each after 0.1 s of silence from the server, until it ends
    the connection (what it sent, if anything) or ``lines`` have gone (None): 10 s, far past the
    timeout of the servers here. Each line resets a timeout between bytes, never a deadline."""
    sock.settimeout(0.1)
    for number in range(lines):
        try:
            return sock.recv(65536)
        except TimeoutError:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                sock.sendall(b"X-Trickle: %d\r\n" % number)
        except ConnectionResetError:  # a line came in as the server closed, unread
            return b""
    return None


def test_a_request_trickled_a_line_at_a_time_is_cut_off_at_the_timeout(site: Path) -> None:
    served, thread = start(site, timeout=0.5)
    try:
        with connect(served) as slow:
            slow.sendall(b"GET /rss.xml HTTP/1.1\r\nHost: x\r\n")
            assert trickle(slow) == b""  # cut off: closed with no response
        assert fetch(served, "/rss.xml")[0] == 200
        assert served.lines[0] == (
            "127.0.0.1 Request timed out: TimeoutError('no whole request line and headers within 0.5 s')"
        )
    finally:
        stop(served, thread)


def test_on_a_kept_connection_each_request_has_the_whole_timeout(site: Path) -> None:
    """The time starts again after each response: requests in a row are served however long the
    connection lives, and a trickled one after them is cut off all the same."""
    served, thread = start(site, timeout=0.5)
    try:
        with connect(served) as kept, kept.makefile("rb") as reader:
            for _ in range(4):
                kept.settimeout(10)
                kept.sendall(b"HEAD /rss.xml HTTP/1.1\r\nHost: x\r\n\r\n")
                assert reader.readline() == b"HTTP/1.1 200 OK\r\n"
                while reader.readline() != b"\r\n":
                    pass
                kept.settimeout(0.2)
                with pytest.raises(TimeoutError):  # 0.2 s of quiet: 0.8 s in all by the last request
                    kept.recv(1)
            kept.sendall(b"GET /rss.xml HTTP/1.1\r\nHost: x\r\n")
            assert trickle(kept) == b""
    finally:
        stop(served, thread)


def test_hundreds_of_trickling_connections_leave_room_for_a_fresh_client(served: Served) -> None:
    """300 connections, each sending a request a header line at a time, held all 256 slots, and
    every fresh client got a 503 while they lasted. Now one address holds at most MAX_PER_CLIENT
    of them and the longest-waiting gives way to the newest: a fresh client is served, from that
    address or any other (the time limit is the deadline: a few seconds, not a speed test)."""
    with ExitStack() as stack:
        tricklers = [stack.enter_context(connect(served)) for _ in range(300)]
        for round in (b"GET /rss.xml HTTP/1.1\r\nHost: x\r\n", b"X-Trickle: 1\r\n"):
            for sock in tricklers:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    sock.sendall(round)
        for source in ("127.0.0.1", "127.0.0.2"):
            assert request(served.server.server_port, "/rss.xml", source=source, timeout=5)[0] == 200
        dropped = [line for line in served.lines if "dropped while waiting for a request" in line]
        assert len(dropped) == 300 - MAX_PER_CLIENT + 1  # and the fresh client from 127.0.0.1 took one
        assert not [line for line in served.lines if " 503" in line]


def test_the_listen_backlog_takes_a_burst_of_clients(served: Served) -> None:
    """socketserver's backlog of 5 made 200 clients connecting at once wait 25 s on SYN retries."""
    assert served.server.request_queue_size >= 128


def test_garbage_instead_of_http_is_refused_and_serving_goes_on(served: Served) -> None:
    """A one-word request, binary or an unknown version: a 400 or 505, with a status line (http.server,
    taking them for HTTP/0.9, sent its error page bare)."""
    junk = [
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)) + b"\r\n\r\n",  # a TLS hello
        b"\x00" * 1000 + b"\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
    ]
    for data in junk:
        response = raw(served, data)
        assert response.startswith((b"HTTP/1.1 400 ", b"HTTP/1.1 505 ")) and b"<rss" not in response
    assert fetch(served, "/rss.xml")[0] == 200
