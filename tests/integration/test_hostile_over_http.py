"""Issue 10 over real HTTP on the local stack, where DynamoDB Local enforces what moto does not:
numbers, empty keys and nesting that used to be 500s; odd paths; the SDK's exact order bodies
linked through `callbackMetadata.checkoutSessionId`; transactions as their own items."""

from __future__ import annotations

import json
import secrets
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from checkout.web.signatures import HEADER, signature_header
from tests.builders import ORDER_EVENTS_SECRET, order_body
from tests.integration.conftest import stored_item
from tests.support import new_session

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sdk"
ADDRESS = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


def raw_json(body: Any, **raw_values: str) -> str:
    text = json.dumps(body)
    for name, raw in raw_values.items():
        text = text.replace(f'"@{name}@"', raw)
    return text


def post_raw(
    api: httpx.Client, path: str, text: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    sent = {"content-type": "application/json"} | {
        name.lower(): value for name, value in (headers or {}).items()
    }
    return api.post(path, content=text.encode(), headers=sent)


def exact(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return json.loads(response.text, parse_float=Decimal)["data"]


def post_event(api: httpx.Client, event: dict[str, Any] | str) -> httpx.Response:
    body = (event if isinstance(event, str) else json.dumps(event)).encode()
    header = signature_header([ORDER_EVENTS_SECRET], int(time.time()), body)
    return api.post(
        "/order-events", content=body, headers={"content-type": "application/json", HEADER: header}
    )


def deep(levels: int, inner: Any = "leaf") -> Any:
    value = inner
    for _ in range(levels):
        value = {"k": value}
    return value


def assert_envelope_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers.get("x-request-id")
    body: dict[str, Any] = response.json()
    assert body["success"] is False and body["statusCode"] == status
    assert body["error"]["code"] == code and body["error"]["message"] == body["message"]
    return body


@pytest.mark.parametrize(
    "number",
    [
        "12.5",
        "1e10",
        "-0.000001",
        "12345678901234567890123456789012345678",
        "1e-130",
        "9.9999999999999999999999999999999999999e125",
    ],
)
def test_numbers_round_trip_exactly_through_dynamodb(api: httpx.Client, number: str) -> None:
    body = order_body(metadata={"n": "@n@"}, payload={"l": ["@n@"]}, callbackMetadata={"m": {"n": "@n@"}})
    created = exact(post_raw(api, "/orders", raw_json(body, n=number)))
    stored = exact(api.get(f"/orders/{created['id']}"))["order"]
    assert (
        stored["metadata"]["n"]
        == stored["payload"]["l"][0]
        == stored["callbackMetadata"]["m"]["n"]
        == Decimal(number)
    )


@pytest.mark.parametrize(
    ("metadata", "param"),
    [
        ('{"n": 1e400}', "metadata.n"),
        ('{"n": 1e126}', "metadata.n"),
        ('{"n": 1e-131}', "metadata.n"),
        ('{"n": 123456789012345678901234567890123456789}', "metadata.n"),
        ('{"n": 1.23456789012345678901234567890123456789}', "metadata.n"),
        ('{"": 1}', "metadata"),
        (json.dumps(deep(32)), "metadata"),
        (json.dumps(deep(31, {})), "metadata"),
    ],
)
def test_what_dynamodb_cannot_store_is_a_400_naming_the_field(
    api: httpx.Client, metadata: str, param: str
) -> None:
    response = post_raw(api, "/orders", raw_json(order_body(metadata="@m@"), m=metadata))
    body = assert_envelope_error(response, 400, "parameter_invalid")
    assert body["error"]["param"] == param


def test_the_deepest_nesting_dynamodb_stores_is_accepted(api: httpx.Client) -> None:
    """31 objects around a value, or around an empty object: DynamoDB's 32 levels."""
    for payload in (deep(31), deep(30, {}), {"a": [deep(29)]}):
        created = exact(api.post("/orders", json=order_body(payload=payload)))
        assert exact(api.get(f"/orders/{created['id']}"))["order"]["payload"] == payload


def test_event_error_details_with_a_float_are_stored(api: httpx.Client) -> None:
    order = exact(api.post("/orders", json=order_body()))
    details = {"ratio": "@r@", "limit": "@l@"}
    event = {
        "id": f"evt_{secrets.token_hex(6)}",
        "orderId": order["id"],
        "status": "failure",
        "errorDetails": details,
    }
    data = exact(post_event(api, raw_json(event, r="0.125", l="1e10")))
    assert json.loads(data["order"]["errorDetails"]) == {"limit": 10000000000, "ratio": 0.125}


@pytest.mark.parametrize(
    "path", ["/checkout-sessions/a%0Ab", "/orders/a%0Ab", "/checkout-sessions/%E2%80%8B/expire"]
)
def test_an_odd_path_is_answered_in_the_envelope(api: httpx.Client, path: str) -> None:
    method = "POST" if path.endswith("/expire") else "GET"
    assert_envelope_error(api.request(method, path), 404, "resource_missing")


def test_a_lone_surrogate_is_a_400(api: httpx.Client) -> None:
    response = post_raw(api, "/checkout-sessions", '{"success_url": "https://shop.example/\\ud800"}')
    assert assert_envelope_error(response, 400, "parameter_invalid")["error"]["param"] == "success_url"


def test_an_internationalised_redirect_host_is_stored_as_punycode(api: httpx.Client, dynamodb: Any) -> None:
    session = new_session(api, success_url="https://b\u00fccher.example/danke")
    item = stored_item(dynamodb, f"SESSION#{session['id']}", "SESSION")
    assert item is not None
    assert item["success_url"]["S"] == f"https://xn--bcher-kva.example/danke?sessionId={session['id']}"


# --- the SDK's bodies ---------------------------------------------------------------------------------
def sdk_order(api: httpx.Client, fixture: str, session_id: str) -> httpx.Response:
    recorded = json.loads((FIXTURES / fixture).read_text())
    text = json.dumps(recorded["request"]["body"], separators=(",", ":")).replace(
        "{CHECKOUT_SESSION_ID}", session_id
    )
    return post_raw(api, "/orders", text, recorded["request"]["headers"])


def test_the_sdks_checkout_order_links_and_is_paid_in_the_sdks_shape(
    api: httpx.Client, dynamodb: Any
) -> None:
    session = new_session(api, success_url="https://shop.example/thanks")
    order = exact(sdk_order(api, "create_order_crypto_swap.json", session["id"]))
    assert order["checkoutSessionId"] == session["id"]

    deposit = {"kind": "deposit", "chainId": 8453, "txHash": "0x" + secrets.token_hex(32)}
    deposit |= {"amount": "25000000", "from": ADDRESS, "status": "success"}
    event = {
        "id": f"evt_{secrets.token_hex(6)}",
        "orderId": order["id"],
        "status": "sending_token_from_vault",
    }
    assert post_event(api, event | {"transaction": deposit}).status_code == 200

    view = exact(api.get(f"/checkout-sessions/{session['id']}", params={"include": "order"}))
    assert view["order_id"] == order["id"]
    details = view["order"]
    assert details["points"] is None
    assert details["order"]["callbackMetadata"]["checkoutSessionId"] == session["id"]
    assert details["order"]["receivedDepositAt"] == details["depositTxs"][0]["createdAt"]
    assert details["depositTxs"] == [
        {
            "orderId": order["id"],
            "chain": 8453,
            "txHash": deposit["txHash"],
            "amount": "25000000",
            "from": ADDRESS,
            "status": "success",
            "createdAt": details["depositTxs"][0]["createdAt"],
        }
    ]
    item = stored_item(dynamodb, f"ORDER#{order['id']}", "ORDER")
    assert item is not None and "deposit_txs" not in item


def test_the_sdks_coinbase_order_redirects_where_the_sdk_asked(api: httpx.Client) -> None:
    session = new_session(api, success_url="https://shop.example/thanks")
    order = exact(sdk_order(api, "create_order_coinbase_onramp.json", session["id"]))
    assert order["onrampMetadata"]["redirectUrl"] == "https://shop.example/checkout?cart=42"
    assert exact(api.get(f"/checkout-sessions/{session['id']}"))["order_id"] == order["id"]


# --- the ingress ---------------------------------------------------------------------------------------
def test_dust_deposits_never_grow_the_order_item(api: httpx.Client, dynamodb: Any) -> None:
    order = exact(api.post("/orders", json=order_body()))

    def dust(n: int) -> httpx.Response:
        transaction = {"kind": "deposit", "chainId": 8453, "txHash": f"0x{n:064x}", "amount": "1"}
        event = {
            "id": f"dust-{order['id']}-{n}",
            "orderId": order["id"],
            "status": "scanning_deposit_transaction",
        }
        return post_event(api, event | {"transaction": transaction})

    assert dust(0).status_code == 200
    first = stored_item(dynamodb, f"ORDER#{order['id']}", "ORDER")
    for n in range(1, 60):
        assert dust(n).status_code == 200
    last = stored_item(dynamodb, f"ORDER#{order['id']}", "ORDER")
    assert first is not None and last is not None
    assert len(json.dumps(last)) == len(json.dumps(first))
    assert len(exact(api.get(f"/orders/{order['id']}"))["depositTxs"]) == 60


def test_a_reused_event_id_is_a_409_and_a_refund_needs_a_deposit(api: httpx.Client) -> None:
    order = exact(api.post("/orders", json=order_body()))
    event = {"id": f"evt_{secrets.token_hex(6)}", "orderId": order["id"], "status": "failure"}
    assert post_event(api, event).status_code == 200
    assert post_event(api, event).json()["message"] == "Order event already recorded"
    assert_envelope_error(post_event(api, event | {"status": "executing"}), 409, "event_id_reused")

    refund = {"id": f"evt_{secrets.token_hex(6)}", "orderId": order["id"], "status": "refunding"}
    assert_envelope_error(post_event(api, refund), 409, "illegal_transition")
