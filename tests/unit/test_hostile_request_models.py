"""Request parsing for issue 10, without AWS or sockets: the body's numbers and surrogates, the
SDK's order fields (the recorded bodies included) and the ingress's transaction fields."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from checkout.config import Settings
from checkout.domain.errors import CheckoutError, InvalidParameter, UnknownParameter
from checkout.requests.order_events import OrderEventRequest
from checkout.requests.orders import CreateOrderRequest
from checkout.requests.parsing import parse_model
from checkout.web.request import ApiRequest

SETTINGS = Settings(table_name="unit-tests")
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sdk"
SESSION = "5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f21"
OTHER_SESSION = "9c1e5d7a-3b2f-4e6d-8a9b-0c1d2e3f4a5b"
ADDRESS = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


def body_of(raw: str | bytes) -> dict[str, Any]:
    request = ApiRequest(
        "POST",
        "/orders",
        {},
        {},
        {"content-type": "application/json"},
        raw.encode() if isinstance(raw, str) else raw,
        "r",
    )
    return request.json_object()


def order(**fields: Any) -> CreateOrderRequest:
    body = {
        "recipientAddress": ADDRESS,
        "srcChain": 8453,
        "dstChain": 8453,
        "srcTokenAddress": ADDRESS,
        "dstTokenAddress": ADDRESS,
        "srcAmount": "1",
        "type": "custom",
        **fields,
    }
    return parse_model(CreateOrderRequest, body_of(json.dumps(body)), SETTINGS)


def refused(call: Any) -> CheckoutError:
    with pytest.raises(CheckoutError) as error:
        call()
    return error.value


def test_body_numbers_are_decimals_and_typed_fields_stay_strict() -> None:
    assert body_of('{"a": 12.5, "b": 1e400, "c": 7}') == {
        "a": Decimal("12.5"),
        "b": Decimal("1E+400"),
        "c": 7,
    }
    error = refused(lambda: parse_model(CreateOrderRequest, body_of('{"srcChain": 8453.0}'), SETTINGS))
    assert error.param in ("recipientAddress", "srcChain")


@pytest.mark.parametrize(
    ("raw", "param"),
    [
        ('{"a": "x\\ud800"}', "a"),
        ('{"a": {"b": ["ok", "\\udfff"]}}', "a.b.1"),
        ('{"a": {"\\ud800": 1}}', "a"),
        ('{"\\ud800": 1}', "body"),
    ],
)
def test_a_lone_surrogate_is_refused_where_it_is(raw: str, param: str) -> None:
    error = refused(lambda: body_of(raw))
    assert isinstance(error, InvalidParameter)
    assert error.param == param
    assert "lone surrogate" in error.message


def test_a_surrogate_pair_is_a_character() -> None:
    assert body_of('{"a": "\\ud83d\\ude00"}') == {"a": "\U0001f600"}


@pytest.mark.parametrize("fixture", sorted(path.name for path in FIXTURES.glob("create_order_*.json")))
def test_the_sdks_recorded_bodies_parse_or_name_their_one_problem(fixture: str) -> None:
    recorded = json.loads((FIXTURES / fixture).read_text())
    raw = json.dumps(recorded["request"]["body"]).replace("{CHECKOUT_SESSION_ID}", SESSION)
    if "stripe" in fixture:
        assert (
            refused(lambda: parse_model(CreateOrderRequest, body_of(raw), SETTINGS)).param == "onramp.vendor"
        )
        return
    request = parse_model(CreateOrderRequest, body_of(raw), SETTINGS)
    assert request.session_to_link == SESSION
    assert request.checkout_session_id is None
    assert request.callback_metadata == recorded["request"]["body"]["callbackMetadata"] | {
        "checkoutSessionId": SESSION
    }


def test_callback_metadata_links_and_must_agree_with_checkout_session_id() -> None:
    assert order(callbackMetadata={"checkoutSessionId": SESSION.upper()}).session_to_link == SESSION
    assert (
        order(checkoutSessionId=SESSION, callbackMetadata={"checkoutSessionId": SESSION}).session_to_link
        == SESSION
    )
    assert order(callbackMetadata={"other": 1}).session_to_link is None
    assert order(callbackMetadata={"checkoutSessionId": None}).session_to_link is None
    error = refused(
        lambda: order(checkoutSessionId=SESSION, callbackMetadata={"checkoutSessionId": OTHER_SESSION})
    )
    assert (error.param, error.message) == (
        "callbackMetadata.checkoutSessionId",
        "callbackMetadata.checkoutSessionId must be the same session as checkoutSessionId",
    )
    assert (
        refused(lambda: order(callbackMetadata={"checkoutSessionId": 1})).param
        == "callbackMetadata.checkoutSessionId"
    )


def test_onramp_in_either_spelling_with_a_checked_redirect() -> None:
    camel = order(
        onramp={
            "vendor": "coinbase",
            "paymentMethod": "CARD",
            "country": "us",
            "redirectUrl": "https://B\u00fccher.example/r",
        }
    )
    snake = order(onramp={"vendor": "coinbase", "payment_method": "CARD", "country": "US"})
    assert camel.onramp is not None and snake.onramp is not None
    assert (
        (camel.onramp.payment_method, camel.onramp.country)
        == ("CARD", "US")
        == (snake.onramp.payment_method, snake.onramp.country)
    )
    assert camel.onramp.redirect_url == "https://xn--bcher-kva.example/r"  # not templated
    both = {"vendor": "coinbase", "paymentMethod": "CARD", "payment_method": "CARD", "country": "US"}
    assert refused(lambda: order(onramp=both)).param == "onramp"
    evil = {
        "vendor": "coinbase",
        "paymentMethod": "CARD",
        "country": "US",
        "redirectUrl": "https://%65vil.com/",
    }
    assert refused(lambda: order(onramp=evil)).param == "onramp.redirectUrl"
    assert isinstance(
        refused(lambda: order(onramp={**both, "ipAddress": "1.1.1.1"})), (UnknownParameter, InvalidParameter)
    )


def test_fee_on_top_is_a_strict_boolean() -> None:
    assert order(feeOnTop=False).fee_on_top is False
    assert refused(lambda: order(feeOnTop="true")).param == "feeOnTop"


def event(transaction: dict[str, Any], **fields: Any) -> OrderEventRequest:
    body = {"id": "e1", "orderId": SESSION, "status": "relay", "transaction": transaction, **fields}
    return parse_model(OrderEventRequest, body_of(json.dumps(body)), SETTINGS)


def test_the_ingress_transaction_takes_the_sdks_fields() -> None:
    tx = {"kind": "deposit", "chainId": 8453, "txHash": "0x" + "AB" * 32}
    parsed = event({**tx, "amount": "93354000", "from": ADDRESS.lower(), "status": "failed"}).transaction
    assert parsed is not None
    assert (parsed.amount, parsed.from_address, parsed.status) == ("93354000", ADDRESS, "failed")
    assert parsed.tx_hash == "0x" + "ab" * 32
    for bad, param in (
        ({"amount": "01"}, "transaction.amount"),
        ({"amount": str(2**256)}, "transaction.amount"),
        ({"from": "0xdead"}, "transaction.from"),
        ({"status": "success "}, "transaction.status"),
    ):
        assert refused(lambda bad=bad: event({**tx, **bad})).param == param


def test_error_details_is_a_string_or_a_storable_object() -> None:
    assert (
        event(
            {"kind": "relay", "chainId": 8453, "txHash": "0x" + "ab" * 32}, errorDetails="boom"
        ).error_details
        == "boom"
    )
    body = '{"id": "e", "orderId": "%s", "status": "failure", "errorDetails": {"x": 1e400}}'.replace(
        "%s", SESSION
    )
    assert refused(lambda: parse_model(OrderEventRequest, body_of(body), SETTINGS)).param == "errorDetails.x"


def test_an_order_amount_of_thousands_of_digits_is_refused_in_the_services_own_words() -> None:
    error = refused(lambda: order(srcAmount="9" * 5000))
    assert isinstance(error, InvalidParameter)
    assert error.param == "srcAmount"
    assert error.message == "srcAmount must be a decimal integer string greater than 0 and less than 2^256"
