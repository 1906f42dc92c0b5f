"""The books of the server's open connections: how many, from whom, and which only wait for a request.

Each connection holds a thread, so they are counted, in all and per client address. One that waits
for a request (idle between requests, or trickling one in) holds its slot only until a new
connection needs it, as nginx reuses idle connections when it runs out: a fresh client is served
while a slow one waits. And it waits ``timeout`` seconds at most, however it paces its bytes.
"""

from __future__ import annotations

import io
import ipaddress
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from ._chars import one_line

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer


class Dropped(Exception):
    """Raised in a connection's thread when the books dropped it to make room."""


class Connection(io.RawIOBase):
    """A client's socket as the request reader sees it. Each read gets only what is left of
    ``timeout`` since the connection began to wait for its request, so a client trickling its
    headers a line at a time is cut off as surely as a silent one (a timeout between bytes alone
    never fires on it)."""

    def __init__(self, sock: socket.socket, client: str, timeout: float, guard: threading.Lock) -> None:
        super().__init__()
        self.sock, self.client, self.timeout, self._guard = sock, client, timeout, guard
        self.waiting_since: float | None = time.monotonic()  # None while a request is answered
        self.dropped = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        started = time.monotonic() if self.waiting_since is None else self.waiting_since
        self.sock.settimeout(max(started + self.timeout - time.monotonic(), 0.001))  # 0 would not block
        try:
            count = self.sock.recv_into(buffer)
        except TimeoutError:
            raise TimeoutError(f"no whole request line and headers within {self.timeout:g} s") from None
        finally:
            self.sock.settimeout(self.timeout)  # a response is written with the whole timeout
        if self.dropped:
            raise Dropped
        return count

    def answering(self) -> None:
        """The request is in: from now on the connection is busy, and not dropped to make room."""
        with self._guard:
            if self.dropped:
                raise Dropped
            self.waiting_since = None

    def waiting(self) -> None:
        """Answered: the next request's time starts now, and the connection may be dropped again."""
        with self._guard:
            self.waiting_since = time.monotonic()


class Connections:
    """Every connection with a thread, dropped ones included until their thread ends."""

    def __init__(self, max_connections: int, max_per_client: int, log: Callable[[str], None]) -> None:
        self.max_connections, self.max_per_client, self._log = max_connections, max_per_client, log
        self._open: dict[socket.socket, Connection] = {}
        self._guard = threading.Lock()

    def admit(self, sock: socket.socket, client_address: object, timeout: float) -> Connection | str:
        """The connection, counted, or why there is no room for it."""
        connection = Connection(sock, client_of(client_address), timeout, self._guard)
        with self._guard:
            refusal = self._make_room(connection.client)
            if refusal is None:
                self._open[sock] = connection
        return connection if refusal is None else refusal

    def of(self, sock: socket.socket) -> Connection:
        with self._guard:
            return self._open[sock]

    def forget(self, sock: socket.socket) -> None:
        """Called before the socket closes: a dropped one is shut down only while still open."""
        with self._guard:
            self._open.pop(sock, None)

    def _make_room(self, client: str) -> str | None:
        live = [connection for connection in self._open.values() if not connection.dropped]
        mine = [connection for connection in live if connection.client == client]
        if len(mine) >= self.max_per_client:
            reason, candidates = "too many connections from this address", mine
        elif len(live) >= self.max_connections:
            reason, candidates = "too many connections open", live
        else:
            return None
        return None if self._drop_one(candidates, Counter(c.client for c in live), reason) else reason

    def _drop_one(self, candidates: list[Connection], held: Counter[str], reason: str) -> bool:
        """Drop the waiting candidate of the client that ``held`` most, the longest-waiting first."""
        waiting = [(held[c.client], -c.waiting_since, c) for c in candidates if c.waiting_since is not None]
        if not waiting:
            return False
        victim = max(waiting, key=lambda entry: entry[:2])[2]
        victim.dropped = True
        try:
            victim.sock.shutdown(socket.SHUT_RDWR)  # its thread's read returns at once, and it ends
        except OSError:
            pass
        self._log(f"{victim.client} dropped while waiting for a request: {reason}")
        return True


def client_of(client_address: object) -> str:
    """What ``max_per_client`` counts under: the IPv4 address (also when mapped into IPv6), or the
    IPv6 /64, since one subscriber is handed a whole /64 and could otherwise take every slot alone."""
    host = str(client_address[0] if isinstance(client_address, tuple) else client_address)
    try:
        address = ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        return one_line(host, 200)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
