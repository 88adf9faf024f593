"""The exact requests the published SDK's `anyspendService.createOrder` sends (DESIGN 13), recorded
from @b3dotfun/sdk 0.1.70-alpha.5 in tests/fixtures/sdk (each names its source file and line),
through the real `create_order` handler: the checkout component's orders link through
`callbackMetadata.checkoutSessionId`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.builders import http_event
from tests.functional.hostile_fixtures import (
    assert_error_envelope,
    create_session,
    get_session,
    moto_checkout,
)
from tests.support import ApiResponse, invoke_http

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sdk"
SESSION_PLACEHOLDER = "{CHECKOUT_SESSION_ID}"


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with moto_checkout(monkeypatch) as client:
        yield client


def sdk_request(name: str, session_id: str) -> tuple[bytes, dict[str, str]]:
    """The recorded body, as `JSON.stringify` writes it, for `session_id`; and its headers."""
    recorded = json.loads((FIXTURES / name).read_text())
    assert recorded["source"]["package"] == "@b3dotfun/sdk@0.1.70-alpha.5"
    assert recorded["source"]["sends"].startswith("dist/cjs/anyspend/services/anyspend.js:")
    text = json.dumps(recorded["request"]["body"], separators=(",", ":")).replace(
        SESSION_PLACEHOLDER, session_id
    )
    return text.encode(), dict(recorded["request"]["headers"])


def send(name: str, session_id: str) -> tuple[ApiResponse, dict[str, Any]]:
    raw, headers = sdk_request(name, session_id)
    event = http_event("create_order", raw_body=raw, headers=headers)
    return invoke_http("create_order", event), json.loads(raw)


def test_the_sdks_crypto_order_links_through_callback_metadata(store: Any) -> None:
    session = create_session(success_url="https://shop.example/thanks")

    response, body = send("create_order_crypto_swap.json", session["id"])

    assert response.status == 200, response.body
    order = response.data
    assert "checkoutSessionId" not in body and body["callbackMetadata"]["checkoutSessionId"] == session["id"]
    assert order["checkoutSessionId"] == session["id"]
    assert order["callbackMetadata"] == body["callbackMetadata"]
    assert order["metadata"] == body["metadata"]
    assert order["creatorAddress"] == "0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B"
    assert order["partnerId"] == "partner_shop"
    assert order["feeOnTop"] is None
    linked = get_session(session["id"], include_order=True).data
    assert linked["order_id"] == order["id"]
    assert linked["order"]["order"]["callbackMetadata"]["checkoutSessionId"] == session["id"]


def test_the_sdks_coinbase_onramp_order_keeps_its_redirect_url(store: Any) -> None:
    session = create_session(success_url="https://shop.example/thanks")

    response, body = send("create_order_coinbase_onramp.json", session["id"])

    assert response.status == 200, response.body
    order = response.data
    assert order["checkoutSessionId"] == session["id"]
    assert order["onrampMetadata"] == {
        **body["onramp"],
        "redirectUrl": "https://shop.example/checkout?cart=42",
    }
    assert "redirectUrl=https%3A%2F%2Fshop.example%2Fcheckout%3Fcart%3D42" in order["oneClickBuyUrl"]


def test_the_sdks_card_order_names_its_unsupported_vendor_and_links_nothing(store: Any) -> None:
    session = create_session()

    response, _ = send("create_order_stripe_onramp.json", session["id"])

    assert_error_envelope(response, 400, "parameter_invalid")
    assert response.body["error"]["param"] == "onramp.vendor"
    assert get_session(session["id"]).data["order_id"] is None


def test_a_second_sdk_order_for_the_session_is_a_409(store: Any) -> None:
    session = create_session()
    assert send("create_order_crypto_swap.json", session["id"])[0].status == 200
    assert_error_envelope(
        send("create_order_coinbase_onramp.json", session["id"])[0], 409, "session_has_order"
    )
