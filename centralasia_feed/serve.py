"""Serve an output folder read-only over HTTP, the way feed readers expect to poll it.

Every response names its bytes: a strong ETag (a hash of exactly the bytes sent, so the gzip variant has
its own) and a Last-Modified from the file, so a reader's next poll is a cheap 304. Files are read per
request (cached only under their inode, mtime and size), so a rebuild is served at once without a
restart. Request paths are decoded once and resolved under the folder; anything that would leave it,
hidden files (our temporary files among them) and directories without an index are all plain 404s.
A feed that names WebSub hubs is sent with a ``Link`` header naming them and itself, where WebSub
subscribers (and hubs fetching the new content) look first.
Connections are bounded in all and per client address, and wait for a request only so long (see
``_connections``): one client trickling its headers cannot shut the server off.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import hashlib
import io
import os
import re
import socket
import socketserver
import sys
import threading
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ._chars import one_line
from ._connections import Connections, Dropped
from ._files import open_regular
from ._media import PLAIN_TEXT, TEXT_TYPES, media_type
from .errors import ConfigError, ServeError
from .publish import is_hidden
from .render.peek import self_link
from .websub import advertised

MAX_AGE = 300
TIMEOUT = 10.0
MAX_CONNECTIONS = 256  # open at once, each a thread; past it a connection gets a 503 at once
MAX_PER_CLIENT = 32  # open at once from one IPv4 address or IPv6 /64, so one client cannot take them all
RETRY_AFTER = 5  # seconds a refused reader is asked to wait
CACHE_BYTES = 64 * 1024 * 1024  # the most file bytes (both encodings) the server keeps in memory
ALLOW = "GET, HEAD"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
"""Sent with every response, and to be sent by any server in front (examples/nginx.conf): the landing
page runs no script, loads nothing but its inline style and ``data:`` icon, and is never framed, so
this policy costs it nothing and leaves injected markup nothing to run."""
KNOWN_METHODS = {"POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}  # 405; others 501
_ENTITY_TAG = re.compile(r'\s*(?:(\*|(?:W/)?"[^"]*")\s*)?(?:,|$)')  # list elements may be empty
_CODING = re.compile(r"[^\s;,]+")
_WEIGHT = re.compile(r"[qQ]\s*=\s*(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)")  # RFC 9110 12.4.2's qvalue
# RFC 9110 5.6.7: IMF-fixdate, then the obsolete RFC 850 and asctime forms a recipient must accept
_HTTP_DATE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT"
    r"|[A-Z][a-z]{5,8}, [0-9]{2}-[A-Z][a-z]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT"
    r"|[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}"
)

_LOGGED = 200  # characters of a request target or a client's note a log line shows
_QUERY_SAFE = "/?:@!$&'()*+,;=%"  # RFC 3986's query characters, kept; anything else is escaped

Log = Callable[[str], None]


@dataclass(frozen=True)
class Variant:
    """One encoding of one file, with the validators that name exactly these bytes."""

    body: bytes
    etag: str
    encoding: str | None


@dataclass(frozen=True)
class Resource:
    """A file as read at one moment: its media type, modification time and encodings."""

    content_type: str
    compressible: bool
    mtime: int
    identity: Variant
    gzipped: Variant | None
    link: str | None = None  # the WebSub Link header of a feed that names hubs


def _size(resource: Resource) -> int:
    gzipped = resource.gzipped.body if resource.gzipped else b""
    return len(resource.identity.body) + len(gzipped)


def _resource(data: bytes, name: str, mtime: int) -> Resource:
    kind = media_type(name)
    text = kind in TEXT_TYPES
    digest = hashlib.sha256(data).hexdigest()[:32]
    identity = Variant(data, f'"{digest}"', None)
    gzipped = Variant(gzip.compress(data, 9, mtime=0), f'"{digest}-gzip"', "gzip") if text else None
    content_type = f"{kind}; charset=utf-8" if text else kind
    link = advertised(name, data).link_header()
    return Resource(content_type, text, mtime, identity, gzipped, link)


def request_path(target: str) -> tuple[str, ...] | None:
    """The path segments a request target names, or None when it must not be served.

    The target is percent-decoded exactly once and split after decoding, so ``%2f`` acts as ``/`` and
    ``%2e%2e`` as ``..``; doubly encoded forms stay literal names that match no file.
    """
    if target.startswith(("http://", "https://")):
        target = urllib.parse.urlsplit(target).path or "/"
    path = target.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/"):
        return None
    try:
        decoded = urllib.parse.unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\\" in decoded or "\x00" in decoded:
        return None
    parts = tuple(part for part in decoded.split("/") if part)
    if any(part in (".", "..") for part in parts) or is_hidden("/".join(parts)):
        return None
    return parts


def accepts_gzip(header: str | None) -> bool:
    """Whether Accept-Encoding allows gzip (q > 0), directly or through ``*``.

    Each element is cut at its separators before any pattern sees it, so the work stays linear in
    the header's length however it is padded. An element with a malformed weight is ignored.
    """
    weights: dict[str, float] = {}
    for item in (header or "").split(","):
        coding, _, parameter = item.partition(";")
        name, parameter = coding.strip(), parameter.strip()
        weight = _WEIGHT.fullmatch(parameter) if parameter else None
        if _CODING.fullmatch(name) and (weight or not parameter):
            weights[name.lower()] = float(weight.group(1)) if weight else 1.0
    for name in ("gzip", "x-gzip"):
        if name in weights:
            return weights[name] > 0
    return weights.get("*", 0) > 0


def none_match(header: str, etag: str) -> bool:
    """RFC 9110 If-None-Match: ``*`` or any listed entity-tag equal to ``etag`` by weak comparison."""
    tags: list[str] = []
    position, end = 0, len(header.rstrip())
    while position < end:  # matched in place: slicing off each element would be quadratic
        match = _ENTITY_TAG.match(header, position)
        if not match:
            return False
        tags += [match.group(1)] if match.group(1) else []
        position = match.end()
    return any(tag == "*" or tag.removeprefix("W/") == etag for tag in tags)


def modified_since(header: str, mtime: int, now: float) -> bool:
    """False when If-Modified-Since is one valid HTTP-date at or after ``mtime``; anything else
    (another shape, two dates in one line, a date later than ``now``, the server's clock) is ignored,
    as RFC 9110 13.1.3 asks: a client cannot learn of a change by a date it has not reached yet."""
    if not _HTTP_DATE.fullmatch(header.strip()):
        return True
    try:
        since = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError, OverflowError):
        return True
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    return mtime > since.timestamp() or since.timestamp() > now


class Handler(BaseHTTPRequestHandler):
    """GET and HEAD over the server's folder, one log line per request, nothing else."""

    server: FeedServer
    raw_requestline: bytes
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall
    server_version = "centralasia-feed"
    default_request_version = "HTTP/1.0"  # so a request refused before its version is known gets a
    # status line: http.server's default, HTTP/0.9, answers with a bare body

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.connection_timeout)
        self._waiting = self.server.connections.of(self.request)
        self.rfile.close()  # the socket's own reader: closed, or the socket would never close
        self.rfile = io.BufferedReader(self._waiting)

    def handle_one_request(self) -> None:
        self._status: int | None = None
        self._logged, self._note = False, ""
        try:
            super().handle_one_request()
        except Dropped:  # logged as it was dropped
            self.close_connection = True
            return
        if not self._logged and self._status is not None:  # an error http.server answered itself
            self._log_line(self._status, "-")
        elif not self._logged and self._note:  # no request at all, such as a timeout
            self.server.log(f"{self.client_address[0]} {self._note}")
        if not self.close_connection:
            self._waiting.waiting()

    def _log_line(self, status: int, size: int | str) -> None:
        """Logged before the response goes out, so a client that has its answer finds the line written."""
        target = one_line(getattr(self, "path", "") or "-", _LOGGED)
        self.server.log(f"{self.client_address[0]} {self.command or '-'} {target} {status} {size}")
        self._logged = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self._status = int(code)

    def log_error(self, format: str, *args: object) -> None:  # noqa: A002 (the stdlib's name)
        self._note = one_line(format % args, _LOGGED)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silenced: every line goes through the server's ``log``."""

    def parse_request(self) -> bool:
        words = self.raw_requestline.split()
        if len(words) == 2:  # "GET /x": HTTP/0.9, whose answer would have no status line nor headers
            self.command, self.path = "", str(words[1], "iso-8859-1")
            self.request_version, self.close_connection = self.default_request_version, True
            self._reply_plain(HTTPStatus.BAD_REQUEST)  # RFC 9112 3: an invalid request-line
            return False
        if not super().parse_request():
            return False
        self._waiting.answering()
        if (
            self.command not in ("GET", "HEAD")
            or "Transfer-Encoding" in self.headers
            or (self.headers.get("Content-Length", "0").strip() != "0")
        ):
            self.close_connection = True  # a request body we do not read must not become the next request
        hosts = self.headers.get_all("Host") or []
        if len(hosts) > 1 or (self.request_version == "HTTP/1.1" and not hosts):
            self.close_connection = True
            self._reply_plain(HTTPStatus.BAD_REQUEST)  # RFC 9112 3.2: a MUST, against confused proxies
            return False
        if self.command in ("GET", "HEAD"):
            return True
        if self.command in KNOWN_METHODS:
            self._reply_plain(HTTPStatus.METHOD_NOT_ALLOWED, {"Allow": ALLOW})
        else:
            self._reply_plain(HTTPStatus.NOT_IMPLEMENTED)
        return False

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def _serve(self) -> None:
        found = self.server.lookup(self.path)
        if isinstance(found, str):
            self._reply_plain(HTTPStatus.MOVED_PERMANENTLY, {"Location": found})
        elif found is None:
            self._reply_plain(HTTPStatus.NOT_FOUND)
        else:
            self._send(found)

    def _send(self, resource: Resource) -> None:
        variant = resource.identity
        if resource.gzipped and accepts_gzip(self.headers.get("Accept-Encoding")):
            variant = resource.gzipped
        # Every file is public and sent without credentials, so any page may read it: a browser-side
        # reader or widget fetching feed.json or rates.json, or finding the feeds from the landing page.
        headers = {"ETag": variant.etag, "Cache-Control": f"max-age={MAX_AGE}"}
        headers["Access-Control-Allow-Origin"] = "*"
        # A file changed in this very second could change again within it, unseen by a date of whole
        # seconds: its date is not sent until the second is over (RFC 9110 8.8.2.2), nor any future one.
        mtime = resource.mtime if resource.mtime < int(time.time()) else None
        if mtime is not None:
            headers["Last-Modified"] = email.utils.formatdate(mtime, usegmt=True)
        if resource.compressible:
            headers["Vary"] = "Accept-Encoding"
        if self._not_modified(variant.etag, mtime):
            self._reply(HTTPStatus.NOT_MODIFIED, headers, b"")
            return
        # lower case (field names are case-insensitive): reader hands requests' headers to feedparser
        # as a plain dict, where "Content-Type" would not be found and the feed flagged as untyped
        headers["content-type"] = resource.content_type
        if resource.link:
            headers["Link"] = resource.link
        if variant.encoding:
            headers["Content-Encoding"] = variant.encoding
        self._reply(HTTPStatus.OK, headers, variant.body)

    def _not_modified(self, etag: str, mtime: int | None) -> bool:
        """If-None-Match decides when present (RFC 9110 13.2.2); If-Modified-Since only without it,
        and only for a file with a date to compare."""
        tags = self.headers.get_all("If-None-Match")
        if tags:
            return none_match(",".join(tags), etag)
        since = self.headers.get_all("If-Modified-Since") or []
        return mtime is not None and len(since) == 1 and not modified_since(since[0], mtime, time.time())

    def end_headers(self) -> None:
        """Every response, http.server's own error pages too, carries the SECURITY_HEADERS."""
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        super().end_headers()

    def _reply_plain(self, status: HTTPStatus, headers: dict[str, str] | None = None) -> None:
        body = f"{status.value} {status.phrase}\n".encode()
        self._reply(status, {"Content-Type": f"{PLAIN_TEXT}; charset=utf-8", **(headers or {})}, body)

    def _reply(self, status: HTTPStatus, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        sent = b"" if self.command == "HEAD" or status == HTTPStatus.NOT_MODIFIED else body
        self._log_line(status, len(sent))
        self.end_headers()
        self.wfile.write(sent)


def _host(client_address: object) -> str:
    """The client's host as a log line shows it."""
    host = client_address[0] if isinstance(client_address, tuple) else client_address
    return one_line(str(host), _LOGGED)


class FeedServer(ThreadingHTTPServer):
    """A threading HTTP server over one folder; ``url`` is where it listens."""

    daemon_threads = True
    request_queue_size = 128  # socketserver's 5 makes a burst of readers wait seconds on SYN retries

    def __init__(
        self,
        root: Path,
        address: tuple[str, int],
        *,
        log: Log | None,
        timeout: float,
        max_connections: int = MAX_CONNECTIONS,
        max_per_client: int = MAX_PER_CLIENT,
    ) -> None:
        self.root = root
        self.log: Log = log or (lambda line: None)
        self.connection_timeout = timeout
        self.connections = Connections(max_connections, max_per_client, self.log)
        self._cache: OrderedDict[Path, tuple[tuple[int, ...], Resource]] = OrderedDict()
        self._cached_bytes = 0
        self._lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup of the host, which can stall start-up."""
        socketserver.TCPServer.server_bind(self)  # HTTPServer.server_bind would call getfqdn()
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    @property
    def url(self) -> str:
        host = self.server_name
        return f"http://[{host}]:{self.server_port}/" if ":" in host else f"http://{host}:{self.server_port}/"

    def process_request(self, request: Any, client_address: Any) -> None:
        """A thread for the connection, or, when it would pass ``max_connections`` (or
        ``max_per_client`` for its address) and no connection there is waiting for a request to
        make room, a 503 and Retry-After at once: a flood cannot spawn a thread each, and a reader
        polling in a crowd is told when to come back."""
        admitted = self.connections.admit(request, client_address, self.connection_timeout)
        if isinstance(admitted, str):
            self._refuse(request, client_address, admitted)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.connections.forget(request)  # no thread started to do it
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """ThreadingMixIn's, but the connection leaves the books before its socket closes."""
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.connections.forget(request)
            self.shutdown_request(request)

    def _refuse(self, request: Any, client_address: Any, reason: str) -> None:
        headers = "".join(f"{name}: {value}\r\n" for name, value in SECURITY_HEADERS.items())
        response = (
            "HTTP/1.1 503 Service Unavailable\r\n"
            f"Date: {email.utils.formatdate(usegmt=True)}\r\n"
            f"Retry-After: {RETRY_AFTER}\r\nContent-Length: 0\r\n{headers}Connection: close\r\n\r\n"
        )
        try:
            request.settimeout(1.0)
            request.sendall(response.encode("ascii"))
        except OSError:
            pass
        finally:
            self.shutdown_request(request)
        self.log(f"{_host(client_address)} refused with 503: {reason}")

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that vanished mid-response costs one log line, not a traceback."""
        self.log(f"{_host(client_address)} connection error: {sys.exc_info()[1]!r}")

    def lookup(self, target: str) -> Resource | str | None:
        """The file a request target names; a str is the URL a directory asked without its slash."""
        parts = request_path(target)
        found = None if parts is None else self._inside(self.root.joinpath(*parts))
        path, question, query = target.partition("?")
        if found is not None and found.is_dir():
            found = self._inside(found / "index.html")
            if found is not None and not path.endswith("/"):
                folder = "/" + "".join(urllib.parse.quote(part) + "/" for part in parts or ())
                return folder + question + urllib.parse.quote(query, safe=_QUERY_SAFE)
        elif path.endswith("/"):
            return None  # a file named as a folder: its page's relative links would all be 404s
        return None if found is None else self._read(found)

    def _inside(self, path: Path) -> Path | None:
        """``path`` with every symlink resolved, or None when it is missing, hidden or outside root."""
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return None
        if not resolved.is_relative_to(self.root) or is_hidden(resolved.relative_to(self.root).as_posix()):
            return None
        return resolved

    def _read(self, path: Path) -> Resource | None:
        """The file's current bytes, reused only while its inode, mtime and size are unchanged."""
        try:
            with open_regular(path) as handle:  # a FIFO must not block the thread
                info = os.fstat(handle.fileno())
                key = (info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size)
                with self._lock:
                    cached = self._cache.get(path)
                    if cached and cached[0] == key:
                        self._cache.move_to_end(path)
                        return cached[1]
                resource = _resource(handle.read(), path.name, int(info.st_mtime))
        except OSError:
            return None
        self._remember(path, key, resource)
        return resource

    def _remember(self, path: Path, key: tuple[int, ...], resource: Resource) -> None:
        """Cache the newest files, up to CACHE_BYTES: a crawler walking thousands of archive pages
        must not pin them all in memory."""
        with self._lock:
            if (old := self._cache.pop(path, None)) is not None:
                self._cached_bytes -= _size(old[1])
            self._cache[path] = (key, resource)
            self._cached_bytes += _size(resource)
            while self._cached_bytes > CACHE_BYTES and len(self._cache) > 1:
                _, (_, dropped) = self._cache.popitem(last=False)
                self._cached_bytes -= _size(dropped)


def make_server(
    root: str | os.PathLike[str],
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    log: Log | None = None,
    timeout: float = TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
    max_per_client: int = MAX_PER_CLIENT,
) -> FeedServer:
    """A server over ``root``, bound and ready for ``serve_forever()``; port 0 picks a free port.
    ``timeout`` bounds the wait for a whole request line and headers, and any silence while a
    response is sent; ``max_connections`` and ``max_per_client`` bound how many are open at once,
    in all and from one client address (an IPv6 client's /64)."""
    folder = Path(root).resolve()
    if not folder.is_dir():
        raise ConfigError(f"{root}: not a folder to serve")
    if not 0 <= port <= 65535:
        raise ConfigError(f"not a port number: {port}")
    for field, value in (("max_connections", max_connections), ("max_per_client", max_per_client)):
        if value < 1:
            raise ConfigError(f"must be at least 1, not {value}", field=field)
    try:
        return FeedServer(
            folder, (host, port), log=log, timeout=timeout, max_connections=max_connections,
            max_per_client=max_per_client,
        )  # fmt: skip
    except OSError as exc:
        raise ServeError(exc.strerror or str(exc), address=f"{host}:{port}") from exc


def address_note(root: Path, url: str) -> str | None:
    """A note when the folder's feeds were built for another address than ``url``, where it is
    served: their self links name that one, the W3C validator warns, and a reader that follows
    them polls there. Bound to every address (``0.0.0.0``), any host the feeds name may be right."""
    link = self_link(root / "rss.xml")
    if link is None or not link.endswith("/rss.xml"):
        return None
    built, served = urllib.parse.urlsplit(link[: -len("rss.xml")]), urllib.parse.urlsplit(url)
    if served.hostname in ("0.0.0.0", "::"):
        host = built.hostname or "localhost"
        served = served._replace(netloc=f"[{host}]:{served.port}" if ":" in host else f"{host}:{served.port}")
    if built.geturl() == served.geturl():
        return None
    return (
        f"note: the feeds in {root} name {built.geturl()} as their address, not {served.geturl()}: "
        f"readers that subscribe here will poll there; to serve them here, rebuild with --feed-url "
        f"{served.geturl()}"
    )


def serve(
    root: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 8000, *, log: Log | None = None
) -> None:
    """Serve ``root`` until Ctrl-C, then close the socket and return."""
    with make_server(root, host, port, log=log) as server:
        server.log(f"serving {root} at {server.url} (Ctrl-C stops)")  # the folder as the caller named it
        if note := address_note(Path(root), server.url):
            server.log(note)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            server.log("stopped")
