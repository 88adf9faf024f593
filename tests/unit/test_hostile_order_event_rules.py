"""The ingress's rules (DESIGN 3, 5; issue 10) on the in-memory repository: a reused event id is
refused, no refund without a deposit, transactions kept apart and deduplicated. No AWS, no socket."""

from __future__ import annotations

import json
from typing import Any

import pytest

from checkout.config import Settings
from checkout.domain.errors import EventIdReused, IllegalOrderTransition
from checkout.domain.order_events import OrderEventService, event_fingerprint
from checkout.domain.records import OrderRecord
from checkout.domain.status import OrderStatus, order_transition_allowed
from checkout.requests.order_events import OrderEventRequest
from checkout.requests.parsing import parse_model
from tests.fakes import InMemoryRepository

ORDER_ID = "9c1e5d7a-3b2f-4e6d-8a9b-0c1d2e3f4a5b"
ADDRESS = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
SETTINGS = Settings(table_name="unit-tests")


def event(event_id: str, status: str, **fields: Any) -> OrderEventRequest:
    body = {"id": event_id, "orderId": ORDER_ID, "status": status, **fields}
    return parse_model(OrderEventRequest, json.loads(json.dumps(body)), SETTINGS)


def tx(kind: str = "deposit", byte: str = "ab", **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "chainId": 8453, "txHash": "0x" + byte * 32, **fields}


class Clock:
    now = 1_795_000_000_000

    def __call__(self) -> int:
        self.now += 1000
        return self.now


@pytest.fixture
def repository() -> InMemoryRepository:
    repository = InMemoryRepository()
    repository.orders[ORDER_ID] = OrderRecord(
        id=ORDER_ID,
        merchant_id="acct_local",
        status=OrderStatus.SCANNING_DEPOSIT_TRANSACTION,
        type="custom",
        recipient_address=ADDRESS,
        global_address=ADDRESS,
        src_chain=8453,
        dst_chain=8453,
        src_token_address=ADDRESS,
        dst_token_address=ADDRESS,
        src_amount="1",
        created_at=1,
        updated_at=1,
        expired_at=2,
    )
    return repository


@pytest.fixture
def service(repository: InMemoryRepository) -> OrderEventService:
    return OrderEventService(repository, Clock())


@pytest.mark.parametrize(
    ("source", "deposit_received", "allowed"),
    [
        (OrderStatus.FAILURE, False, False),
        (OrderStatus.FAILURE, True, True),
        (OrderStatus.EXPIRED, False, False),
        (OrderStatus.EXPIRED, True, True),
        (OrderStatus.RELAY, False, True),  # a status after the deposit says it arrived
        (OrderStatus.SCANNING_DEPOSIT_TRANSACTION, True, False),
        (OrderStatus.EXECUTED, True, False),
        (OrderStatus.REFUNDED, True, False),
    ],
)
def test_refunding_needs_a_received_deposit(
    source: OrderStatus, deposit_received: bool, allowed: bool
) -> None:
    assert (
        order_transition_allowed(source, OrderStatus.REFUNDING, deposit_received=deposit_received) is allowed
    )


def test_scanning_failure_refunding_refunded_is_impossible(service: OrderEventService) -> None:
    service.record(event("e1", "failure"))
    with pytest.raises(IllegalOrderTransition, match="received no deposit"):
        service.record(event("e2", "refunding"))
    with pytest.raises(IllegalOrderTransition):
        service.record(event("e3", "refunded", transaction=tx("refund")))


def test_a_deposit_then_a_failure_is_refunded(service: OrderEventService) -> None:
    recorded = service.record(event("e1", "scanning_deposit_transaction", transaction=tx(amount="5")))
    assert recorded.order.order.received_deposit_at is not None
    service.record(event("e2", "failure"))
    assert service.record(event("e3", "refunding")).order.order.status == OrderStatus.REFUNDING


def test_an_event_that_brings_the_deposit_may_refund_at_once(service: OrderEventService) -> None:
    service.record(event("e1", "expired"))
    outcome = service.record(event("e2", "refunding", transaction=tx()))
    assert outcome.order.order.status == OrderStatus.REFUNDING


def test_a_failed_deposit_is_not_a_deposit(service: OrderEventService) -> None:
    service.record(event("e1", "failure", transaction=tx(status="failed")))
    with pytest.raises(IllegalOrderTransition):
        service.record(event("e2", "refunding"))


def test_the_same_id_with_another_body_is_refused_and_changes_nothing(
    service: OrderEventService, repository: InMemoryRepository
) -> None:
    first = service.record(event("evt", "sending_token_from_vault", transaction=tx()))
    for changed in (
        event("evt", "executing", transaction=tx()),
        event("evt", "sending_token_from_vault", transaction=tx(byte="cd")),
        event("evt", "sending_token_from_vault", transaction=tx(amount="1")),
        event("evt", "sending_token_from_vault"),
    ):
        with pytest.raises(EventIdReused):
            service.record(changed)
    assert repository.get_order_details(ORDER_ID) == first.order
    replay = service.record(event("evt", "sending_token_from_vault", transaction=tx()))
    assert replay.duplicate and replay.order == first.order


def test_the_fingerprint_ignores_layout_and_follows_meaning() -> None:
    a = event("e", "failure", errorDetails={"b": 1.50, "a": [1, 2]})
    reordered = '{"errorDetails": {"a": [1, 2], "b": 1.5}, "status": "failure", "orderId": "@", "id": "e"}'
    same = parse_model(OrderEventRequest, json.loads(reordered.replace("@", ORDER_ID)), SETTINGS)
    assert event_fingerprint(a) == event_fingerprint(same)
    assert event_fingerprint(a) != event_fingerprint(
        event("e", "failure", errorDetails={"b": 1.5, "a": [2, 1]})
    )
    assert event_fingerprint(a) != event_fingerprint(event("e", "failure", errorDetails="1.5"))


def test_a_transaction_reported_again_is_one_transaction(service: OrderEventService) -> None:
    first = service.record(event("e1", "scanning_deposit_transaction", transaction=tx(amount="5")))
    again = service.record(
        event(
            "e2",
            "scanning_deposit_transaction",
            transaction=tx(status="success", **{"from": ADDRESS.lower()}),
        )
    )
    [deposit] = again.order.of_kind("deposit")
    assert deposit.created_at == first.order.of_kind("deposit")[0].created_at
    assert (deposit.amount, deposit.status, deposit.from_address) == ("5", "success", ADDRESS)


def test_executions_refunds_and_relays_are_listed_before_a_flood_of_deposits(
    service: OrderEventService, repository: InMemoryRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tests.fakes.MAX_TRANSACTIONS_LISTED", 5)
    for n in range(8):
        service.record(event(f"d{n}", "scanning_deposit_transaction", transaction=tx(byte=f"{n:02x}")))
    service.record(event("r", "relay", transaction=tx("relay", "ee")))
    details = service.record(event("x", "executed", transaction=tx("execute", "ff"))).order
    assert details.latest("execute") is not None and len(details.of_kind("relay")) == 1
    assert len(details.of_kind("deposit")) == 3
