"""The stream-triggered sync: any delivery order, duplicates and stale records converge on the
state in-order delivery gives; TTL removals are ignored; a failing record is reported and the
records after it are still applied."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkout.domain.errors import StorageUnavailable
from tests.builders import load_event
from tests.fakes import InMemoryRepository
from tests.support import invoke
from tests.unit.conftest import Shop

pytestmark = pytest.mark.usefixtures("function_env")
_sequence = itertools.count(100_000_000_000_000_000_000)

SUCCESS = ["sending_token_from_vault", "quoting_after_deposit", "relay", "executing", "executed"]
FAILURE = ["sending_token_from_vault", "failure", "refunding", "refunded"]
ABANDONED = ["expired"]


def order_record(session_id: str, expires_at: int, old: str, new: str) -> dict[str, Any]:
    """A MODIFY record of an order item, shaped like `events/sync_sessions.json`."""
    record: dict[str, Any] = copy.deepcopy(load_event("sync_sessions")["Records"][0])
    stream = record["dynamodb"]
    for image, status in (("OldImage", old), ("NewImage", new)):
        stream[image]["status"] = {"S": status}
        stream[image]["checkout_session_id"] = {"S": session_id}
        stream[image]["session_expires_at"] = {"N": str(expires_at)}
    stream["NewImage"].pop("execute_tx", None)
    stream["SequenceNumber"] = str(next(_sequence))
    return record


def ttl_removal(session_id: str) -> dict[str, Any]:
    record = order_record(session_id, 0, "expired", "expired")
    record["eventName"] = "REMOVE"
    record["userIdentity"] = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    del record["dynamodb"]["NewImage"]
    return record


def records_for(session_id: str, expires_at: int, statuses: list[str]) -> list[dict[str, Any]]:
    chain = ["scanning_deposit_transaction", *statuses]
    return [order_record(session_id, expires_at, old, new) for old, new in itertools.pairwise(chain)]


def deliver(records: list[dict[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = invoke("sync_sessions", {"Records": records})
    return result


def status_of(store: InMemoryRepository, session_id: str) -> str:
    return str(store.sessions[session_id].status)


@pytest.mark.parametrize(
    ("statuses", "final"), [(SUCCESS, "complete"), (FAILURE, "expired"), (ABANDONED, "expired")]
)
def test_in_order_delivery_reaches_the_mapped_status(
    shop: Shop, store: InMemoryRepository, statuses: list[str], final: str
) -> None:
    session = shop.session()

    result = deliver(records_for(session.id, session.expires_at, statuses))

    assert result == {"batchItemFailures": []}
    assert status_of(store, session.id) == final


def test_the_event_file_completes_its_session(shop: Shop, store: InMemoryRepository) -> None:
    session = shop.session()
    event = load_event("sync_sessions")
    for image in ("OldImage", "NewImage"):
        event["Records"][0]["dynamodb"][image]["checkout_session_id"] = {"S": session.id}

    assert deliver(event["Records"]) == {"batchItemFailures": []}
    assert status_of(store, session.id) == "complete"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), flow=st.sampled_from([(SUCCESS, "complete"), (FAILURE, "expired")]))
def test_duplicated_shuffled_and_stale_delivery_converges(
    shop: Shop, store: InMemoryRepository, data: st.DataObject, flow: tuple[list[str], str]
) -> None:
    statuses, final = flow
    session = shop.session()
    records = records_for(session.id, session.expires_at, statuses)
    duplicated = records + data.draw(st.lists(st.sampled_from(records), max_size=6))
    delivery = data.draw(st.permutations(duplicated))
    batches = data.draw(st.integers(min_value=1, max_value=4))

    for start in range(batches):
        assert deliver(delivery[start::batches]) == {"batchItemFailures": []}

    assert status_of(store, session.id) == final


def test_a_stale_record_after_completion_changes_nothing(shop: Shop, store: InMemoryRepository) -> None:
    session = shop.session()
    deliver(records_for(session.id, session.expires_at, SUCCESS))
    completed = store.sessions[session.id]

    deliver([order_record(session.id, session.expires_at, "scanning_deposit_transaction", "relay")])

    assert store.sessions[session.id] == completed


def test_an_order_with_empty_maps_is_understood(shop: Shop, store: InMemoryRepository) -> None:
    session = shop.session()
    record = order_record(session.id, session.expires_at, "executing", "executed")
    record["dynamodb"]["NewImage"]["payload"] = {"M": {}}

    assert deliver([record]) == {"batchItemFailures": []}
    assert status_of(store, session.id) == "complete"


def test_a_ttl_removal_is_ignored(shop: Shop, store: InMemoryRepository) -> None:
    session = shop.session()

    assert deliver([ttl_removal(session.id)]) == {"batchItemFailures": []}
    assert status_of(store, session.id) == "open"


def test_a_record_for_a_purged_session_is_not_a_failure(function_env: None) -> None:
    gone = "0d6f3e2a-1b4c-4d5e-8f9a-0b1c2d3e4f5a"
    assert deliver(records_for(gone, 0, ["executed"])) == {"batchItemFailures": []}


def test_a_failing_record_is_reported_and_the_records_after_it_are_applied(
    shop: Shop, store: InMemoryRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    unlucky, later = shop.session(), shop.session()
    real_follow = store.follow_order

    def throttled(session_id: str, *args: Any) -> Any:
        if session_id == unlucky.id:
            raise StorageUnavailable("throttled")
        return real_follow(session_id, *args)

    monkeypatch.setattr(store, "follow_order", throttled)
    failing = order_record(unlucky.id, unlucky.expires_at, "scanning_deposit_transaction", "executed")
    succeeding = order_record(later.id, later.expires_at, "scanning_deposit_transaction", "executed")

    result = deliver([failing, succeeding])

    assert result == {"batchItemFailures": [{"itemIdentifier": failing["dynamodb"]["SequenceNumber"]}]}
    assert status_of(store, later.id) == "complete"
    assert status_of(store, unlucky.id) == "open"

    monkeypatch.setattr(store, "follow_order", real_follow)
    assert deliver([failing]) == {"batchItemFailures": []}  # Lambda's retry then succeeds
    assert status_of(store, unlucky.id) == "complete"
