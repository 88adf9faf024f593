"""Idempotency-Key on every POST (DESIGN 9), on powertools' utility with an in-memory store: a
retry replays the first response byte for byte; nothing runs twice; only what changed something
is kept."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from checkout import composition
from checkout.domain.access import Permission
from checkout.domain.errors import StorageUnavailable
from tests.builders import http_event, linked_order_body, order_body
from tests.fakes import InMemoryIdempotencyStore, InMemoryRepository
from tests.support import ApiResponse
from tests.unit.conftest import Call, Shop


def create(
    call: Call, key: str | None, body: Any = None, raw: str | None = None, **headers: str
) -> ApiResponse:
    if key is not None:
        headers["idempotency-key"] = key
    event = http_event("create_checkout_session", body={} if body is None else body, headers=headers)
    if raw is not None:
        event["body"] = raw
    return call("create_checkout_session", event)


def raw(call: Call, key: str, body: dict[str, Any]) -> dict[str, Any]:
    """The Lambda proxy result itself: the bytes and headers API Gateway would send."""
    from tests.support import invoke

    event = http_event("create_checkout_session", body=body, headers={"idempotency-key": key})
    result: dict[str, Any] = invoke("create_checkout_session", event)
    return result


def test_a_retry_gets_the_first_response_byte_for_byte_and_nothing_runs_again(
    call: Call, store: InMemoryRepository
) -> None:
    first = raw(call, "key-1", {"metadata": {"a": "1"}})
    retry = raw(call, "key-1", {"metadata": {"a": "1"}})

    assert (first["statusCode"], retry["statusCode"]) == (200, 200)
    assert retry["body"] == first["body"]
    assert retry["headers"]["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first["headers"]
    assert len(store.sessions) == 1


def test_the_same_body_in_another_key_order_or_spacing_is_the_same_request(
    call: Call, store: InMemoryRepository
) -> None:
    first = create(call, "key-2", raw='{"expires_in": 600, "metadata": {"a": "1", "b": "2"}}')
    retry = create(call, "key-2", raw='{ "metadata": {"b": "2","a": "1"},\n "expires_in": 600 }')

    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.data == first.data
    assert len(store.sessions) == 1


def test_the_same_key_with_another_body_is_a_400(call: Call, store: InMemoryRepository) -> None:
    create(call, "key-3", {"metadata": {"a": "1"}})

    response = create(call, "key-3", {"metadata": {"a": "2"}})

    assert response.status == 400
    assert response.error == {
        "type": "idempotency_error",
        "code": "idempotency_key_reused",
        "param": "Idempotency-Key",
    }
    assert len(store.sessions) == 1


def test_a_request_without_a_key_runs_every_time(call: Call, store: InMemoryRepository) -> None:
    create(call, None)
    create(call, None)

    assert len(store.sessions) == 2


def test_different_keys_are_different_requests(call: Call, store: InMemoryRepository) -> None:
    create(call, "key-a")
    create(call, "key-b")

    assert len(store.sessions) == 2


def test_the_same_key_while_the_first_still_runs_is_a_409_and_runs_once(
    call: Call, store: InMemoryRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered, release = threading.Event(), threading.Event()
    real_put = store.put_session

    def slow_put(session: Any) -> None:
        entered.set()
        release.wait(5)
        real_put(session)

    monkeypatch.setattr(store, "put_session", slow_put)

    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(create, call, "key-4")
        assert entered.wait(5)
        concurrent = create(call, "key-4")
        release.set()
        assert first.result().status == 200

    assert concurrent.status == 409
    assert concurrent.error["code"] == "idempotency_key_in_progress"
    assert concurrent.error["type"] == "idempotency_error"
    assert create(call, "key-4").headers["idempotent-replayed"] == "true"
    assert len(store.sessions) == 1


def test_a_5xx_is_not_kept_and_the_retry_runs_again(
    call: Call, store: InMemoryRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_put = store.put_session
    monkeypatch.setattr(store, "put_session", lambda _: (_ for _ in ()).throw(StorageUnavailable("busy")))
    failed = create(call, "key-5")
    monkeypatch.setattr(store, "put_session", real_put)

    retried = create(call, "key-5")

    assert failed.status == 503
    assert retried.status == 200
    assert "idempotent-replayed" not in retried.headers
    assert len(store.sessions) == 1


def test_a_validation_failure_is_not_kept(call: Call, store: InMemoryRepository) -> None:
    rejected = create(call, "key-6", {"expires_in": 1})
    again = create(call, "key-6", {"expires_in": 1})
    fixed = create(call, "key-6", {"expires_in": 600})

    assert (rejected.status, again.status, fixed.status) == (400, 400, 200)
    assert "idempotent-replayed" not in again.headers
    assert len(store.sessions) == 1


def test_a_record_past_its_ttl_is_forgotten(
    call: Call, store: InMemoryRepository, idempotency_store: InMemoryIdempotencyStore
) -> None:
    create(call, "key-7")
    for record in idempotency_store.records.values():
        record.expiry_timestamp = int(time.time()) - 1  # what 24 h later looks like

    again = create(call, "key-7")

    assert "idempotent-replayed" not in again.headers
    assert len(store.sessions) == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "clé", "tab\there"])
def test_a_malformed_key_is_a_400(call: Call, key: str, store: InMemoryRepository) -> None:
    response = create(call, key)

    assert response.status == 400
    assert response.error["code"] == "idempotency_key_invalid"
    assert not store.sessions


def test_a_key_of_255_printable_characters_is_fine(call: Call) -> None:
    assert create(call, "~" * 255).status == 200


def test_a_get_ignores_the_header(call: Call, shop: Shop) -> None:
    session = shop.session()
    event = http_event(
        "get_checkout_session", session_id=session.id, query={}, headers={"idempotency-key": "k"}
    )

    response = call("get_checkout_session", event)

    assert response.status == 200
    assert "idempotent-replayed" not in response.headers


# --- scopes --------------------------------------------------------------------------------------
@pytest.fixture
def required(function_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AUTH_MODE", "required")
    composition.reset()
    yield


@pytest.mark.usefixtures("required")
def test_the_same_key_from_another_merchant_is_independent(call: Call, store: InMemoryRepository) -> None:
    key_a = composition.key_service().create("acct_a", "a", Permission.WRITE).secret
    key_b = composition.key_service().create("acct_b", "b", Permission.WRITE).secret

    from_a = create(call, "shared-key", authorization=f"Bearer {key_a}")
    from_b = create(call, "shared-key", authorization=f"Bearer {key_b}")

    assert (from_a.status, from_b.status) == (200, 200)
    assert "idempotent-replayed" not in from_b.headers
    assert from_a.data["id"] != from_b.data["id"]
    assert {s.merchant_id for s in store.sessions.values()} == {"acct_a", "acct_b"}


def test_a_linked_order_retried_after_a_lost_response_is_the_same_order_not_a_409(
    call: Call, shop: Shop, store: InMemoryRepository
) -> None:
    session = shop.session()

    def link() -> ApiResponse:
        event = http_event(
            "create_order", body=linked_order_body(session.id), headers={"idempotency-key": "k-ord"}
        )
        return call("create_order", event)

    first, retry = link(), link()

    assert (first.status, retry.status) == (200, 200)
    assert retry.data == first.data
    assert len(store.orders) == 1


def test_an_anonymous_buyers_key_is_scoped_by_the_session_it_names(call: Call, shop: Shop) -> None:
    one, two = shop.session(), shop.session()

    def link(session_id: str) -> ApiResponse:
        event = http_event(
            "create_order", body=linked_order_body(session_id), headers={"idempotency-key": "same"}
        )
        return call("create_order", event)

    assert link(one.id).status == 200
    second = link(two.id)
    assert second.status == 200  # not "reused with another body": another session is another scope
    assert second.data["checkoutSessionId"] == two.id


# --- bodies compared as the endpoint reads them --------------------------------------------------
def linked_order_text(session_id: str, price: str) -> str:
    """A linked order's body whose free-form metadata holds `price` written exactly as given."""
    return json.dumps({**linked_order_body(session_id), "metadata": {"price": "PRICE"}}).replace(
        '"PRICE"', price
    )


