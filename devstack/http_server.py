"""Serves the gateway with uvicorn (its h11 protocol: strict HTTP/1.1 framing, chunked bodies,
keep-alive, HEAD without a body, 400 for a malformed or negative Content-Length) on an event
loop it shares with the functions' instance pools.

uvicorn times out idle keep-alive connections, but neither a fresh connection that sends nothing
nor a client that never finishes its request head: GuardedH11Protocol closes the first after
IDLE_SECONDS and the second `client_timeout` after its first byte (the gateway times out bodies).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket
import time
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from devstack.gateway import Gateway

GRACEFUL_SHUTDOWN_SECONDS = 35  # in-flight requests end within their 30 s integration timeout
IDLE_SECONDS = 60  # a connection waiting for its (next) request


def guarded_protocol(client_timeout: float) -> type[H11Protocol]:
    class GuardedH11Protocol(H11Protocol):
        """Between requests a connection may idle for IDLE_SECONDS; once the first byte of a
        request arrives, its head must be complete within `client_timeout`."""

        _timer: asyncio.TimerHandle | None = None
        _head_started = False

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._await_request()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self._in_request():
                self._disarm()
            elif not self._head_started and not self.transport.is_closing():
                self._head_started = True
                self._arm(client_timeout)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self._in_request() and not self.transport.is_closing():
                self._await_request()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _in_request(self) -> bool:
            return self.cycle is not None and not self.cycle.response_complete

        def _await_request(self) -> None:
            self._head_started = False
            self._arm(IDLE_SECONDS)

        def _arm(self, seconds: float) -> None:
            self._disarm()
            self._timer = self.loop.call_later(seconds, self._timed_out)

        def _disarm(self) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

        def _timed_out(self) -> None:
            self._timer = None
            if not self._in_request() and not self.transport.is_closing():
                self.transport.close()

    return GuardedH11Protocol


def listening_socket(port: int) -> socket.socket:
    """Bound here, so a port in use is this process's error, not one uvicorn exits on. The
    protocol is named: asyncio sets TCP_NODELAY only on IPPROTO_TCP sockets, and without it
    Nagle's algorithm and delayed ACKs add ~40 ms to every response."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(1024)  # bursts of concurrent clients (the race tests) must not be refused
    sock.set_inheritable(False)
    return sock


class HttpServer:
    def __init__(self, gateway: Gateway, sock: socket.socket, client_timeout: float) -> None:
        self.sock = sock
        config = uvicorn.Config(
            gateway,
            http=guarded_protocol(client_timeout),
            lifespan="off",
            log_config=None,
            access_log=False,
            server_header=False,  # API Gateway sends none
            timeout_keep_alive=IDLE_SECONDS,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        )
        self.server = uvicorn.Server(config)
        self._serving: concurrent.futures.Future[Any] | None = None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._serving = asyncio.run_coroutine_threadsafe(self.server.serve(sockets=[self.sock]), loop)

    def wait_started(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if self._serving is not None and self._serving.done():
                self._serving.result()  # raises what stopped it
                raise RuntimeError("the gateway stopped before it started")
            if time.monotonic() > deadline:
                raise TimeoutError("the gateway did not start")
            time.sleep(0.01)

    @property
    def in_flight(self) -> int:
        return len(self.server.server_state.tasks)

    def request_stop(self) -> None:
        """Stops accepting; in-flight requests go on to their end (uvicorn cancels what is left
        after GRACEFUL_SHUTDOWN_SECONDS)."""
        self.server.should_exit = True

    def wait_stopped(self, timeout: float) -> bool:
        try:
            if self._serving is not None:
                self._serving.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            return False
        finally:
            self.sock.close()
        return True
