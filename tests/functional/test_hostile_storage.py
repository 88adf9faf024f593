"""The store down or refusing a write (issue 10): a quick 503 when it cannot be reached, a 4xx when
it refuses for good, never a 500, a retryable 503 for a permanent refusal, or a hang."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError

from checkout import composition
from devstack.dynamodb_local import free_port
from tests.builders import http_event
from tests.functional.hostile_fixtures import (
    assert_error_envelope,
    deposit,
    moto_checkout,
    new_order,
    order_event,
    post_event,
    use_environment,
)
from tests.support import ApiResponse, invoke_http

BUDGET_SECONDS = 3.5  # the "about 3 s", with room for a loaded 2-core machine
SESSION_ID = "5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f21"


def timed(call: Callable[[], ApiResponse], limit: float = 15.0) -> tuple[ApiResponse, float]:
    """Runs `call` on a worker thread, so a hang fails the test instead of stalling the suite."""
    pool = ThreadPoolExecutor(max_workers=1)
    started = time.monotonic()
    try:
        response = pool.submit(call).result(timeout=limit)
    finally:
        pool.shutdown(wait=False)
    return response, time.monotonic() - started


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers (a hung DynamoDB endpoint)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


@pytest.fixture
def full_backlog() -> Iterator[int]:
    """A port whose accept queue is full: new connections are never established (connect timeout)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = int(listener.getsockname()[1])
    fillers = []
    for _ in range(4):
        filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    yield port
    for filler in fillers:
        filler.close()
    listener.close()


def unreachable_store(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    use_environment(monkeypatch, AWS_ENDPOINT_URL_DYNAMODB=f"http://127.0.0.1:{port}")


CALLS: dict[str, Callable[[], ApiResponse]] = {
    "create session": lambda: invoke_http(
        "create_checkout_session", http_event("create_checkout_session", body={})
    ),
    "get session": lambda: invoke_http(
        "get_checkout_session", http_event("get_checkout_session", session_id=SESSION_ID)
    ),
    "get order": lambda: invoke_http("get_order", http_event("get_order", order_id=SESSION_ID)),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_connection_refused_is_a_quick_503(
    monkeypatch: pytest.MonkeyPatch, call: Callable[[], ApiResponse]
) -> None:
    unreachable_store(monkeypatch, free_port())
    response, elapsed = timed(call)
    assert_error_envelope(response, 503, "service_unavailable")
    assert response.body["error"]["type"] == "api_error"
    assert elapsed < BUDGET_SECONDS


def test_a_store_that_never_answers_is_a_503_within_the_budget(
    monkeypatch: pytest.MonkeyPatch, silent_server: int
) -> None:
    unreachable_store(monkeypatch, silent_server)
    response, elapsed = timed(CALLS["get session"])
    assert_error_envelope(response, 503, "service_unavailable")
    assert elapsed < BUDGET_SECONDS


def test_a_store_that_never_accepts_is_a_503_within_the_budget(
    monkeypatch: pytest.MonkeyPatch, full_backlog: int
) -> None:
    unreachable_store(monkeypatch, full_backlog)
    response, elapsed = timed(CALLS["create session"])
    assert_error_envelope(response, 503, "service_unavailable")
    assert elapsed < BUDGET_SECONDS


# --- permanent refusals ------------------------------------------------------------------------------
class RefusingClient:
    """The real (moto) client, except that one operation fails the way DynamoDB refuses a write."""

    def __init__(self, real: Any, operation: str, error: dict[str, Any]) -> None:
        self._real = real
        self._operation = operation
        self._error = error

    def __getattr__(self, name: str) -> Any:
        if name == self._operation:

            def refuse(**_: Any) -> None:
                raise ClientError(self._error, name)  # type: ignore[arg-type]  # a literal error response

            return refuse
        return getattr(self._real, name)


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with moto_checkout(monkeypatch) as client:
        yield client


def refuse(operation: str, error: dict[str, Any]) -> None:
    repository = composition.repository()
    repository._client = RefusingClient(repository.client, operation, error)  # type: ignore[assignment]


TOO_BIG = {
    "Error": {"Code": "ValidationException", "Message": "Item size has exceeded the maximum allowed size"}
}


def test_an_item_the_store_refuses_for_its_size_is_a_4xx(store: Any) -> None:
    refuse("put_item", TOO_BIG)
    response = invoke_http("create_checkout_session", http_event("create_checkout_session", body={}))
    assert_error_envelope(response, 400, "storage_limit_exceeded")


def test_a_transaction_cancelled_for_a_validation_error_is_a_4xx_not_a_retryable_503(store: Any) -> None:
    order = new_order()
    refuse(
        "transact_write_items",
        {
            "Error": {
                "Code": "TransactionCanceledException",
                "Message": "Transaction cancelled [ValidationError]",
            },
            "CancellationReasons": [
                {"Code": "None"},
                {
                    "Code": "ValidationError",
                    "Message": "Item size to update has exceeded the maximum allowed size",
                },
                {"Code": "None"},
            ],
        },
    )
    response = post_event(order_event(order["id"], "sending_token_from_vault", "e1", transaction=deposit()))
    assert_error_envelope(response, 400, "storage_limit_exceeded")


def test_a_validation_error_that_is_not_about_the_data_stays_a_500(store: Any) -> None:
    """An expression the store cannot parse is this service's bug: loud, never blamed on the caller."""
    refuse("put_item", {"Error": {"Code": "ValidationException", "Message": "Invalid ConditionExpression"}})
    response = invoke_http("create_checkout_session", http_event("create_checkout_session", body={}))
    assert_error_envelope(response, 500, "internal_error")
    assert "ConditionExpression" not in response.body["message"]


def test_throttling_stays_a_retryable_503(store: Any) -> None:
    refuse("get_item", {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}})
    response = invoke_http("get_checkout_session", http_event("get_checkout_session", session_id=SESSION_ID))
    assert_error_envelope(response, 503, "service_unavailable")
