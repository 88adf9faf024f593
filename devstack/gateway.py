"""A local API Gateway HTTP API: each request becomes a v2.0 event, routed by the template's
`HttpApi` events to that function's real `handler`, like `sam local start-api` without Docker."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import socket
import threading
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from checkout.web.surfaces import PUBLIC
from devstack.lambda_runtime import Handler, context_for, load_handler
from devstack.template import FunctionSpec, HttpRoute

logger = logging.getLogger("devstack")

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway's own limit; the functions enforce theirs
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/x-www-form-urlencoded")
_loops = threading.local()


def _is_text(content_type: str) -> bool:
    media_type = content_type.split(";")[0].strip().lower()
    return media_type.startswith(_TEXT_TYPES) or media_type.endswith(("+json", "+xml"))


def build_event(
    route: HttpRoute,
    method: str,
    target: str,
    headers: list[tuple[str, str]],
    body: bytes,
    source_ip: str,
    path_parameters: dict[str, str],
) -> dict[str, Any]:
    """An API Gateway HTTP API payload v2.0 event, as AWS would send it."""
    parts = urlsplit(target)
    merged: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        key = name.lower()
        if key == "cookie":
            cookies += [cookie.strip() for cookie in value.split(";") if cookie.strip()]
            continue
        merged[key] = f"{merged[key]},{value}" if key in merged else value
    query: dict[str, str] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": parts.path,
        "rawQueryString": parts.query,
        "headers": merged,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": merged.get("host", "127.0.0.1"),
            "domainPrefix": merged.get("host", "127.0.0.1").split(".")[0],
            "http": {
                "method": method,
                "path": parts.path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": merged.get("user-agent", ""),
            },
            "requestId": base64.urlsafe_b64encode(uuid.uuid4().bytes[:12]).decode().rstrip("=") + "=",
            "routeKey": route.route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body:
        if _is_text(merged.get("content-type", "")):
            try:
                event["body"] = body.decode("utf-8")
            except UnicodeDecodeError:
                event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
        else:
            event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
    return event


class Gateway:
    """Routes requests to the functions; each function's module is imported once (a warm Lambda)."""

    def __init__(self, specs: list[FunctionSpec]) -> None:
        every_route = [route for spec in specs for route in spec.routes]
        self.routes = [route for route in every_route if not route.is_default]
        # Like API Gateway: a request no route matches goes to the $default route's function, which
        # answers 404 or 405 itself (the same code as in AWS).
        self.default_route = next((route for route in every_route if route.is_default), None)
        self.specs = {spec.logical_id: spec for spec in specs if spec.routes}
        self.handlers: dict[str, Handler] = {name: load_handler(spec) for name, spec in self.specs.items()}

    def resolve(self, method: str, path: str) -> tuple[HttpRoute | None, dict[str, str]]:
        """The matching route and its path parameters, else the $default route (None without one)."""
        for route in self.routes:
            params = route.match(path)
            if params is not None and route.method == method:
                return route, params
        return self.default_route, {}

    def invoke(self, route: HttpRoute, event: dict[str, Any]) -> dict[str, Any]:
        if not hasattr(_loops, "loop"):
            # Mangum drives the ASGI app on the thread's event loop; server threads have none.
            _loops.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(_loops.loop)
        spec = self.specs[route.function]
        result: dict[str, Any] = self.handlers[route.function](event, context_for(spec))
        return result


def _request_handler(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "checkout-devstack"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in separate writes; without this, Nagle's algorithm and the
            # client's delayed ACK add ~40 ms to every keep-alive response.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the functions log structured JSON; the gateway stays quiet

        def _serve(self) -> None:
            method = self.command.upper()
            length = int(self.headers.get("content-length") or 0)
            if length > MAX_PAYLOAD_BYTES:
                self._send_envelope(413, "Request body is too large", "body_too_large")
                self.close_connection = True
                return
            body = self.rfile.read(length) if length else b""
            path = urlsplit(self.path).path
            route, params = gateway.resolve(method, path)
            if route is None:
                self._send_not_found()
                return
            event = build_event(
                route, method, self.path, list(self.headers.items()), body, self.client_address[0], params
            )
            try:
                result = gateway.invoke(route, event)
            except Exception:
                logger.exception("function raised", extra={"function": route.function})
                # Like API Gateway when the integration fails: a 500 with no detail.
                self._send_envelope(500, "Internal Server Error", "internal_error", "api_error")
                return
            self._send_result(result)

        def _send_result(self, result: dict[str, Any]) -> None:
            raw = result.get("body") or ""
            payload = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
            self.send_response(int(result.get("statusCode", 200)))
            for name, value in (result.get("headers") or {}).items():
                if name.lower() not in ("content-length", "connection"):
                    self.send_header(name, value)
            for name, values in (result.get("multiValueHeaders") or {}).items():
                for value in values:
                    self.send_header(name, value)
            for cookie in result.get("cookies") or []:
                self.send_header("Set-Cookie", cookie)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        def _send_not_found(self) -> None:
            """What API Gateway answers when no route (not even $default) matches."""
            payload = b'{"message":"Not Found"}'
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _send_envelope(
            self, status: int, message: str, code: str, error_type: str = "invalid_request_error"
        ) -> None:
            payload = json.dumps(PUBLIC.error(status, message, error_type, code, None)).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Request-Id", str(uuid.uuid4()))
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve  # noqa: N815

    return RequestHandler


class GatewayServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # bursts of concurrent clients (the race tests) must not be refused
    allow_reuse_address = True


def serve(gateway: Gateway, port: int) -> GatewayServer:
    server = GatewayServer(("127.0.0.1", port), _request_handler(gateway))
    threading.Thread(target=server.serve_forever, name="gateway", daemon=True).start()
    return server
