"""The gateway speaks correct HTTP/1.1 (uvicorn): chunked bodies, HEAD, bad lengths, slow
clients, keep-alive; and each request's logs carry its own correlation id, however many run."""

from __future__ import annotations

import json
import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.stack import CLIENT_TIMEOUT, RunningStack


def connect(stack: RunningStack, timeout: float = 10.0) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", stack.port), timeout=timeout)
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Everything until the server closes the connection (or the socket times out)."""
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except TimeoutError:
        pass
    return received


def responses(raw: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """Splits pipelined HTTP/1.1 responses framed by Content-Length."""
    parsed = []
    while raw:
        head, _, rest = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {
            name.lower(): value.strip() for name, _, value in (line.partition(":") for line in header_lines)
        }
        length = int(headers.get("content-length", "0"))
        parsed.append((int(status_line.split()[1]), headers, rest[:length]))
        raw = rest[length:]
    return parsed


def test_a_chunked_body_arrives_whole_and_the_connection_stays_usable(real_stack: RunningStack) -> None:
    body = json.dumps({"metadata": {"cart": "c1"}, "client_reference_id": "chunky"}).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:7], body[7:20], body[20:]))
    with connect(real_stack) as sock:
        sock.sendall(
            b"POST /checkout-sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n"
            b"GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        (created, after) = responses(read_all(sock))

    assert created[0] == 200, created
    session = json.loads(created[2])["data"]
    assert session["metadata"] == {"cart": "c1"}
    assert session["client_reference_id"] == "chunky"
    assert after[0] == 404  # the chunk bytes were not read as a second request


def test_head_gets_the_headers_and_no_body(real_stack: RunningStack) -> None:
    with connect(real_stack) as sock:
        sock.sendall(
            b"HEAD /checkout-sessions/5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f21 HTTP/1.1\r\n"
            b"Host: 127.0.0.1\r\n\r\n"
            b"GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        raw = read_all(sock)

    head, _, rest = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 405 ")  # HEAD is its own method: the route is GET only
    assert int(dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:])["content-length"]) > 0
    assert rest.startswith(b"HTTP/1.1 404 "), "no body followed the HEAD response"


def test_a_bad_content_length_is_a_400_at_once(real_stack: RunningStack) -> None:
    for length in (b"abc", b"-5", b"1e3", b"5, 6"):
        started = time.monotonic()
        with connect(real_stack) as sock:
            sock.sendall(
                b"POST /checkout-sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                + length
                + b"\r\n\r\n{}"
            )
            raw = read_all(sock)
        assert raw.startswith(b"HTTP/1.1 400 "), (length, raw)
        assert time.monotonic() - started < 2, "answered without waiting for a body"
    assert httpx.post(f"{real_stack.base_url}/checkout-sessions", json={}).status_code == 200


def test_a_body_declared_over_10_mb_is_refused_before_it_is_sent(real_stack: RunningStack) -> None:
    with connect(real_stack) as sock:
        sock.sendall(
            b"POST /checkout-sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 10485761\r\n\r\n{"
        )
        ((status, headers, body),) = responses(read_all(sock))
    assert (status, json.loads(body)) == (413, {"message": "Request Entity Too Large"})
    assert headers["connection"] == "close"


def test_a_slow_client_holds_up_no_one_and_is_cut_off(real_stack: RunningStack) -> None:
    with httpx.Client(base_url=real_stack.base_url, timeout=10) as api, ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda _: api.post("/checkout-sessions", json={}), range(10)))  # instances warm
    head_never_ends = connect(real_stack)
    head_never_ends.sendall(b"POST /checkout-sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl")
    body_never_ends = connect(real_stack)
    body_never_ends.sendall(
        b"POST /checkout-sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b'Content-Length: 100\r\n\r\n{"meta'
    )
    started = time.monotonic()

    with httpx.Client(base_url=real_stack.base_url, timeout=10) as api, ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(lambda _: api.post("/checkout-sessions", json={}).status_code, range(20)))

    assert statuses == [200] * 20
    assert time.monotonic() - started < CLIENT_TIMEOUT, "the others were served while the slow ones waited"
    with head_never_ends, body_never_ends:
        assert read_all(head_never_ends) == b"", "the server closed the connection"
        timed_out = responses(read_all(body_never_ends))
    assert time.monotonic() - started < CLIENT_TIMEOUT + 3
    assert [(status, json.loads(body)) for status, _, body in timed_out] == [
        (408, {"message": "Request Timeout"})
    ]


def test_a_malformed_host_is_no_server_error(real_stack: RunningStack) -> None:
    with connect(real_stack) as sock:
        sock.sendall(
            b"POST /checkout-sessions HTTP/1.1\r\nHost: a:b:c\r\nContent-Type: application/json\r\n"
            b"Content-Length: 2\r\nConnection: close\r\n\r\n{}"
        )
        ((status, _, body),) = responses(read_all(sock))
    assert status == 200, body
    assert json.loads(body)["success"] is True


def json_lines(log: str) -> list[dict[str, Any]]:
    """The functions' JSON log lines (a line another process is still writing is left out)."""
    lines = []
    for line in log.splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            continue
    return [line for line in lines if isinstance(line, dict)]


def test_logs_carry_each_requests_own_correlation_id_under_twenty_concurrent_requests(
    real_stack: RunningStack,
) -> None:
    unknown = str(uuid.uuid4())
    requests: list[tuple[str, str, dict[str, Any] | None, str]] = [
        ("POST", "/checkout-sessions", {"bogus": 1}, "CreateCheckoutSessionFunction"),
        ("GET", f"/checkout-sessions/{unknown}", None, "GetCheckoutSessionFunction"),
        ("POST", f"/checkout-sessions/{unknown}/expire", None, "ExpireCheckoutSessionFunction"),
        ("POST", "/orders", {"bogus": 1}, "CreateOrderFunction"),
        ("GET", f"/orders/{unknown}", None, "GetOrderFunction"),
    ] * 4

    def send(request: tuple[str, str, dict[str, Any] | None, str]) -> tuple[httpx.Response, str]:
        method, path, body, function = request
        return httpx.request(method, f"{real_stack.base_url}{path}", json=body, timeout=30), function

    with ThreadPoolExecutor(20) as pool:
        answered = list(pool.map(send, requests))

    time.sleep(0.5)  # the instances write their logs as they answer; let the last lines land
    by_id: dict[str, list[dict[str, Any]]] = {}
    for line in json_lines(real_stack.log()):
        if "correlation_id" in line:
            by_id.setdefault(line["correlation_id"], []).append(line)
    for response, function in answered:
        request_id = response.headers["x-request-id"]
        assert response.status_code in (400, 404), response.text
        assert request_id == response.headers["apigw-requestid"]
        (line,) = by_id[request_id]  # one "request rejected" line, from this request only
        assert line["function_name"] == function
        assert line["message"] == "request rejected"
        assert line["error_code"] == response.json()["error"]["code"]
