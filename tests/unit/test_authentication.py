"""Keys at the HTTP edge (DESIGN 8): checked once before any endpoint code; 401 and 403 in the
envelope; another merchant's objects answer as if they did not exist; buyer calls need no key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from checkout import composition
from checkout.domain.access import Permission
from tests.builders import http_event, linked_order_body, order_body
from tests.fakes import InMemoryRepository
from tests.support import ApiResponse
from tests.unit.conftest import Call


@pytest.fixture
def required(function_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AUTH_MODE", "required")
    composition.reset()
    yield


def key(merchant: str, permission: Permission) -> str:
    return composition.key_service().create(merchant, "test", permission).secret


def bearer(secret: str) -> dict[str, str]:
    return {"authorization": f"Bearer {secret}"}


def create_session(call: Call, headers: dict[str, str] | None = None) -> ApiResponse:
    return call("create_checkout_session", http_event("create_checkout_session", body={}, headers=headers))


def assert_error(response: ApiResponse, status: int, error_type: str, code: str) -> None:
    assert response.status == status, response.body
    assert response.body["success"] is False
    assert response.body["statusCode"] == status
    assert (response.error["type"], response.error["code"]) == (error_type, code)
    assert response.headers["x-request-id"]


# --- authentication ------------------------------------------------------------------------------
@pytest.mark.usefixtures("required")
def test_a_merchant_call_without_a_key_is_a_401(call: Call, store: InMemoryRepository) -> None:
    assert_error(create_session(call), 401, "authentication_error", "api_key_required")
    assert not store.sessions


@pytest.mark.usefixtures("required")
@pytest.mark.parametrize(
    "authorization",
    [
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer not-a-key",
        "csk_test_" + "A" * 43,
        "Bearer csk_test_" + "A" * 43,
    ],
)
def test_a_malformed_or_unknown_key_is_a_401(call: Call, authorization: str) -> None:
    response = create_session(call, {"authorization": authorization})

    assert_error(response, 401, "authentication_error", "invalid_api_key")


@pytest.mark.usefixtures("required")
def test_a_revoked_key_is_a_401(call: Call) -> None:
    new = composition.key_service().create("acct_a", "k", Permission.WRITE)
    composition.key_service().revoke(new.record.id)
    composition.reset()  # a fresh container: nothing cached

    assert_error(create_session(call, bearer(new.secret)), 401, "authentication_error", "invalid_api_key")


@pytest.mark.usefixtures("required")
def test_a_read_key_cannot_write(call: Call) -> None:
    response = create_session(call, bearer(key("acct_a", Permission.READ)))

    assert_error(response, 403, "permission_error", "insufficient_permissions")


@pytest.mark.usefixtures("required")
def test_a_write_key_creates_a_session_its_merchant_owns(call: Call, store: InMemoryRepository) -> None:
    response = create_session(call, bearer(key("acct_a", Permission.WRITE)))

    assert response.status == 200
    assert store.sessions[response.data["id"]].merchant_id == "acct_a"
    assert "merchant_id" not in response.data  # the public object is unchanged


@pytest.mark.usefixtures("function_env")
def test_open_mode_acts_for_the_built_in_merchant_but_still_verifies_a_sent_key(
    call: Call, store: InMemoryRepository
) -> None:
    anonymous = create_session(call)
    with_bad_key = create_session(call, bearer("csk_test_" + "B" * 43))

    assert store.sessions[anonymous.data["id"]].merchant_id == "acct_local"
    assert_error(with_bad_key, 401, "authentication_error", "invalid_api_key")


@pytest.mark.usefixtures("required")
def test_the_signed_ingress_ignores_an_authorization_header(call: Call) -> None:
    from tests.builders import order_event_body, signed_order_event

    event = signed_order_event(order_event_body("0d6f3e2a-1b4c-4d5e-8f9a-0b1c2d3e4f5a", "relay"))
    event["headers"]["authorization"] = "Bearer nonsense"

    assert call("record_order_event", event).status == 404  # the signature was checked, not the header


# --- buyers need no key --------------------------------------------------------------------------
@pytest.fixture
def session_of_a(required: None, call: Call) -> dict[str, Any]:
    session: dict[str, Any] = create_session(call, bearer(key("acct_a", Permission.WRITE))).data
    return session


def get_session(call: Call, session_id: str, headers: dict[str, str] | None = None) -> ApiResponse:
    event = http_event("get_checkout_session", session_id=session_id, query={}, headers=headers)
    return call("get_checkout_session", event)


def link_order(call: Call, session_id: str, headers: dict[str, str] | None = None) -> ApiResponse:
    return call(
        "create_order", http_event("create_order", body=linked_order_body(session_id), headers=headers)
    )


def test_a_buyer_reads_a_session_links_an_order_and_reads_it_without_a_key(
    call: Call, session_of_a: dict[str, Any], store: InMemoryRepository
) -> None:
    session = get_session(call, session_of_a["id"])
    order = link_order(call, session_of_a["id"])
    read = call("get_order", http_event("get_order", order_id=order.data["id"]))

    assert (session.status, order.status, read.status) == (200, 200, 200)
    assert store.orders[order.data["id"]].merchant_id == "acct_a"  # the session's merchant


@pytest.mark.usefixtures("required")
def test_a_standalone_order_is_the_merchants_own_and_needs_write(
    call: Call, store: InMemoryRepository
) -> None:
    def post(headers: dict[str, str] | None) -> ApiResponse:
        return call("create_order", http_event("create_order", body=order_body(), headers=headers))

    assert_error(post(None), 401, "authentication_error", "api_key_required")
    assert_error(
        post(bearer(key("acct_a", Permission.READ))), 403, "permission_error", "insufficient_permissions"
    )
    created = post(bearer(key("acct_a", Permission.WRITE)))
    assert created.status == 200
    assert store.orders[created.data["id"]].merchant_id == "acct_a"


# --- another merchant's objects do not exist for it ----------------------------------------------
def test_merchant_b_cannot_see_merchant_as_session(call: Call, session_of_a: dict[str, Any]) -> None:
    response = get_session(call, session_of_a["id"], bearer(key("acct_b", Permission.ADMIN)))

    assert_error(response, 404, "invalid_request_error", "resource_missing")


def test_merchant_b_cannot_expire_merchant_as_session(
    call: Call, session_of_a: dict[str, Any], store: InMemoryRepository
) -> None:
    event = http_event(
        "expire_checkout_session",
        session_id=session_of_a["id"],
        headers=bearer(key("acct_b", Permission.ADMIN)),
    )

    assert_error(call("expire_checkout_session", event), 404, "invalid_request_error", "resource_missing")
    assert store.sessions[session_of_a["id"]].status == "open"


def test_merchant_b_cannot_link_an_order_to_merchant_as_session(
    call: Call, session_of_a: dict[str, Any], store: InMemoryRepository
) -> None:
    response = link_order(call, session_of_a["id"], bearer(key("acct_b", Permission.ADMIN)))

    # exactly what a session that does not exist answers (POST /orders names it in the body: a 400)
    assert_error(response, 400, "invalid_request_error", "session_not_found")
    assert not store.orders


def test_merchant_b_cannot_read_merchant_as_order(call: Call, session_of_a: dict[str, Any]) -> None:
    order = link_order(call, session_of_a["id"]).data

    response = call(
        "get_order",
        http_event("get_order", order_id=order["id"], headers=bearer(key("acct_b", Permission.READ))),
    )

    assert_error(response, 404, "invalid_request_error", "resource_missing")


def test_merchant_a_sees_its_own_session_with_its_key(call: Call, session_of_a: dict[str, Any]) -> None:
    assert get_session(call, session_of_a["id"], bearer(key("acct_a", Permission.READ))).status == 200
