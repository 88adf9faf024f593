"""A merchant's webhook endpoint on loopback, for the tests: a real HTTP server (stdlib) that keeps
every request it gets and answers each path from a script (statuses, delays), as a merchant's
server would."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    at: float  # time.time()


@dataclass
class Answer:
    status: int = 200
    body: bytes = b'{"received":true}'
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class WebhookReceiver:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.received: list[Received] = []
        self.scripts: dict[str, list[Answer]] = {}
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # A real endpoint's listen backlog (nginx: 511), not socketserver's 5: `deliver_webhooks` opens
        # up to 32 connections at once, and on a loaded machine a backlog of 5 overflows, the SYNs are
        # dropped and the sender's 3 s connect timeout fails attempts the merchant's server would take.
        server_class = type(
            "Server",
            (ThreadingHTTPServer,),
            {"address_family": family, "daemon_threads": True, "request_queue_size": 511},
        )
        self.server = server_class((host, 0), self._handler())
        self.port = int(self.server.server_address[1])

    def url(self, path: str = "/hook") -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    def script(self, path: str, *answers: Answer) -> None:
        """Answers for `path`, in order; the last one again once the script runs out."""
        with self._lock:
            self.scripts[path] = list(answers)

    def at(self, path: str) -> list[Received]:
        with self._lock:
            return [request for request in self.received if request.path == path]

    def wait_for(self, path: str, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while sum(1 for request in self.received if request.path == path) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._arrived.wait(left)
            return [request for request in self.received if request.path == path]

    def _answer_for(self, path: str) -> Answer:
        with self._lock:
            script = self.scripts.get(path)
            if not script:
                return Answer()
            return script.pop(0) if len(script) > 1 else script[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                with receiver._arrived:
                    receiver.received.append(
                        Received(
                            self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.time()
                        )
                    )
                    receiver._arrived.notify_all()
                answer = receiver._answer_for(self.path)
                if answer.delay:
                    time.sleep(answer.delay)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

        return Handler


@contextmanager
def receiver(host: str = "127.0.0.1") -> Iterator[WebhookReceiver]:
    running = WebhookReceiver(host)
    thread = threading.Thread(target=running.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield running
    finally:
        running.server.shutdown()
        running.server.server_close()
