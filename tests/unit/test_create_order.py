"""POST /orders: validation (DESIGN 2.4), deposit address and onramp URL (2.5), linking (3)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from checkout.config import Settings
from checkout.domain.addresses import deposit_address
from checkout.domain.orders import OrderService
from checkout.domain.sessions import SessionService
from tests.builders import MERCHANT, RECIPIENT, http_event, order_body
from tests.fakes import InMemoryRepository
from tests.support import ApiResponse
from tests.unit.conftest import BUYER, Shop

Call = Callable[[str, dict[str, Any]], ApiResponse]


def post_order(call: Call, body: dict[str, Any]) -> ApiResponse:
    return call("create_order", http_event("create_order", body=body))


def assert_rejected(response: ApiResponse, param: str, message: str | None = None, status: int = 400) -> None:
    assert response.status == status, response.body
    assert response.body["success"] is False
    assert response.error["param"] == param
    if message is not None:
        assert message in response.body["message"]


# --- the order object ------------------------------------------------------------------------
def test_a_standalone_order_is_created_awaiting_its_deposit(call: Call, store: InMemoryRepository) -> None:
    response = post_order(call, order_body())

    assert response.status == 200
    assert response.body["message"] == "Order created"
    order = response.data
    assert order["status"] == "scanning_deposit_transaction"
    assert order["checkoutSessionId"] is None
    assert order["oneClickBuyUrl"] is None
    assert order["onrampMetadata"] is None
    assert order["filledAt"] is None
    assert order["expiredAt"] - order["createdAt"] == 1800 * 1000
    assert len(store.orders) == 1


def test_the_order_object_has_exactly_the_contract_fields(call: Call) -> None:
    assert set(post_order(call, order_body()).data) == {
        "id", "status", "type", "recipientAddress", "globalAddress", "srcChain", "dstChain",
        "srcTokenAddress", "dstTokenAddress", "srcAmount", "payload", "metadata", "onrampMetadata",
        "oneClickBuyUrl", "checkoutSessionId", "errorDetails", "creatorAddress", "partnerId",
        "clientReferenceId", "createdAt", "expiredAt", "filledAt", "receivedDepositAt", "callbackMetadata",
        "feeOnTop",
    }  # fmt: skip


def test_the_global_address_is_the_create2_deposit_address(call: Call, settings: Settings) -> None:
    order = post_order(call, order_body()).data
    contract = settings.deposit_contract()
    expected = deposit_address(order["id"], contract.factory_address, contract.init_code_hash)
    assert order["globalAddress"] == expected


def test_lower_case_addresses_come_back_checksummed(call: Call) -> None:
    order = post_order(call, order_body(recipientAddress=RECIPIENT.lower())).data
    assert order["recipientAddress"] == RECIPIENT


# --- validation ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "field",
    ["recipientAddress", "srcChain", "dstChain", "srcTokenAddress", "dstTokenAddress", "srcAmount", "type"],
)
def test_required_fields(call: Call, field: str) -> None:
    response = post_order(call, order_body(**{field: ...}))
    assert_rejected(response, field, f"{field} is required")
    assert response.error["code"] == "parameter_missing"


@pytest.mark.parametrize(
    "field", ["recipientAddress", "srcTokenAddress", "dstTokenAddress", "creatorAddress"]
)
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0x123", "must be an EVM address"),
        ("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "must be an EVM address"),
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "invalid EIP-55 checksum"),
    ],
)
def test_addresses_are_validated(call: Call, field: str, value: str, message: str) -> None:
    assert_rejected(post_order(call, order_body(**{field: value})), field, message)


@pytest.mark.parametrize("field", ["srcChain", "dstChain"])
def test_unsupported_chains_are_rejected(call: Call, field: str) -> None:
    assert_rejected(post_order(call, order_body(**{field: 999})), field, "999 is not a supported chain")


@pytest.mark.parametrize("field", ["srcChain", "dstChain"])
@pytest.mark.parametrize("value", ["8453", 8453.0, True])
def test_chain_ids_must_be_integers(call: Call, field: str, value: Any) -> None:
    assert_rejected(post_order(call, order_body(**{field: value})), field, "must be an integer")


@pytest.mark.parametrize("amount", ["1", str(2**256 - 1), "1000000"])
def test_amounts_in_range_are_accepted(call: Call, amount: str) -> None:
    assert post_order(call, order_body(srcAmount=amount)).status == 200


@pytest.mark.parametrize("amount", ["0", str(2**256), "-1", "1.5", "1e6", "", " 1", "01", "0x10", "\u0661"])
def test_amounts_out_of_range_or_not_decimal_are_rejected(call: Call, amount: str) -> None:
    assert_rejected(post_order(call, order_body(srcAmount=amount)), "srcAmount", "decimal integer string")


def test_an_amount_must_be_a_string(call: Call) -> None:
    assert_rejected(post_order(call, order_body(srcAmount=1000)), "srcAmount", "must be a string")


def test_a_swap_needs_the_expected_destination_amount(call: Call) -> None:
    assert post_order(call, order_body(type="swap", payload={"expectedDstAmount": "990"})).status == 200
    for payload in [{}, {"expectedDstAmount": 990}, {"expectedDstAmount": "9.9"}, None]:
        response = post_order(call, order_body(type="swap", payload=payload))
        assert response.status == 400
        assert "payload.expectedDstAmount" in response.body["message"]


@pytest.mark.parametrize("kind", ["SWAP", "transfer", "", 1])
def test_other_order_types_are_rejected(call: Call, kind: Any) -> None:
    assert_rejected(post_order(call, order_body(type=kind)), "type")


def test_unknown_fields_are_rejected(call: Call) -> None:
    response = post_order(call, order_body(amountUsd="25"))
    assert_rejected(response, "amountUsd", "Unknown parameter: amountUsd")


@pytest.mark.parametrize("session_id", ["nope", "5B0F2A4E8C1D4F3A9B2E7D6C5A4B3F21", 42])
def test_a_malformed_checkout_session_id_is_a_400(
    call: Call, store: InMemoryRepository, session_id: Any
) -> None:
    assert_rejected(post_order(call, order_body(checkoutSessionId=session_id)), "checkoutSessionId")
    assert len(store.orders) == 0


@pytest.mark.parametrize("field", ["partnerId", "clientReferenceId"])
def test_sdk_references_follow_the_client_reference_rule(call: Call, field: str) -> None:
    assert post_order(call, order_body(**{field: "ok_ref-1"})).data[field] == "ok_ref-1"
    assert_rejected(post_order(call, order_body(**{field: "not ok"})), field)


# --- onramp ----------------------------------------------------------------------------------
ONRAMP = {"vendor": "coinbase", "payment_method": "card", "country": "us"}


def test_the_onramp_amount_is_exact_however_many_digits_it_has(call: Call) -> None:
    largest = str(2**256 - 1)  # 78 digits: past the 28 the default decimal context keeps
    order = post_order(call, order_body(srcAmount=largest, onramp=ONRAMP)).data

    params = parse_qs(urlsplit(order["oneClickBuyUrl"]).query)
    assert params["presetCryptoAmount"] == [f"{largest[:-6]}.{largest[-6:]}"]  # USDC: 6 decimals


def test_a_coinbase_onramp_order_gets_a_one_click_buy_url(call: Call) -> None:
    order = post_order(call, order_body(onramp=ONRAMP)).data

    url = urlsplit(order["oneClickBuyUrl"])
    params = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert url.scheme == "https"
    assert json.loads(params["addresses"]) == {order["globalAddress"]: ["base"]}
    assert params["defaultNetwork"] == "base"
    assert params["presetCryptoAmount"] == "25"
    assert params["country"] == "US"
    assert "redirectUrl" not in params
    assert order["onrampMetadata"] == {
        "vendor": "coinbase",
        "paymentMethod": "card",
        "country": "US",
        "redirectUrl": None,  # no session, no redirectUrl: the buyer is not sent back anywhere
    }
    assert order["status"] == "scanning_deposit_transaction"


def test_the_onramp_redirect_is_the_sessions_resolved_success_url(
    shop: Shop, call: Call, sessions: SessionService
) -> None:
    session = shop.session(success_url="https://shop.example.com/ok?x=1&y=a%20b")
    order = post_order(call, order_body(onramp=ONRAMP, checkoutSessionId=session.id)).data

    query = urlsplit(order["oneClickBuyUrl"]).query
    assert parse_qs(query)["redirectUrl"] == [session.success_url]
    assert "redirectUrl=https%3A%2F%2Fshop.example.com%2Fok%3Fx%3D1%26y%3Da%2520b%26sessionId%3D" in query


def test_another_onramp_vendor_is_rejected(call: Call) -> None:
    response = post_order(call, order_body(onramp={**ONRAMP, "vendor": "stripe"}))
    assert_rejected(response, "onramp.vendor", "must be one of: coinbase")


@pytest.mark.parametrize(
    "country",
    ["USA", "XX", "u", "", "Us", "\ufb06", "\u0131s"],
    ids=["three-letters", "unassigned", "one-letter", "empty", "mixed-case", "st-ligature", "dotless-i"],
)
def test_the_onramp_country_must_be_an_iso_alpha_2_code_in_upper_or_lower_case(
    call: Call, country: str
) -> None:
    assert_rejected(post_order(call, order_body(onramp={**ONRAMP, "country": country})), "onramp.country")


def test_the_onramp_object_rejects_unknown_fields(call: Call) -> None:
    assert_rejected(post_order(call, order_body(onramp={**ONRAMP, "fiat": "USD"})), "onramp.fiat")


def test_an_onramp_on_a_chain_coinbase_lacks_is_rejected(call: Call) -> None:
    response = post_order(call, order_body(onramp=ONRAMP, srcChain=8333))
    assert_rejected(response, "onramp", "not available on chain 8333")


# --- linking to a session --------------------------------------------------------------------
def test_linking_sets_the_sessions_order_id(shop: Shop, call: Call, sessions: SessionService) -> None:
    session = shop.session(expires_in=600)

    order = post_order(call, order_body(checkoutSessionId=session.id)).data

    assert order["checkoutSessionId"] == session.id
    assert order["expiredAt"] == session.expires_at * 1000  # the session's deadline is sooner
    record, linked = sessions.get(session.id, BUYER)
    assert record.order_id == order["id"]
    assert record.status == "open"
    assert linked is not None
    assert linked.order.id == order["id"]


def test_the_deposit_deadline_is_the_order_ttl_when_that_is_sooner(
    shop: Shop, orders: OrderService, sessions: SessionService
) -> None:
    session = shop.session(expires_in=86400)
    order = shop.order(checkoutSessionId=session.id)
    assert order.expired_at == order.created_at + 1800 * 1000


def test_an_unknown_session_is_a_400_and_nothing_is_written(call: Call, store: InMemoryRepository) -> None:
    response = post_order(call, order_body(checkoutSessionId="5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f21"))

    assert_rejected(response, "checkoutSessionId", "Checkout session not found")
    assert response.error["code"] == "session_not_found"
    assert not store.orders and not store.sessions


def test_a_second_order_for_a_session_is_a_409(
    shop: Shop, call: Call, sessions: SessionService, store: InMemoryRepository
) -> None:
    session = shop.session()
    first = post_order(call, order_body(checkoutSessionId=session.id))

    second = post_order(call, order_body(checkoutSessionId=session.id))

    assert second.status == 409
    assert second.error == {
        "type": "conflict_error",
        "code": "session_has_order",
        "param": "checkoutSessionId",
    }
    assert sessions.get(session.id, BUYER)[0].order_id == first.data["id"]
    assert len(store.orders) == 1


def test_an_expired_session_is_a_400_and_no_order_is_left(
    shop: Shop, call: Call, sessions: SessionService, store: InMemoryRepository
) -> None:
    session = shop.session()
    sessions.expire(session.id, MERCHANT)

    response = post_order(call, order_body(checkoutSessionId=session.id))

    assert_rejected(response, "checkoutSessionId", "expired")
    assert response.error["code"] == "session_not_open"
    assert len(store.orders) == 0


def test_an_open_session_past_its_deadline_is_a_400(
    shop: Shop, orders: OrderService, sessions: SessionService, clock: Any, store: InMemoryRepository
) -> None:
    from checkout.domain.errors import SessionNotOpen

    session = shop.session(expires_in=300)
    clock.now += 300 * 1000

    with pytest.raises(SessionNotOpen, match="expired"):
        shop.order(checkoutSessionId=session.id)
    assert len(store.orders) == 0


def test_the_transaction_condition_decides_when_the_read_is_stale(
    shop: Shop, orders: OrderService, sessions: SessionService, store: InMemoryRepository
) -> None:
    """Another order links between this request's read and its write: the transaction, not
    the read, decides, and the answer is a 409 with nothing written."""
    from checkout.domain.errors import SessionAlreadyHasOrder

    session = shop.session()
    real_get = store.get_session
    competitor_ran = False

    def stale_read(session_id: str) -> Any:
        nonlocal competitor_ran
        item = real_get(session_id)
        if not competitor_ran:
            competitor_ran = True
            shop.order(checkoutSessionId=session_id)  # the competitor wins meanwhile
        return item

    store.get_session = stale_read  # type: ignore[method-assign]
    with pytest.raises(SessionAlreadyHasOrder):
        shop.order(checkoutSessionId=session.id)
    assert len(store.orders) == 1
