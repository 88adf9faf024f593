"""The platform surface (DESIGN 10) at the HTTP edge: the SDK's `CheckoutSession` view, its
payment config, its errors, and one record read alike on both surfaces."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from checkout import composition
from checkout.domain.access import Permission
from checkout.domain.status import OrderStatus
from checkout.web.platform_views import platform_session
from tests.builders import NOW_MS, RECIPIENT, USDC_BASE, a_session, http_event, linked_order_body, load_event
from tests.fakes import InMemoryRepository
from tests.support import ApiResponse
from tests.unit.conftest import Call, Shop

PAYMENT = {"amount": "25000000", "token_address": USDC_BASE, "chain_id": 8453, "recipient_address": RECIPIENT}
BASE_URL = "https://abc123def4.execute-api.us-east-1.amazonaws.com"


@pytest.fixture
def keys(function_env: None) -> Iterator[dict[str, str]]:
    service = composition.key_service()
    yield {
        permission.value: f"Bearer {service.create('acct_local', permission.value, permission).secret}"
        for permission in Permission
    }


def platform(call: Call, name: str, *, key: str | None, body: Any = ..., session_id: str | None = None,
             query: dict[str, str] | None = None) -> ApiResponse:  # fmt: skip
    event = load_event(name)
    if key is None:
        event["headers"].pop("authorization")
    else:
        event["headers"]["authorization"] = key
    event["headers"].pop("idempotency-key", None)
    if body is not ...:
        event["body"] = json.dumps(body)
    if session_id is not None:
        event["pathParameters"]["id"] = session_id
        event["rawPath"] = event["rawPath"].replace("5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f21", session_id)
    if query is not None:
        event["queryStringParameters"] = query or None
        event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
    return call(name, event)


def create(call: Call, keys: dict[str, str], **body: Any) -> dict[str, Any]:
    response = platform(call, "platform_create_checkout_session", key=keys["write"], body=body)
    assert response.status == 200, response.body
    session: dict[str, Any] = response.body
    return session


def assert_platform_error(response: ApiResponse, status: int, error_type: str, code: str) -> None:
    assert response.status == status, response.body
    assert set(response.body) == {"error"}  # no envelope on this surface
    assert (response.body["error"]["type"], response.body["error"]["code"]) == (error_type, code)
    assert response.body["error"]["message"]
    assert response.headers["x-request-id"]


# --- the view ------------------------------------------------------------------------------------
def test_a_session_with_a_payment_config_has_the_sdks_fields(call: Call, keys: dict[str, str]) -> None:
    session = create(
        call, keys, **PAYMENT, metadata={"cart": "c1"}, customer_email="a@example.com", customer_name="Ada",
        success_url="https://shop.example.com/ok", utm_source="mail",
    )  # fmt: skip

    assert session["object"] == "checkout_session"
    assert session["status"] == "open"
    assert session["url"] == f"{BASE_URL}/pay/{session['id']}"
    assert {k: session[k] for k in PAYMENT} == PAYMENT
    assert json.loads(session["metadata"]) == {"cart": "c1"}
    assert (session["customer_email"], session["customer_name"]) == ("a@example.com", "Ada")
    assert session["success_url"] == f"https://shop.example.com/ok?sessionId={session['id']}"
    assert (session["payment_link_id"], session["product_id"], session["tx_hash"]) == (None, None, None)
    assert session["created_at"] > 1_700_000_000_000  # epoch milliseconds
    assert session["expires_at"] - session["created_at"] == pytest.approx(1_800_000, abs=1000)


def test_metadata_reads_as_one_text_whatever_order_its_keys_are_stored_in() -> None:
    as_sent = a_session(metadata={"tier": "gold", "cart_id": "cart_123"})
    as_read_back = a_session(metadata={"cart_id": "cart_123", "tier": "gold"})

    texts = {platform_session(record, BASE_URL, NOW_MS)["metadata"] for record in (as_sent, as_read_back)}

    assert texts == {'{"cart_id":"cart_123","tier":"gold"}'}


def test_a_session_without_a_payment_config_has_no_page(call: Call, keys: dict[str, str]) -> None:
    session = create(call, keys)

    assert (session["url"], session["amount"], session["token_address"], session["metadata"]) == (None,) * 4


def test_the_view_has_exactly_the_sdks_fields(call: Call, keys: dict[str, str]) -> None:
    assert set(create(call, keys)) == {
        "object", "id", "url", "status", "payment_link_id", "product_id", "amount", "token_address",
        "chain_id", "recipient_address", "success_url", "cancel_url", "client_reference_id", "metadata",
        "customer_email", "customer_name", "tx_hash", "completed_at", "expires_at", "created_at",
        "updated_at",
    }  # fmt: skip


def test_the_event_file_creates_a_session(call: Call, keys: dict[str, str]) -> None:
    response = platform(call, "platform_create_checkout_session", key=keys["admin"])

    assert response.status == 200, response.body
    assert response.body["amount"] == "25000000"


# --- validation ----------------------------------------------------------------------------------
@pytest.mark.parametrize("missing", list(PAYMENT))
def test_a_payment_config_has_all_four_fields(call: Call, keys: dict[str, str], missing: str) -> None:
    body = {k: v for k, v in PAYMENT.items() if k != missing}

    response = platform(call, "platform_create_checkout_session", key=keys["write"], body=body)

    assert_platform_error(response, 400, "invalid_request_error", "parameter_invalid")
    assert response.body["error"]["param"] == missing


@pytest.mark.parametrize("field", ["payment_link_id", "product_id"])
def test_payment_links_and_products_are_unsupported(call: Call, keys: dict[str, str], field: str) -> None:
    response = platform(call, "platform_create_checkout_session", key=keys["write"], body={field: "pl_1"})

    assert_platform_error(response, 400, "invalid_request_error", "parameter_unsupported")
    assert response.body["error"]["param"] == field


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({**PAYMENT, "amount": "0"}, "amount"),
        ({**PAYMENT, "amount": 25}, "amount"),
        ({**PAYMENT, "chain_id": 999}, "chain_id"),
        ({**PAYMENT, "token_address": "0x123"}, "token_address"),
        ({"customer_email": "not-an-email"}, "customer_email"),
        ({"customer_email": "a\ufeffb@example.com"}, "customer_email"),
        ({"customer_email": "a\x85b@example.com"}, "customer_email"),
        ({"customer_email": "a\x9bb@example.com"}, "customer_email"),
        ({**PAYMENT, "amount": str(2**256)}, "amount"),
        ({"customer_name": "x" * 201}, "customer_name"),
        ({"utm_campaign": ""}, "utm_campaign"),
        ({"metadata": {"k": 1}}, "metadata.k"),
        ({"expires_in": 10}, "expires_in"),
        ({"currency": "usd"}, "currency"),
    ],
)
def test_bad_fields_are_400s_naming_them(
    call: Call, keys: dict[str, str], body: dict[str, Any], param: str
) -> None:
    response = platform(call, "platform_create_checkout_session", key=keys["write"], body=body)

    assert response.status == 400, response.body
    assert response.body["error"]["param"] == param


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ({"limit": "%205"}, "limit"),
        ({"limit": "1_0"}, "limit"),
        ({"limit": "5.0"}, "limit"),
        ({"page": "%C2%A01"}, "page"),
        ({"from": "0.0"}, "from"),
        ({"to": "1e3"}, "to"),
    ],
    ids=["leading-space", "underscore", "decimal-point", "no-break-space", "float-epoch", "exponent"],
)
def test_a_list_number_not_written_in_plain_digits_is_a_400_naming_it(
    call: Call, keys: dict[str, str], query: dict[str, str], param: str
) -> None:
    response = platform(call, "platform_list_checkout_sessions", key=keys["read"], query=query)

    assert_platform_error(response, 400, "invalid_request_error", "parameter_invalid")
    assert response.body["error"]["param"] == param


@pytest.mark.parametrize("name", ["created_from", "created_to"])
def test_the_window_is_named_from_and_to_on_the_wire_only(
    call: Call, keys: dict[str, str], name: str
) -> None:
    response = platform(call, "platform_list_checkout_sessions", key=keys["read"], query={name: "5"})

    assert_platform_error(response, 400, "invalid_request_error", "parameter_unknown")
    assert response.body["error"]["param"] == name


def list_with_raw_query(call: Call, key: str, raw_query: str) -> ApiResponse:
    """The list, with a query string written as given (`query=` would build a well-formed one)."""
    event = load_event("platform_list_checkout_sessions")
    event["headers"]["authorization"] = key
    event["rawQueryString"] = raw_query
    return call("platform_list_checkout_sessions", event)


def test_a_query_parameter_without_a_name_is_a_400_naming_no_other(call: Call, keys: dict[str, str]) -> None:
    response = list_with_raw_query(call, keys["read"], "=x")

    assert_platform_error(response, 400, "invalid_request_error", "parameter_unknown")
    assert response.body["error"]["param"] == ""


def test_an_amount_of_thousands_of_digits_is_refused_in_the_services_own_words(
    call: Call, keys: dict[str, str]
) -> None:
    body = {**PAYMENT, "amount": "9" * 5000}

    response = platform(call, "platform_create_checkout_session", key=keys["write"], body=body)

    assert response.status == 400
    assert response.body["error"]["param"] == "amount"
    assert response.body["error"]["message"] == (
        "amount must be a decimal integer string greater than 0 and less than 2^256"
    )


def test_a_query_parameter_given_twice_is_a_400_naming_it(call: Call, keys: dict[str, str]) -> None:
    response = list_with_raw_query(call, keys["read"], "limit=abc&page=1&limit=5")

    assert_platform_error(response, 400, "invalid_request_error", "parameter_invalid")
    assert response.body["error"]["param"] == "limit"


def test_an_endpoint_that_reads_no_query_ignores_a_repeated_parameter(
    call: Call, keys: dict[str, str]
) -> None:
    session = create(call, keys)
    event = load_event("platform_expire_checkout_session")
    event["headers"]["authorization"] = keys["write"]
    event["pathParameters"]["id"] = session["id"]
    event["rawQueryString"] = "x=1&x=2"

    response = call("platform_expire_checkout_session", event)

    assert response.status == 200
    assert response.body["status"] == "expired"


def test_a_public_query_parameter_given_twice_is_a_400_too(call: Call, keys: dict[str, str]) -> None:
    session = create(call, keys)
    event = http_event("get_checkout_session", session_id=session["id"], query={})
    event["rawQueryString"] = "include=x&include=order"

    response = call("get_checkout_session", event)

    assert response.status == 400
    assert response.body["error"]["param"] == "include"


# --- access --------------------------------------------------------------------------------------
def test_the_platform_always_needs_a_key_even_in_open_mode(call: Call, keys: dict[str, str]) -> None:
    response = platform(call, "platform_list_checkout_sessions", key=None)

    assert_platform_error(response, 401, "authentication_error", "api_key_required")


def test_a_read_key_cannot_create(call: Call, keys: dict[str, str]) -> None:
    response = platform(call, "platform_create_checkout_session", key=keys["read"], body={})

    assert_platform_error(response, 403, "permission_error", "insufficient_permissions")


def test_an_unknown_session_is_a_not_found_error(call: Call, keys: dict[str, str]) -> None:
    response = platform(call, "platform_get_checkout_session", key=keys["read"])

    assert_platform_error(response, 404, "not_found_error", "resource_missing")


def test_another_merchants_session_is_not_found(call: Call, keys: dict[str, str]) -> None:
    other = f"Bearer {composition.key_service().create('acct_other', 'o', Permission.ADMIN).secret}"
    session = create(call, keys)

    response = platform(call, "platform_get_checkout_session", key=other, session_id=session["id"])

    assert_platform_error(response, 404, "not_found_error", "resource_missing")


# --- get and expire ------------------------------------------------------------------------------
def test_get_reads_what_create_answered(call: Call, keys: dict[str, str]) -> None:
    session = create(call, keys, **PAYMENT)

    response = platform(call, "platform_get_checkout_session", key=keys["read"], session_id=session["id"])

    assert response.body == session


def test_expire_answers_the_expired_session(call: Call, keys: dict[str, str]) -> None:
    session = create(call, keys)

    response = platform(call, "platform_expire_checkout_session", key=keys["write"], session_id=session["id"])

    assert response.status == 200
    assert response.body["status"] == "expired"


# --- one record, two views -----------------------------------------------------------------------
def public_get(call: Call, session_id: str) -> dict[str, Any]:
    data: dict[str, Any] = call(
        "get_checkout_session", http_event("get_checkout_session", session_id=session_id, query={})
    ).data
    return data


@pytest.mark.parametrize(
    ("reports", "public", "on_platform"),
    [
        ([], "open", "open"),
        ([OrderStatus.SENDING_TOKEN_FROM_VAULT], "processing", "processing"),
        ([OrderStatus.SENDING_TOKEN_FROM_VAULT, OrderStatus.EXECUTED], "complete", "completed"),
        ([OrderStatus.SENDING_TOKEN_FROM_VAULT, OrderStatus.FAILURE], "expired", "failed"),
        ([OrderStatus.EXPIRED], "expired", "expired"),
    ],
)
def test_the_same_session_reads_consistently_on_both_surfaces(
    call: Call, keys: dict[str, str], shop: Shop, reports: list[OrderStatus], public: str, on_platform: str
) -> None:
    session = create(call, keys, **PAYMENT)
    order = call("create_order", http_event("create_order", body=linked_order_body(session["id"]))).data
    for number, status in enumerate(reports):
        shop.clock.now += number + 1
        shop.report(order["id"], status, kind="execute" if status == OrderStatus.EXECUTED else None)

    platform_view = platform(
        call, "platform_get_checkout_session", key=keys["read"], session_id=session["id"]
    )

    assert platform_view.body["status"] == on_platform
    assert public_get(call, session["id"])["status"] == public


def test_a_completed_session_carries_its_executing_transaction(
    call: Call, keys: dict[str, str], shop: Shop
) -> None:
    session = create(call, keys, **PAYMENT)
    order = call("create_order", http_event("create_order", body=linked_order_body(session["id"]))).data
    shop.report(order["id"], OrderStatus.EXECUTED, kind="execute")

    view = platform(call, "platform_get_checkout_session", key=keys["read"], session_id=session["id"]).body

    assert view["status"] == "completed"
    assert view["tx_hash"] == "0x" + "ab" * 32
    assert isinstance(view["completed_at"], int)


def test_a_session_past_its_deadline_reads_expired(
    call: Call, keys: dict[str, str], store: InMemoryRepository
) -> None:
    session = create(call, keys, expires_in=300)
    stored = store.sessions[session["id"]]
    store.sessions[session["id"]] = stored.model_copy(update={"expires_at": stored.expires_at - 301})

    view = platform(call, "platform_get_checkout_session", key=keys["read"], session_id=session["id"]).body

    assert view["status"] == "expired"
