"""A local API Gateway HTTP API, as an ASGI app: each request becomes a v2.0 event, routed by
the template's `HttpApi` events to that function's instances, like `sam local start-api`
without Docker. What API Gateway answers itself, it answers the same way (docs/decisions.md):

- a body over 10 MB: 413 `{"message":"Request Entity Too Large"}`;
- the function failed (an exception, its timeout, its memory, its process died) or returned a
  malformed result: 500 `{"message":"Internal Server Error"}`;
- no answer within the route's integration timeout (`TimeoutInMillis`, 30 s by default):
  503 `{"message":"Service Unavailable"}`;
- a request matching no route (an unknown path or another method), while the template has no
  `$default` route: 404 `{"message":"Not Found"}`. The template's `$default` function answers
  such requests in the project's own envelopes instead.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from devstack.http_events import HttpResponse, build_event, new_request_id, new_trace_id, response_from_result
from devstack.instances import Invocation
from devstack.routes import RouteTable

logger = logging.getLogger("devstack")

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway's own limit; the functions enforce theirs
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
_FORWARDED = {"x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id"}  # API Gateway sets these

Invoker = Callable[[str, dict[str, Any]], Awaitable[Invocation]]
Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class PayloadTooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


def api_gateway_answer(status: int, message: str, request_id: str, close: bool = False) -> HttpResponse:
    headers = [("content-type", "application/json"), ("apigw-requestid", request_id)]
    if close:
        headers.append(("connection", "close"))
    return HttpResponse(status, headers, json.dumps({"message": message}, separators=(",", ":")).encode())


async def read_body(receive: Receive, limit: int) -> bytes:
    """The whole body (Content-Length or chunked alike: the server has framed it)."""
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        body += message.get("body", b"")
        if len(body) > limit:
            raise PayloadTooLarge
        if not message.get("more_body", False):
            return bytes(body)


def forwarded_headers(
    headers: list[tuple[str, str]], body: bytes, client_ip: str, port: int
) -> list[tuple[str, str]]:
    """The request headers as API Gateway hands them on: framing headers gone (the body arrives
    whole), a Content-Length for a body that came chunked, and its own X-Forwarded-* headers."""
    kept = [(name, value) for name, value in headers if name not in _HOP_BY_HOP | _FORWARDED]
    if body and not any(name == "content-length" for name, _ in kept):
        kept.append(("content-length", str(len(body))))
    forwarded_for = [value for name, value in kept if name == "x-forwarded-for"]
    kept = [(name, value) for name, value in kept if name != "x-forwarded-for"]
    return [
        *kept,
        ("x-amzn-trace-id", new_trace_id()),
        ("x-forwarded-for", ", ".join([*forwarded_for, client_ip])),
        ("x-forwarded-port", str(port)),
        ("x-forwarded-proto", "http"),
    ]


class Gateway:
    def __init__(self, routes: RouteTable, invoke: Invoker, port: int, client_timeout: float) -> None:
        self.routes = routes
        self.invoke = invoke
        self.port = port
        self.client_timeout = client_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request_id = new_request_id()
        try:
            response = await self._answer(scope, receive, request_id)
        except ClientGone:
            return
        await send_response(send, response)

    async def _answer(self, scope: Scope, receive: Receive, request_id: str) -> HttpResponse:
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]]
        declared = next((value for name, value in headers if name == "content-length"), "0")
        if declared.isdigit() and int(declared) > MAX_PAYLOAD_BYTES:  # the server rejects non-numbers
            return api_gateway_answer(413, "Request Entity Too Large", request_id, close=True)
        try:
            async with asyncio.timeout(self.client_timeout):
                body = await read_body(receive, MAX_PAYLOAD_BYTES)
        except PayloadTooLarge:
            return api_gateway_answer(413, "Request Entity Too Large", request_id, close=True)
        except TimeoutError:
            return api_gateway_answer(408, "Request Timeout", request_id, close=True)
        method = scope["method"].upper()
        path = scope["raw_path"].decode("latin-1") if scope.get("raw_path") else scope["path"]
        query = scope.get("query_string", b"").decode("latin-1")
        match = self.routes.resolve(method, path)
        if match is None:
            return api_gateway_answer(404, "Not Found", request_id)
        client_ip = scope["client"][0] if scope.get("client") else "127.0.0.1"
        event = build_event(
            match.route,
            method,
            path + (f"?{query}" if query else ""),
            forwarded_headers(headers, body, client_ip, self.port),
            body,
            client_ip,
            match.path_parameters,
            request_id=request_id,
            default_host=f"127.0.0.1:{self.port}",
        )
        return await self._integrate(match.route.function, match.route.timeout_ms / 1000, event, request_id)

    async def _integrate(
        self, function: str, timeout: float, event: dict[str, Any], request_id: str
    ) -> HttpResponse:
        # The invocation runs on even when the integration gives up on it, as in AWS.
        invocation = asyncio.ensure_future(self.invoke(function, event))
        invocation.add_done_callback(_consume)
        await asyncio.wait({invocation}, timeout=timeout)
        if not invocation.done():
            logger.error("%s: no answer within the %.0f s integration timeout", function, timeout)
            return api_gateway_answer(503, "Service Unavailable", request_id)
        result = invocation.result()
        if result.error is not None:
            logger.error("%s failed: %s: %s", function, result.error.error_type, result.error.message)
            return api_gateway_answer(500, "Internal Server Error", request_id)
        response = response_from_result(result.result)
        if response is None:
            logger.error("%s returned a malformed response", function)
            return api_gateway_answer(500, "Internal Server Error", request_id)
        return HttpResponse(
            response.status, [*response.headers, ("apigw-requestid", request_id)], response.body
        )


def _consume(task: asyncio.Future[Invocation]) -> None:
    if not task.cancelled():
        task.exception()


async def send_response(send: Send, response: HttpResponse) -> None:
    headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in response.headers]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
