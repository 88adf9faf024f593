"""POST /checkout-sessions/{id}/expire: open → expired; 400 when not open; 404 when unknown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from checkout.domain.errors import SessionNotOpen
from checkout.domain.sessions import SessionService
from tests.builders import MERCHANT, http_event, load_event
from tests.fakes import InMemoryRepository
from tests.support import ApiResponse
from tests.unit.conftest import BUYER, Shop

Call = Callable[[str, dict[str, Any]], ApiResponse]


def expire(call: Call, session_id: str) -> ApiResponse:
    return call("expire_checkout_session", http_event("expire_checkout_session", session_id=session_id))


def test_expiring_an_open_session_returns_it_expired(call: Call, store: InMemoryRepository) -> None:
    session_id = call("create_checkout_session", load_event("create_checkout_session")).data["id"]

    response = expire(call, session_id)

    assert response.status == 200
    assert response.body["message"] == "Checkout session expired"
    assert response.data["status"] == "expired"
    assert response.data["id"] == session_id
    assert store.sessions[session_id].status == "expired"


def test_the_event_file_names_an_unknown_session(call: Call) -> None:
    response = call("expire_checkout_session", load_event("expire_checkout_session"))
    assert response.status == 404
    assert response.error["code"] == "resource_missing"


@pytest.mark.parametrize("session_id", ["nope", "5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f2"])
def test_a_malformed_id_is_a_404(call: Call, session_id: str) -> None:
    assert expire(call, session_id).status == 404


def test_expiring_twice_is_a_400_the_second_time(call: Call) -> None:
    session_id = call("create_checkout_session", load_event("create_checkout_session")).data["id"]
    assert expire(call, session_id).status == 200

    response = expire(call, session_id)

    assert response.status == 400
    assert response.error == {"type": "invalid_request_error", "code": "session_not_open", "param": "id"}
    assert response.body["message"] == "Checkout session is expired; only open sessions can be expired"


def test_a_session_past_its_deadline_is_not_open(shop: Shop, sessions: SessionService, clock: Any) -> None:
    session = shop.session(expires_in=300)
    clock.now += 301 * 1000

    with pytest.raises(SessionNotOpen):
        sessions.expire(session.id, MERCHANT)

    record, _ = sessions.get(session.id, BUYER)
    assert record.status == "expired"


def test_the_expired_session_keeps_its_fields(shop: Shop, sessions: SessionService) -> None:
    session = shop.session(metadata={"a": "b"}, client_reference_id="ref")

    expired = sessions.expire(session.id, MERCHANT)

    assert expired.expired_by == "merchant"
    changed = {"status", "updated_at", "expired_by"}
    assert expired.model_dump(exclude=changed) == session.model_dump(exclude=changed)
