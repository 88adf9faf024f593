"""Sends a webhook: one signed POST, within 10 s, never into the service's own network (DESIGN 11).

The destination's host is resolved here and every address it resolves to is checked
(`checkout.domain.webhook_urls.address_problem`); the connection then goes to the very address
that was checked, with the host name kept for TLS (SNI and certificate) and `Host`, so a name that
resolves elsewhere a moment later (DNS rebinding) cannot redirect it. Redirects are not followed.
A watchdog closes the connection when the 10 s are up, however slowly the endpoint trickles its
answer.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Callable
from functools import cache
from urllib.parse import urlsplit

from checkout.domain.webhook_delivery import SendResult
from checkout.domain.webhook_urls import address_problem, url_problem
from checkout.signing import HEADER, signature_header

Resolver = Callable[[str, int], list[str]]
Connect = Callable[[str, int, float], socket.socket]
TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 3.0
RESPONSE_READ = 1024
USER_AGENT = "checkout-webhooks/1"


class Refused(Exception):
    """The destination may not be called."""


def resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def connect(address: str, port: int, timeout: float) -> socket.socket:
    return socket.create_connection((address, port), timeout=timeout)


@cache
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()  # certificates verified against the host name


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to an address already checked, named `host` for TLS."""

    def __init__(
        self, host: str, address: str, port: int, tls: bool, connect: Connect, timeout: float
    ) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address
        self._tls = tls
        self._connect = connect

    def connect(self) -> None:
        sock = self._connect(
            self._address, self.port, min(CONNECT_TIMEOUT_S, self.timeout or CONNECT_TIMEOUT_S)
        )
        sock.settimeout(self.timeout)
        self.sock = _tls().wrap_socket(sock, server_hostname=self.host) if self._tls else sock


class HttpSender:
    def __init__(
        self,
        allow_loopback: bool,
        resolver: Resolver = resolve,
        connect: Connect = connect,
        clock: Callable[[], float] = time.time,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        self.allow_loopback = allow_loopback
        self.resolver = resolver
        self.connect = connect
        self.clock = clock
        self.timeout_s = timeout_s

    def send(self, url: str, payload: str, secret: str) -> SendResult:
        started = time.monotonic()
        try:
            connection, path = self._connection(url)
        except Refused as refused:
            return SendResult(None, None, f"not sent: {refused}")
        body = payload.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            HEADER: signature_header([secret], int(self.clock()), body),
        }
        remaining = self.timeout_s - (time.monotonic() - started)
        watchdog = threading.Timer(max(0.0, remaining), _abort, (connection,))
        watchdog.start()
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read(RESPONSE_READ).decode(errors="replace")
            status: int | None = response.status
            error = None
        except (OSError, ValueError, http.client.HTTPException) as failed:
            status, text = None, None
            timed_out = time.monotonic() - started >= self.timeout_s - 0.01
            error = "timed out after 10 s" if timed_out else _describe(failed)
        finally:
            watchdog.cancel()
            connection.close()
        return SendResult(status, text, error, int((time.monotonic() - started) * 1000))

    def _connection(self, url: str) -> tuple[_PinnedConnection, str]:
        if problem := url_problem(url, self.allow_loopback):
            raise Refused(f"the URL {problem}")
        parts = urlsplit(url)
        host = str(parts.hostname)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = self.resolver(host, port)
        except (OSError, UnicodeError):  # UnicodeError: a name the IDNA codec refuses
            raise Refused(f"{host} does not resolve") from None
        if not addresses:
            raise Refused(f"{host} does not resolve")
        for address in addresses:
            if problem := address_problem(address, self.allow_loopback):
                raise Refused(f"{host} resolves to {problem}")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection = _PinnedConnection(
            host, addresses[0], port, parts.scheme == "https", self.connect, self.timeout_s
        )
        return connection, path


def _abort(connection: http.client.HTTPConnection) -> None:
    """Ends a send that ran out of time: the blocked read returns at once."""
    sock = connection.sock
    if sock is not None:
        # The plain socket's shutdown, under TLS too: unwrapping TLS from another thread is unsafe.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _describe(failed: Exception) -> str:
    """What went wrong, in words a merchant can act on (never a stack trace)."""
    if isinstance(failed, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(failed, ssl.SSLCertVerificationError):
        return "TLS certificate not valid for the host"
    if isinstance(failed, ssl.SSLError):
        return "TLS failed"
    if isinstance(failed, ConnectionRefusedError):
        return "connection refused"
    if isinstance(failed, OSError):
        return "connection failed"
    return "the response was not valid HTTP"
