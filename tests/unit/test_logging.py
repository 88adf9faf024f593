"""Operations: structured JSON logs with a correlation id, never bodies or secrets; EMF metrics."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.builders import ORDER_EVENTS_SECRET, http_event, signed_order_event
from tests.support import ApiResponse, invoke_page
from tests.unit.conftest import Shop

Call = Callable[[str, dict[str, Any]], ApiResponse]
CARD_LIKE = "4242424242424242"


def json_lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def logged(output: str, message: str) -> list[dict[str, Any]]:
    """The JSON log lines with this message, in order."""
    return [line for line in json_lines(output) if line.get("message") == message]


@pytest.fixture
def logs(function_env: None, capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[[], str]]:
    """What the functions wrote to stdout: their JSON logs and EMF metrics.

    The powertools logger keeps the stream it was created with, so point it at this test's
    captured stdout (otherwise an absence check would pass vacuously)."""
    from checkout.observability import logger

    handler = logger.registered_handler
    handler.stream = _CurrentStdout()  # type: ignore[attr-defined]  # not setStream: it flushes the old one
    yield lambda: capsys.readouterr().out
    handler.stream = sys.__stdout__  # type: ignore[attr-defined]


class _CurrentStdout:
    """Writes wherever `sys.stdout` points now (pytest swaps it between setup and call)."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


def test_a_rejected_request_logs_its_code_and_correlation_id_but_not_the_body(
    call: Call, logs: Callable[[], str]
) -> None:
    body = {"metadata": {"note": CARD_LIKE}, "expires_in": 1}
    response = call("create_checkout_session", http_event("create_checkout_session", body=body))

    output = logs()
    assert response.status == 400
    assert CARD_LIKE not in output
    rejected = logged(output, "request rejected")[0]
    assert rejected["correlation_id"] == "Vx1aBcDeFgHiJkL="
    assert rejected["error_code"] == "parameter_invalid"
    assert rejected["level"] == "INFO"


def test_a_request_without_an_api_request_id_logs_under_the_id_it_answers_with(
    call: Call, logs: Callable[[], str]
) -> None:
    event = http_event("create_checkout_session", body={"expires_in": 1})
    del event["requestContext"]["requestId"]
    response = call("create_checkout_session", event)

    rejected = logged(logs(), "request rejected")[0]
    assert response.status == 400
    assert rejected["correlation_id"] == response.headers["x-request-id"]


def test_a_page_request_without_an_api_request_id_logs_under_the_id_it_answers_with(
    logs: Callable[[], str],
) -> None:
    event = http_event("hosted_page")  # a session that does not exist: the 404 page, logged
    del event["requestContext"]["requestId"]
    response = invoke_page("hosted_page", event)

    not_found = logged(logs(), "page not found")[0]
    assert response.status == 404
    assert not_found["correlation_id"] == response.headers["x-request-id"]


def test_a_request_logs_nothing_under_the_previous_requests_correlation_id(
    call: Call, logs: Callable[[], str]
) -> None:
    first = http_event("create_checkout_session", body={"expires_in": 1})
    second = http_event("create_checkout_session", body={"expires_in": 2})
    second["requestContext"]["requestId"] = "second-request"
    call("create_checkout_session", first)
    call("create_checkout_session", second)

    rejected = logged(logs(), "request rejected")
    assert [line["correlation_id"] for line in rejected] == ["Vx1aBcDeFgHiJkL=", "second-request"]


def test_a_created_session_emits_an_emf_metric_and_logs_no_body(call: Call, logs: Callable[[], str]) -> None:
    body = {"metadata": {"note": CARD_LIKE}}
    assert call("create_checkout_session", http_event("create_checkout_session", body=body)).status == 200

    output = logs()
    assert CARD_LIKE not in output
    emf = next(line for line in json_lines(output) if "_aws" in line)
    assert emf["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Checkout"
    assert emf["CheckoutSessionCreated"] == [1.0]


def test_the_order_events_secret_never_reaches_the_logs(
    call: Call, shop: Shop, logs: Callable[[], str]
) -> None:
    order = shop.order()
    event = {"id": "evt_log", "orderId": order.id, "status": "relay"}
    call("record_order_event", signed_order_event(event, ["whsec_wrong_secret_value"]))
    call("record_order_event", signed_order_event(event, [ORDER_EVENTS_SECRET]))

    output = logs()
    assert "whsec_" not in output
    assert "checkout-signature" not in output.lower()
    assert any(line.get("error_code") == "invalid_signature" for line in json_lines(output))  # logs were seen


def test_an_internal_error_is_logged_with_its_trace_but_answered_generically(
    call: Call, monkeypatch: pytest.MonkeyPatch, logs: Callable[[], str]
) -> None:
    from checkout import composition

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("table definition drifted: secret internals")

    monkeypatch.setattr(composition.session_service(), "create", broken)
    response = call("create_checkout_session", http_event("create_checkout_session", body={}))

    output = logs()
    assert response.status == 500
    assert "secret internals" not in json.dumps(response.body)
    assert response.body["message"] == "An internal error occurred"
    error = logged(output, "unhandled error")[0]
    assert "secret internals" in error["exception"]
