"""Helpers for the hostile-input tests that run the real handlers on moto (issue 10).

Kept apart from any conftest so that the tier's own fixtures (being reorganised elsewhere) and
these never collide: each test module wraps `moto_checkout` in a fixture of its own.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from moto import mock_aws

from checkout import composition
from checkout.web.signatures import HEADER, signature_header
from devstack.tables import create_tables
from tests.builders import http_event, load_event
from tests.functional.conftest import FUNCTION_ENV
from tests.support import ApiResponse, invoke, invoke_http

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

TABLE_NAME = "checkout-functional"
ORDER_EVENTS_SECRET = "whsec_functional_secret"
RECIPIENT = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
USDC_BASE = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"
WRITE_OPERATIONS = frozenset({"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"})

ENVIRONMENT = {
    **FUNCTION_ENV,  # the tier's function environment (deposit contract, AUTH_MODE=open, ...)
    "TABLE_NAME": TABLE_NAME,
    "IDEMPOTENCY_TABLE_NAME": f"{TABLE_NAME}-idempotency",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "ORDER_EVENTS_SECRET": ORDER_EVENTS_SECRET,
}
UNSET = ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL", "ALLOWED_REDIRECT_HOSTS", "MIN_EXPIRES_IN")


def use_environment(monkeypatch: pytest.MonkeyPatch, **overrides: str) -> None:
    """The functions' environment (as the template gives it), with fresh cached services."""
    for name, value in {**ENVIRONMENT, **overrides}.items():
        monkeypatch.setenv(name, value)
    for name in UNSET:
        if name not in overrides:
            monkeypatch.delenv(name, raising=False)
    composition.reset()


@dataclass
class WriteLog:
    """Every write the store acknowledged, seen on the botocore client the repository uses: a
    request that changed nothing stored leaves it untouched."""

    acknowledged: list[str] = field(default_factory=list)

    def after_call(self, http_response: Any, model: Any, **_: Any) -> None:
        if model.name in WRITE_OPERATIONS and 200 <= http_response.status_code < 300:
            self.acknowledged.append(model.name)


@contextmanager
def moto_checkout(monkeypatch: pytest.MonkeyPatch, **overrides: str) -> Iterator[DynamoDBClient]:
    """moto's DynamoDB with the template's tables, fresh for this test; the handlers' client is made
    inside the mock. The tables get a name of their own: inside the tier's longer-lived mock (moto
    resets only on its outermost start), another test's items would otherwise still be there."""
    table = f"{TABLE_NAME}-{uuid.uuid4().hex[:8]}"
    use_environment(monkeypatch, TABLE_NAME=table, IDEMPOTENCY_TABLE_NAME=f"{table}-idempotency", **overrides)
    with mock_aws():
        import boto3

        client: DynamoDBClient = boto3.client("dynamodb", region_name="us-east-1")
        create_tables(client, table)
        try:
            yield client
        finally:
            composition.reset()


def watch_writes() -> WriteLog:
    """Registers a `WriteLog` on the repository's own client (made now if not yet)."""
    log = WriteLog()
    composition.repository().client.meta.events.register("after-call.dynamodb", log.after_call)
    return log


# --- requests ------------------------------------------------------------------------------------
def order_body(session_id: str | None = None, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(load_event("create_order")["body"])
    body.pop("checkoutSessionId")
    if session_id is not None:
        body["checkoutSessionId"] = session_id
    body.update(changes)
    return body


def create_session(**body: Any) -> dict[str, Any]:
    response = invoke_http("create_checkout_session", http_event("create_checkout_session", body=body))
    assert response.status == 200, response.body
    data: dict[str, Any] = response.data
    return data


def create_order(body: dict[str, Any], headers: dict[str, str] | None = None) -> ApiResponse:
    return invoke_http("create_order", http_event("create_order", body=body, headers=headers))


def new_order(session_id: str | None = None, **changes: Any) -> dict[str, Any]:
    response = create_order(order_body(session_id, **changes))
    assert response.status == 200, response.body
    data: dict[str, Any] = response.data
    return data


def get_session(session_id: str, include_order: bool = False) -> ApiResponse:
    event = http_event(
        "get_checkout_session", session_id=session_id, query={"include": "order"} if include_order else {}
    )
    return invoke_http("get_checkout_session", event)


def get_order(order_id: str) -> ApiResponse:
    return invoke_http("get_order", http_event("get_order", order_id=order_id))


def signed_event(
    raw: bytes, secret: str = ORDER_EVENTS_SECRET, timestamp: int | None = None
) -> dict[str, Any]:
    """`events/record_order_event.json` carrying `raw`, signed now with `secret`."""
    event = http_event("record_order_event", raw_body=raw)
    when = int(time.time()) if timestamp is None else timestamp
    event["headers"][HEADER] = signature_header([secret], when, raw)
    return event


def post_event(body: dict[str, Any]) -> ApiResponse:
    return post_raw_event(json.dumps(body).encode())


def post_raw_event(raw: bytes) -> ApiResponse:
    return invoke_http("record_order_event", signed_event(raw))


def exact(function: str, event: dict[str, Any]) -> Any:
    """The handler's `data`, read with exact decimals to compare numbers digit for digit."""
    result = invoke(function, event)
    assert result["statusCode"] == 200, result["body"]
    return json.loads(result["body"], parse_float=Decimal)["data"]


def raw_json(body: Any, **raw_values: str) -> str:
    """`body` as JSON text, each string "@name@" replaced by the raw JSON text given for it."""
    text = json.dumps(body)
    for name, raw in raw_values.items():
        text = text.replace(f'"@{name}@"', raw)
    return text


def deep(levels: int) -> Any:
    """`levels` objects nested in each other around a string."""
    value: Any = "leaf"
    for _ in range(levels):
        value = {"k": value}
    return value


def order_event(order_id: str, status: str, event_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": event_id, "orderId": order_id, "status": status, **fields}


def deposit(tx_hash_byte: str = "ab", **fields: Any) -> dict[str, Any]:
    return {"kind": "deposit", "chainId": 8453, "txHash": "0x" + tx_hash_byte * 32, **fields}


def assert_error_envelope(response: ApiResponse, status: int, code: str | None = None) -> None:
    """The contract's error envelope (DESIGN 2): success false, the status, the error object with
    the top-level message repeated, and a request id header."""
    assert response.status == status, response.body
    assert response.body["success"] is False
    assert response.body["statusCode"] == status
    error = response.body["error"]
    assert error["message"] == response.body["message"]
    assert isinstance(error["type"], str)
    if code is not None:
        assert error["code"] == code, response.body
    assert response.headers.get("x-request-id")
