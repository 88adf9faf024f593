"""GET /checkout-sessions/{id}: 404s, the clock applied and stored, the include parameter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from checkout.domain.sessions import SessionService
from tests.builders import http_event, load_event
from tests.fakes import InMemoryRepository
from tests.support import ApiResponse
from tests.unit.conftest import BUYER, Shop

Call = Callable[[str, dict[str, Any]], ApiResponse]


def get(call: Call, session_id: str, query: dict[str, str] | None = None) -> ApiResponse:
    return call(
        "get_checkout_session", http_event("get_checkout_session", session_id=session_id, query=query or {})
    )


def test_returns_the_session_as_created(call: Call) -> None:
    created = call("create_checkout_session", load_event("create_checkout_session")).data

    response = get(call, created["id"])

    assert response.status == 200
    assert response.body["message"] == "Checkout session retrieved"
    assert response.data == created


def test_an_unknown_id_is_a_404(call: Call) -> None:
    response = call("get_checkout_session", load_event("get_checkout_session"))

    assert response.status == 404
    assert response.error == {"type": "invalid_request_error", "code": "resource_missing", "param": "id"}
    assert response.headers["x-request-id"]


@pytest.mark.parametrize(
    "session_id",
    [
        "not-a-uuid",
        "5b0f2a4e8c1d4f3a9b2e7d6c5a4b3f21",  # no hyphens
        "5b0f2a4e-8c1d-1f3a-9b2e-7d6c5a4b3f21",  # version 1
        "{5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f21}",
        "5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f2g",
        "x" * 5000,
        "%00",
    ],
)
def test_a_malformed_id_is_a_404(call: Call, session_id: str) -> None:
    response = get(call, session_id)
    assert response.status == 404
    assert response.error["code"] == "resource_missing"
    assert len(response.body["message"]) < 200


def test_an_open_session_past_its_deadline_reads_expired_and_is_stored_expired(
    shop: Shop, sessions: SessionService, clock: Any, store: InMemoryRepository
) -> None:
    session = shop.session(expires_in=300)
    clock.now = session.expires_at * 1000

    record, _ = sessions.get(session.id, BUYER)

    assert record.status == "expired"
    assert store.sessions[session.id].status == "expired"


def test_an_open_session_one_second_before_its_deadline_stays_open(
    shop: Shop, sessions: SessionService, clock: Any
) -> None:
    session = shop.session(expires_in=300)
    clock.now = session.expires_at * 1000 - 1

    record, _ = sessions.get(session.id, BUYER)

    assert record.status == "open"


@pytest.mark.parametrize("query", [{"include": "orders"}, {"include": ""}, {"expand": "order"}])
def test_an_unknown_include_or_query_parameter_is_a_400(call: Call, query: dict[str, str]) -> None:
    session_id = call("create_checkout_session", load_event("create_checkout_session")).data["id"]
    response = get(call, session_id, query)
    assert response.status == 400
    assert response.error["code"] == "parameter_invalid"
    assert response.error["param"] == next(iter(query))


def test_an_upper_case_id_finds_the_session(shop: Shop, sessions: SessionService) -> None:
    session = shop.session()
    record, _ = sessions.get(session.id.upper(), BUYER)
    assert record.id == session.id
