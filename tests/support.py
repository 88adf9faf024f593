"""Running things in tests: real handlers with Lambda's calling convention, and the HTTP flows
the integration tests drive against the local stack."""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx

from checkout.web.signatures import HEADER, signature_header
from devstack.lambda_runtime import Handler, context_for, load_handler
from devstack.template import FunctionSpec, functions
from tests.builders import DEPOSIT_ENV, ORDER_EVENTS_SECRET, order_body
from tests.builders import ROOT as ROOT


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def data(self) -> Any:
        return self.body["data"]

    @property
    def error(self) -> dict[str, Any]:
        """The error object without `message`, which repeats the top-level text (checked apart)."""
        error: dict[str, Any] = dict(self.body["error"])
        assert error.pop("message") == self.body["message"], "error.message repeats the message"
        return error


@cache
def function_specs() -> dict[str, FunctionSpec]:
    return {spec.code_uri.name: spec for spec in functions()}


def container_environment(function: str, *, with_project: bool = False) -> dict[str, str]:
    """A fresh interpreter's environment as `function`'s container has it: the template's variables,
    what the template leaves to the deploy (the table, the deposit contract, the secret) given
    locally, the layer alone on the path (with `with_project`, this project after it, for devstack's
    Lambda context) and nothing else of this machine's (no PATH)."""
    layer = str(ROOT / "layers" / "checkout")
    return {
        **function_specs()[function].environment,
        "PYTHONPATH": f"{layer}:{ROOT}" if with_project else layer,
        "TABLE_NAME": "cold",
        "ORDER_EVENTS_SECRET": "x",
        **DEPOSIT_ENV,
        "PATH": "",
    }


_handlers: dict[str, Handler] = {}


def handler_for(function: str) -> Handler:
    """The real handler of `functions/<function>/app.py`, loaded once like a warm Lambda."""
    if function not in _handlers:
        _handlers[function] = load_handler(function_specs()[function])
    return _handlers[function]


def invoke(function: str, event: dict[str, Any]) -> Any:
    return handler_for(function)(event, context_for(function_specs()[function]))


def invoke_http(function: str, event: dict[str, Any]) -> ApiResponse:
    result = invoke(function, event)
    headers = {name.lower(): value for name, value in result.get("headers", {}).items()}
    return ApiResponse(result["statusCode"], json.loads(result["body"]), headers)


@dataclass(frozen=True)
class PageResponse:
    """A hosted-page function's answer: HTML (or an asset), not the JSON envelope."""

    status: int
    body: bytes
    headers: dict[str, str]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def invoke_page(function: str, event: dict[str, Any]) -> PageResponse:
    result = invoke(function, event)
    headers = {name.lower(): value for name, value in result.get("headers", {}).items()}
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
    return PageResponse(result["statusCode"], body, headers)


# --- flows over HTTP (the local stack) -----------------------------------------------------------
def new_session(api: httpx.Client, **body: Any) -> dict[str, Any]:
    response = api.post("/checkout-sessions", json=body)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def new_linked_order(api: httpx.Client, session_id: str, **changes: Any) -> dict[str, Any]:
    response = api.post("/orders", json=order_body(checkoutSessionId=session_id, **changes))
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def send_order_event(
    api: httpx.Client,
    order_id: str,
    status: str,
    kind: str | None = None,
    event_id: str | None = None,
    secret: str = ORDER_EVENTS_SECRET,
    tx_hash: str | None = None,
) -> httpx.Response:
    """What the payment watcher does: one signed `POST /order-events`."""
    event: dict[str, Any] = {
        "id": event_id or f"evt_{secrets.token_hex(8)}",
        "orderId": order_id,
        "status": status,
    }
    if kind:
        event["transaction"] = {
            "kind": kind,
            "chainId": 8453,
            "txHash": tx_hash or "0x" + secrets.token_hex(32),
        }
    body = json.dumps(event).encode()
    header = signature_header([secret], int(time.time()), body)
    return api.post(
        "/order-events", content=body, headers={"content-type": "application/json", HEADER: header}
    )


def orders_for_session(dynamodb: Any, table_name: str, session_id: str) -> list[dict[str, Any]]:
    """Every order item naming the session (a test-only scan of the test's own table)."""
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {
        "TableName": table_name,
        "FilterExpression": "entity = :order AND checkout_session_id = :sid",
        "ExpressionAttributeValues": {":order": {"S": "order"}, ":sid": {"S": session_id}},
    }
    while True:
        page = dynamodb.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def stored_item(dynamodb: Any, table_name: str, pk: str, sk: str) -> dict[str, Any] | None:
    """An item as DynamoDB holds it (attribute values), read consistently."""
    item: dict[str, Any] | None = dynamodb.get_item(
        TableName=table_name, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
    ).get("Item")
    return item
