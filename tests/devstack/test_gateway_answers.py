"""What the gateway answers itself, as API Gateway does, driven as an ASGI app (no sockets)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from devstack.gateway import MAX_PAYLOAD_BYTES, Gateway
from devstack.instances import FunctionError, Invocation
from devstack.routes import RouteTable
from devstack.specs import HttpRoute

ROUTES = [
    HttpRoute("POST", "/things", "Things"),
    HttpRoute("GET", "/things/{id}", "Things", timeout_ms=200),
]


class Answers:
    """An invoker standing in for the instances: answers with `result` after `delay` seconds."""

    def __init__(self, result: Any = None, error: FunctionError | None = None, delay: float = 0.0) -> None:
        self.result, self.error, self.delay = result, error, delay
        self.events: list[dict[str, Any]] = []

    async def __call__(self, function: str, event: dict[str, Any]) -> Invocation:
        self.events.append(event)
        await asyncio.sleep(self.delay)
        return Invocation("req", result=self.result, error=self.error)


def request(
    answers: Answers,
    method: str,
    path: str,
    body: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    routes: list[HttpRoute] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    gateway = Gateway(RouteTable(routes or ROUTES), answers, port=3000, client_timeout=5)
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": headers or [(b"host", b"127.0.0.1:3000")],
        "client": ("127.0.0.1", 50000),
    }
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)] or [b""]
    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(gateway(scope, receive, send))
    start, body_message = sent
    response_headers = {name.decode(): value.decode() for name, value in start["headers"]}
    return start["status"], response_headers, body_message["body"]


def test_a_function_result_comes_back_with_api_gateways_request_id() -> None:
    answers = Answers({"statusCode": 201, "headers": {"content-type": "text/plain"}, "body": "made"})

    status, headers, body = request(answers, "POST", "/things", b"{}")

    assert (status, body) == (201, b"made")
    assert headers["apigw-requestid"] == answers.events[0]["requestContext"]["requestId"]
    assert headers["content-length"] == "4"


def test_a_payload_over_10_mb_is_a_413_and_never_reaches_the_function() -> None:
    answers = Answers({"statusCode": 200})
    declared = [(b"host", b"x"), (b"content-length", str(MAX_PAYLOAD_BYTES + 1).encode())]

    by_length = request(answers, "POST", "/things", headers=declared)
    by_bytes = request(answers, "POST", "/things", b"x" * (MAX_PAYLOAD_BYTES + 1))

    for status, headers, body in (by_length, by_bytes):
        assert status == 413
        assert json.loads(body) == {"message": "Request Entity Too Large"}
        assert headers["content-type"] == "application/json"
    assert answers.events == []


def test_exactly_10_mb_is_accepted() -> None:
    answers = Answers({"statusCode": 200, "body": "ok"})
    assert request(answers, "POST", "/things", b"x" * MAX_PAYLOAD_BYTES)[0] == 200


def test_a_failed_function_is_api_gateways_500() -> None:
    for error in [
        FunctionError("ValueError", "boom"),
        FunctionError("Sandbox.Timedout", "Task timed out after 10.00 seconds"),
        FunctionError("Runtime.ExitError", "Runtime exited with error: exit status 1"),
    ]:
        status, headers, body = request(Answers(error=error), "POST", "/things")
        assert status == 500
        assert json.loads(body) == {"message": "Internal Server Error"}
        assert headers["apigw-requestid"]


def test_a_malformed_result_is_api_gateways_500() -> None:
    status, _, body = request(Answers({"statusCode": "teapot"}), "POST", "/things")
    assert (status, json.loads(body)) == (500, {"message": "Internal Server Error"})


def test_no_answer_within_the_integration_timeout_is_api_gateways_503() -> None:
    status, _, body = request(Answers({"statusCode": 200}, delay=1.0), "GET", "/things/1")
    assert (status, json.loads(body)) == (503, {"message": "Service Unavailable"})


def test_without_a_default_route_unknown_paths_and_methods_get_api_gateways_404() -> None:
    for method, path in [("GET", "/nowhere"), ("DELETE", "/things/1")]:
        status, headers, body = request(Answers(), method, path)
        assert (status, json.loads(body)) == (404, {"message": "Not Found"})
        assert headers["apigw-requestid"]


def test_with_a_default_route_every_unmatched_request_goes_to_it() -> None:
    answers = Answers({"ok": True})
    routes = [*ROUTES, HttpRoute("ANY", "$default", "CatchAll")]

    status, _, _ = request(answers, "DELETE", "/nowhere", routes=routes)

    assert status == 200
    assert answers.events[0]["routeKey"] == "$default"
    assert answers.events[0]["requestContext"]["routeKey"] == "$default"
    assert "pathParameters" not in answers.events[0]


def test_the_event_carries_api_gateways_forwarding_headers_and_a_sane_host() -> None:
    answers = Answers({"statusCode": 200})
    headers = [(b"host", b"a:b:c"), (b"x-forwarded-for", b"10.0.0.1"), (b"transfer-encoding", b"chunked")]

    request(answers, "POST", "/things", b"{}", headers=headers)

    sent = answers.events[0]["headers"]
    assert sent["host"] == "127.0.0.1:3000"
    assert sent["x-forwarded-for"] == "10.0.0.1, 127.0.0.1"
    assert sent["x-forwarded-port"] == "3000"
    assert sent["x-forwarded-proto"] == "http"
    assert sent["content-length"] == "2"
    assert "transfer-encoding" not in sent
    assert sent["x-amzn-trace-id"].startswith("Root=1-")
