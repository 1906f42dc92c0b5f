"""A served output folder on 127.0.0.1, for the serve and browser tests."""

from __future__ import annotations

import http.client
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from centralasia_feed import build
from centralasia_feed.serve import MAX_CONNECTIONS, MAX_PER_CLIENT, FeedServer, make_server

from .paths import DATA, SEED

SITE_DUMPS = (SEED, *sorted((DATA / "days").glob("*.txt")))
SITE_FEEDS = (  # every feed a build of SITE_DUMPS writes, as its landing page links them
    "rss.xml",
    "atom.xml",
    "feed.json",
    "rates.xml",
    "rates.json",
    *(f"rates/{pair}-USD.{kind}" for pair in ("KGS", "KZT", "TJS", "TMT", "UZS") for kind in ("xml", "json")),
)


def build_site(folder: Path, archive: Path) -> None:
    """A real build into ``folder``: the seed and the next three days, built day by day through
    ``archive`` (so the landing page has rate charts), with the default FeedConfig, and dated as a
    reader finds a daily build: its second long over."""
    for dump in SITE_DUMPS:
        build([dump], folder, archive=archive)
    an_hour_ago = time.time() - 3600
    for path in folder.rglob("*"):
        os.utime(path, (an_hour_ago, an_hour_ago))


@dataclass
class Served:
    """A running server, the folder it serves and every line it logged."""

    server: FeedServer
    root: Path
    lines: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url


def start(
    root: Path,
    *,
    timeout: float = 10.0,
    max_connections: int = MAX_CONNECTIONS,
    max_per_client: int = MAX_PER_CLIENT,
) -> tuple[Served, threading.Thread]:
    lines: list[str] = []
    server = make_server(
        root, "127.0.0.1", 0, log=lines.append, timeout=timeout, max_connections=max_connections,
        max_per_client=max_per_client,
    )  # fmt: skip
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)  # quick shutdown
    thread.start()
    return Served(server, root, lines), thread


def stop(served: Served, thread: threading.Thread) -> None:
    served.server.shutdown()
    served.server.server_close()
    thread.join(timeout=10)


def fetch(served: Served, path: str, headers: dict[str, str] | None = None, method: str = "GET"):
    """One request on its own connection: (status, lower-cased headers, body)."""
    return request(served.server.server_port, path, headers, method)


def request(
    port: int,
    path: str,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    *,
    source: str = "127.0.0.1",
    timeout: float = 10,
):
    """One request to 127.0.0.1:``port`` on its own connection from ``source`` (Linux routes all of
    127.0.0.0/8 to the loopback: 127.0.0.2 is another client): (status, lower-cased headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def connect(served: Served, source: str = "127.0.0.1") -> socket.socket:
    return socket.create_connection(("127.0.0.1", served.server.server_port), 10, (source, 0))


def raw(served: Served, data: bytes) -> bytes:
    """Send bytes as they are and read until the server closes the connection."""
    with connect(served) as sock:
        sock.sendall(data)
        return read_to_end(sock)


def read_to_end(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def plant_outside(site: Path, secret: bytes) -> Path:
    """``secret`` in a file beside ``site``, symlinks inside it that point out, and hidden files;
    returns the secret's file."""
    path = site.parent / "secret.txt"
    path.write_bytes(secret)
    (site / "link.txt").symlink_to(path)
    (site / "outside").symlink_to(site.parent, target_is_directory=True)
    (site / ".rss.xml.abc123.tmp").write_bytes(secret)
    (site / ".hidden").mkdir()
    (site / ".hidden" / "index.html").write_bytes(secret)
    return path
