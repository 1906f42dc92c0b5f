"""A served output folder on 127.0.0.1, for the serve and browser tests."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from centralasia_feed.serve import FeedServer, make_server

SERVE_DATA = Path(__file__).resolve().parent / "data" / "serve"


def fill_site(folder: Path) -> None:
    """Fill ``folder`` with a built output folder: rss.xml, atom.xml, feed.json, rates.json, index.html.

    For now these are hand-written fixture files; swapping in a real build of the seed here is
    enough to run every serve and browser test against real output.
    """
    for source in sorted(SERVE_DATA.iterdir()):
        (folder / source.name).write_bytes(source.read_bytes())


@dataclass
class Served:
    """A running server, the folder it serves and every line it logged."""

    server: FeedServer
    root: Path
    lines: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url


def start(root: Path, *, timeout: float = 10.0) -> tuple[Served, threading.Thread]:
    lines: list[str] = []
    server = make_server(root, "127.0.0.1", 0, log=lines.append, timeout=timeout)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)  # quick shutdown
    thread.start()
    return Served(server, root, lines), thread


def stop(served: Served, thread: threading.Thread) -> None:
    served.server.shutdown()
    served.server.server_close()
    thread.join(timeout=10)
