"""Debian's nginx over a built folder on 127.0.0.1, with examples/nginx.conf, for the nginx tests.

The one change to the file is its port: ``listen 127.0.0.1:8080`` becomes a free port, in a copy
under the prefix (every other path in the file is relative to the prefix, so the copy behaves as the
original would). nginx is started as its users start it, as a daemon: the command returns once the
port is bound, and a first answer from a worker proves the pid file written (the master writes it
before it starts the workers), so stopping never races with starting.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .paths import ROOT, missing
from .serving import request

NGINX_CONF = ROOT / "examples" / "nginx.conf"
LISTEN = "listen 127.0.0.1:8080;"
HUB_LINE = '# "~^(?!.*/archive/)'  # the commented WebSub line, uncommented for a --hub build
HUB = "https://hub.example.org/"
_LOGGED = re.compile(r'"([A-Z]+) (\S+) [^"]*" ([0-9]{3}) ')


def nginx() -> str:
    """The nginx binary; skipped without one, except in CI, which must run the test."""
    found = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    return found or missing("nginx", "nginx")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Nginx:
    """A running nginx: its prefix (``public`` under it is what it serves) and its port."""

    prefix: Path
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def site(self) -> Path:
        return self.prefix / "public"

    def logged(self) -> list[tuple[str, str, str]]:
        """(method, target, status) of every request in the access log."""
        text = (self.prefix / "logs" / "access.log").read_text(encoding="utf-8")
        return [match.groups() for match in map(_LOGGED.search, text.splitlines()) if match]


@contextmanager
def readable_prefix(name: str) -> Iterator[Path]:
    """A prefix for nginx readable by its workers, who run as nobody when the tests run as root:
    so not under pytest's temporary root, which only its owner may enter. Removed on the way out."""
    with tempfile.TemporaryDirectory(prefix=f"centralasia-feed-{name}-") as made:
        folder = Path(made)
        folder.chmod(0o755)
        yield folder


@contextmanager
def running(prefix: Path, port: int, hub: str | None = None) -> Iterator[Nginx]:
    """nginx with examples/nginx.conf over ``prefix/public`` on ``port``, its WebSub line
    uncommented with ``hub`` as a user does for a ``--hub`` build; stopped, and waited for, on exit,
    so its logs are complete."""
    conf = prefix / "nginx.conf"
    conf.write_text(configured(port, hub), encoding="utf-8")
    for folder in ("logs", "tmp"):
        (prefix / folder).mkdir(exist_ok=True)
    command = [nginx(), "-p", str(prefix), "-c", str(conf)]
    started = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert started.returncode == 0, started.stderr
    server = Nginx(prefix, port)
    try:
        assert fetch(server, "/")[0] in (200, 404), _errors(prefix)
        yield server
    finally:
        _stop(prefix)


def configured(port: int, hub: str | None) -> str:
    """examples/nginx.conf listening on ``port``, with its WebSub line set to ``hub``, if any."""
    text = NGINX_CONF.read_text(encoding="utf-8")
    assert text.count(LISTEN) == 1 and text.count(HUB_LINE) == 1 and text.count(HUB) == 1
    text = text.replace(LISTEN, f"listen 127.0.0.1:{port};")
    return text.replace(HUB_LINE, HUB_LINE.removeprefix("# ")).replace(HUB, hub) if hub else text


def _stop(prefix: Path) -> None:
    pid = int((prefix / "logs" / "nginx.pid").read_text(encoding="ascii"))
    exited = os.pidfd_open(pid)  # not our child (it is a daemon): a pidfd is how to wait for it
    try:
        os.kill(pid, signal.SIGQUIT)  # graceful: requests in flight finish and are logged
        assert select.select([exited], [], [], 60)[0], "nginx did not stop"
    finally:
        os.close(exited)


def _errors(prefix: Path) -> str:
    log = prefix / "logs" / "error.log"
    return log.read_text(encoding="utf-8") if log.exists() else ""


def fetch(
    server: Nginx, target: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    """One request on its own connection: (status, lower-cased headers, body)."""
    return request(server.port, target, headers, method)
