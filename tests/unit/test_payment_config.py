"""A session's payment config binds the order linked to it (DESIGN 10), whoever links it."""

from __future__ import annotations

from typing import Any

import pytest

from checkout.domain.records import PaymentConfig
from tests.builders import RECIPIENT, USDC_BASE, a_session, http_event, linked_order_body
from tests.fakes import InMemoryRepository
from tests.unit.conftest import Call

PAYMENT = PaymentConfig(
    amount="25000000", token_address=USDC_BASE, chain_id=8453, recipient_address=RECIPIENT
)
OTHER_TOKEN = "0x4200000000000000000000000000000000000006"
SESSION_ID = "7e57ab1e-0000-4000-8000-000000000001"


@pytest.fixture
def session_with_payment(store: InMemoryRepository, function_env: None) -> str:
    store.put_session(a_session(id=SESSION_ID, payment=PAYMENT, expires_at=2**31))
    return SESSION_ID


def link(call: Call, **changes: Any) -> Any:
    return call("create_order", http_event("create_order", body=linked_order_body(SESSION_ID, **changes)))


@pytest.mark.usefixtures("session_with_payment")
def test_an_order_paying_exactly_the_config_links(call: Call, store: InMemoryRepository) -> None:
    assert link(call).status == 200  # the event file's order: 25 USDC on Base to RECIPIENT
    assert len(store.orders) == 1


@pytest.mark.usefixtures("session_with_payment")
def test_a_swap_whose_recipient_receives_the_amount_links(call: Call) -> None:
    response = link(
        call,
        type="swap",
        srcTokenAddress=OTHER_TOKEN,
        srcAmount="9",
        payload={"expectedDstAmount": "25000000"},
    )

    assert response.status == 200, response.body


@pytest.mark.usefixtures("session_with_payment")
@pytest.mark.parametrize(
    ("changes", "param"),
    [
        ({"srcAmount": "1"}, "srcAmount"),
        ({"recipientAddress": "0x000000000000000000000000000000000000dEaD"}, "recipientAddress"),
        ({"dstChain": 10}, "dstChain"),
        ({"dstTokenAddress": OTHER_TOKEN}, "dstTokenAddress"),
        ({"srcTokenAddress": OTHER_TOKEN}, "type"),  # a custom order changing token: amount unknown
        ({"type": "swap", "payload": {"expectedDstAmount": "24999999"}}, "payload.expectedDstAmount"),
    ],
)
def test_an_order_paying_anything_else_is_refused_and_nothing_is_stored(
    call: Call, store: InMemoryRepository, changes: dict[str, Any], param: str
) -> None:
    response = link(call, **changes)

    assert response.status == 400
    assert response.error == {"type": "invalid_request_error", "code": "order_mismatch", "param": param}
    assert not store.orders
    assert store.sessions[SESSION_ID].order_id is None


@pytest.mark.usefixtures("function_env")
def test_a_session_without_a_config_takes_any_order(call: Call, store: InMemoryRepository) -> None:
    store.put_session(a_session(id=SESSION_ID, expires_at=2**31))

    assert link(call, srcAmount="1").status == 200
