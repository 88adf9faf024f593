"""The published SDK's order fields (DESIGN 13): onramp in camelCase with redirectUrl,
callbackMetadata (and its checkoutSessionId link), feeOnTop, fingerprint headers."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from tests.builders import http_event
from tests.functional.hostile_fixtures import (
    assert_error_envelope,
    create_order,
    create_session,
    exact,
    get_session,
    moto_checkout,
    new_order,
    order_body,
    raw_json,
)
from tests.support import invoke_http


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with moto_checkout(monkeypatch) as client:
        yield client


def test_an_unknown_onramp_field_and_an_unknown_vendor_stay_400s(store: Any) -> None:
    onramp = {"vendor": "coinbase", "paymentMethod": "CARD", "country": "US", "ipAddress": "1.2.3.4"}
    assert_error_envelope(create_order(order_body(onramp=onramp)), 400, "parameter_unknown")
    stripe = {"vendor": "stripe-web2", "paymentMethod": "", "country": "US"}
    assert_error_envelope(create_order(order_body(onramp=stripe)), 400)


def test_payment_method_in_either_casing_but_not_both(store: Any) -> None:
    for onramp in (
        {"vendor": "coinbase", "paymentMethod": "CARD", "country": "us"},
        {"vendor": "coinbase", "payment_method": "CARD", "country": "us"},
    ):
        order = new_order(onramp=onramp)
        assert order["onrampMetadata"]["paymentMethod"] == "CARD"
        assert order["onrampMetadata"]["country"] == "US"
    both = {"vendor": "coinbase", "paymentMethod": "CARD", "payment_method": "CARD", "country": "US"}
    assert_error_envelope(create_order(order_body(onramp=both)), 400)


def test_the_onramp_redirect_url_overrides_the_sessions_success_url(store: Any) -> None:
    session = create_session(success_url="https://shop.example/thanks")
    onramp = {
        "vendor": "coinbase",
        "paymentMethod": "CARD",
        "country": "US",
        "redirectUrl": "https://pay.example/back",
    }
    order = new_order(session["id"], onramp=onramp)
    assert order["onrampMetadata"]["redirectUrl"] == "https://pay.example/back"
    assert "redirectUrl=https%3A%2F%2Fpay.example%2Fback" in order["oneClickBuyUrl"]

    plain = new_order(
        create_session(success_url="https://shop.example/ok")["id"], onramp={**onramp, "redirectUrl": None}
    )
    assert plain["onrampMetadata"]["redirectUrl"].startswith("https://shop.example/ok?sessionId=")

    bad = create_order(order_body(onramp={**onramp, "redirectUrl": "https://evil.com\\.good.com/"}))
    assert_error_envelope(bad, 400, "parameter_invalid")
    assert bad.body["error"]["param"] == "onramp.redirectUrl"


def test_callback_metadata_links_the_order_like_checkout_session_id(store: Any) -> None:
    session = create_session()
    order = new_order(callbackMetadata={"checkoutSessionId": session["id"], "formData": {"email": "a@b.c"}})

    assert order["checkoutSessionId"] == session["id"]
    assert order["callbackMetadata"] == {"checkoutSessionId": session["id"], "formData": {"email": "a@b.c"}}
    assert get_session(session["id"]).data["order_id"] == order["id"]
    second = create_order(order_body(callbackMetadata={"checkoutSessionId": session["id"]}))
    assert_error_envelope(second, 409, "session_has_order")


def test_callback_metadata_and_checkout_session_id_must_agree(store: Any) -> None:
    first, second = create_session(), create_session()
    same = new_order(first["id"], callbackMetadata={"checkoutSessionId": first["id"].upper()})
    assert same["checkoutSessionId"] == first["id"]

    response = create_order(order_body(second["id"], callbackMetadata={"checkoutSessionId": first["id"]}))
    assert_error_envelope(response, 400, "parameter_invalid")
    assert response.body["error"]["param"] == "callbackMetadata.checkoutSessionId"
    assert get_session(first["id"]).data["order_id"] == same["id"]
    assert get_session(second["id"]).data["order_id"] is None


@pytest.mark.parametrize("value", ["not-a-uuid", 42, "", {"id": "x"}])
def test_a_malformed_callback_session_id_is_a_400(store: Any, value: Any) -> None:
    response = create_order(order_body(callbackMetadata={"checkoutSessionId": value}))
    assert_error_envelope(response, 400, "parameter_invalid")
    assert response.body["error"]["param"] == "callbackMetadata.checkoutSessionId"


def test_callback_metadata_naming_an_unknown_session_is_the_same_400(store: Any) -> None:
    response = create_order(
        order_body(callbackMetadata={"checkoutSessionId": "5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f21"})
    )
    assert_error_envelope(response, 400, "session_not_found")


def test_fee_on_top_is_kept_and_must_be_a_boolean(store: Any) -> None:
    assert new_order(feeOnTop=True)["feeOnTop"] is True
    assert new_order()["feeOnTop"] is None
    assert_error_envelope(create_order(order_body(feeOnTop="yes")), 400, "parameter_invalid")


def test_fingerprint_headers_are_ignored(store: Any) -> None:
    headers = {
        "X-Fingerprint-Request-Id": "fp_req_1",
        "X-Fingerprint-Visitor-Id": "\u00e9t\u00e9",
        "Authorization": "Bearer x",
    }
    assert create_order(order_body(), headers=headers).status == 200


def test_callback_metadata_keeps_numbers_exactly_and_refuses_what_cannot_be_stored(store: Any) -> None:
    raw = raw_json(
        order_body(callbackMetadata={"n": {"m": "@n@"}}), n="0.1000000000000000000000000000000000001"
    )
    created = exact("create_order", http_event("create_order", raw_body=raw))
    stored = exact("get_order", http_event("get_order", order_id=created["id"]))["order"]
    assert stored["callbackMetadata"]["n"]["m"] == Decimal("0.1000000000000000000000000000000000001")

    too_big = raw_json(order_body(callbackMetadata={"n": {"m": "@n@"}}), n="1e126")
    response = invoke_http("create_order", http_event("create_order", raw_body=too_big))
    assert_error_envelope(response, 400, "parameter_invalid")
    assert response.body["error"]["param"] == "callbackMetadata.n.m"
