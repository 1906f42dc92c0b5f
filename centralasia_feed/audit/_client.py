"""GET over HTTP(S) with redirects followed, each answer whole within a deadline, or one AuditError."""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import urllib.parse
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .._version import __version__
from ..errors import AuditError

MAX_BYTES = 32 * 1024 * 1024  # the most an answer may hold, before or after gzip
MAX_REDIRECTS = 5
ORIGIN = "https://example.com"  # the page a browser-side reader would be on, for the CORS check
_REDIRECTS = {301, 302, 303, 307, 308}
_SENT = {"Accept-Encoding": "gzip", "Origin": ORIGIN, "User-Agent": f"centralasia-feed-check/{__version__}"}


@dataclass(frozen=True)
class Response:
    """An answer as it arrived, its body undone from gzip, and the address that gave it."""

    url: str
    status: int
    reason: str
    headers: Mapping[str, str]  # lower-case names; repeated fields joined with ", "
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def media_type(self) -> str:
        return self.header("content-type").partition(";")[0].strip().lower()


class Client:
    """A reader's GETs: gzip accepted, an Origin sent (as a browser-side reader's would be)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.context = ssl.create_default_context()

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Response:
        """The answer at ``url``, after at most MAX_REDIRECTS redirects (the last one if more)."""
        sent = {**_SENT, **(headers or {})}
        response = self._once(url, sent)
        for _ in range(MAX_REDIRECTS):
            location = response.header("location")
            if response.status not in _REDIRECTS or not location:
                break
            url = urllib.parse.urljoin(url, location)
            if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                break
            response = self._once(url, sent)
        return response

    def _once(self, url: str, headers: Mapping[str, str]) -> Response:
        conn = self._connection(url)
        parts = urllib.parse.urlsplit(url)
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        late = AuditError(f"{url}: no answer within {self.timeout:g} s")
        with _deadline(conn, self.timeout) as expired:
            try:
                conn.request("GET", target, headers=dict(headers))
                answer = conn.getresponse()
                received = answer.read(MAX_BYTES + 1)
            except (OSError, http.client.HTTPException) as exc:
                raise (late if expired.is_set() or isinstance(exc, TimeoutError) else AuditError(
                    f"{url}: {_reason(exc)}"
                )) from exc  # fmt: skip
            finally:
                conn.close()
        if expired.is_set():  # a body cut short by the deadline can read as a short body
            raise late
        fields = {name.lower(): ", ".join(answer.headers.get_all(name) or []) for name in answer.headers}
        body = _inflate(url, received, fields.get("content-encoding", ""))
        return Response(url, answer.status, answer.reason, fields, body)

    def _connection(self, url: str) -> http.client.HTTPConnection:
        parts = urllib.parse.urlsplit(url)
        try:
            if parts.scheme == "https":
                return http.client.HTTPSConnection(
                    parts.hostname or "", parts.port, timeout=self.timeout, context=self.context
                )
            return http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=self.timeout)
        except ValueError as exc:  # a port that is no number
            raise AuditError(f"{url}: {exc}") from exc


@contextlib.contextmanager
def _deadline(conn: http.client.HTTPConnection, timeout: float) -> Iterator[threading.Event]:
    """Shut the connection's socket once ``timeout`` has passed: the socket's own timeout bounds each
    wait, this bounds the whole answer, however slowly it drips. The event says it happened."""
    expired = threading.Event()

    def cut() -> None:
        expired.set()
        if conn.sock is not None:
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(timeout, cut)
    timer.daemon = True
    timer.start()
    try:
        yield expired
    finally:
        timer.cancel()


def _inflate(url: str, received: bytes, encoding: str) -> bytes:
    if len(received) > MAX_BYTES:
        raise AuditError(f"{url}: larger than {MAX_BYTES // 2**20} MiB")
    if encoding.strip().lower() not in ("gzip", "x-gzip"):
        return received
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        body = inflate.decompress(received, MAX_BYTES + 1)
    except zlib.error as exc:
        raise AuditError(f"{url}: its gzip does not inflate ({exc})") from exc
    if len(body) > MAX_BYTES:
        raise AuditError(f"{url}: larger than {MAX_BYTES // 2**20} MiB once inflated")
    return body


def _reason(exc: BaseException) -> str:
    """What went wrong, in a few words."""
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running?)"
    if isinstance(exc, socket.gaierror):
        return f"cannot find the host ({exc.strerror})"
    if isinstance(exc, ConnectionResetError):  # http.client's RemoteDisconnected among them
        return "the server closed the connection without a full answer"
    if isinstance(exc, ssl.SSLError):
        return f"TLS: {exc.reason or exc}"
    if isinstance(exc, http.client.HTTPException):
        return f"not an HTTP answer ({type(exc).__name__})"
    return str(getattr(exc, "strerror", None) or exc or type(exc).__name__)
