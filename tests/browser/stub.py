"""A stand-in for the sites the page sends a buyer to (the merchant's success and cancel pages, the
onramp vendor), on loopback: nothing leaves the machine, and the test sees where the browser went."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class StubSite:
    def __init__(self) -> None:
        visited: list[str] = []
        self.visited = visited

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                visited.append(self.path)
                # No favicon request: the only request to this origin is the navigation itself.
                body = b'<!doctype html><link rel="icon" href="data:,"><title>Elsewhere</title><h1>Away</h1>'
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="stub-site", daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