def link_raw(call: Call, key: str, text: str, **headers: str) -> ApiResponse:
    event = http_event("create_order", raw_body=text, headers={"idempotency-key": key, **headers})
    return call("create_order", event)


def test_a_number_that_differs_in_its_last_digit_is_another_body(call: Call, shop: Shop) -> None:
    session = shop.session()
    assert link_raw(call, "k-num", linked_order_text(session.id, "0.1")).status == 200

    retry = link_raw(call, "k-num", linked_order_text(session.id, "0.10000000000000000001"))

    assert retry.status == 400
    assert retry.error["code"] == "idempotency_key_reused"


def test_a_number_spelled_another_way_is_the_same_body(call: Call, shop: Shop) -> None:
    session = shop.session()
    first = link_raw(call, "k-spelling", linked_order_text(session.id, "1.50"))

    retry = link_raw(call, "k-spelling", linked_order_text(session.id, "15E-1"))

    assert retry.status == 200
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.data == first.data


def test_a_retry_whose_body_is_not_json_is_not_replayed(call: Call, store: InMemoryRepository) -> None:
    assert create(call, "k-dup", raw='{"client_reference_id": "a"}').status == 200

    retry = create(call, "k-dup", raw='{"client_reference_id": "b", "client_reference_id": "a"}')

    assert retry.status == 400
    assert "idempotent-replayed" not in retry.headers
    assert len(store.sessions) == 1


@pytest.mark.parametrize("levels", [600, 1200])
def test_a_deeply_nested_body_with_a_key_is_a_400_not_a_500(
    call: Call, store: InMemoryRepository, levels: int
) -> None:
    response = create(call, "k-deep", raw='{"metadata":' + "[" * levels + "]" * levels + "}")

    assert response.status == 400
    assert response.error["type"] == "invalid_request_error"
    assert not store.sessions


@pytest.mark.usefixtures("required")
def test_a_kept_standalone_order_is_not_replayed_to_a_key_without_write(
    call: Call, store: InMemoryRepository
) -> None:
    writer = composition.key_service().create("acct_a", "w", Permission.WRITE).secret
    reader = composition.key_service().create("acct_a", "r", Permission.READ).secret

    def standalone(key: str) -> ApiResponse:
        event = http_event("create_order", body=order_body(), headers={"idempotency-key": "k-perm"})
        event["headers"]["authorization"] = f"Bearer {key}"
        return call("create_order", event)

    assert standalone(writer).status == 200
    refused = standalone(reader)

    assert refused.status == 403
    assert refused.error["type"] == "permission_error"
    assert "idempotent-replayed" not in refused.headers
    assert len(store.orders) == 1


def test_a_number_with_a_huge_exponent_with_a_key_is_a_400_not_a_500(
    call: Call, store: InMemoryRepository
) -> None:
    response = create(call, "k-exp", raw='{"metadata": {"k": 1e1000000}}')

    assert response.status == 400
    assert not store.sessions
