"""The hosted page's functions on moto's DynamoDB: the page reads the stored session and order
through the real adapter, and syncs the session as the public GET does."""

from __future__ import annotations

import uuid
from typing import Any

from checkout.adapters.dynamodb.repository import DynamoDBRepository
from checkout.domain.clock import now_ms
from checkout.domain.records import PaymentConfig
from tests.builders import RECIPIENT, TABLE_NAME, USDC_BASE, a_session, http_event, linked_order_body
from tests.functional.conftest import Call
from tests.support import invoke_page, stored_item

PAYMENT = PaymentConfig(
    amount="25000000", token_address=USDC_BASE, chain_id=8453, recipient_address=RECIPIENT
)


def stored_session(repository: DynamoDBRepository, expires_in: int = 1800) -> str:
    session_id = str(uuid.uuid4())
    repository.put_session(
        a_session(
            id=session_id, payment=PAYMENT, expires_at=now_ms() // 1000 + expires_in, created_at=now_ms()
        )
    )
    return session_id


def page(session_id: str) -> str:
    response = invoke_page("hosted_page", http_event("hosted_page", session_id=session_id))
    assert response.status == 200, response.text
    return response.text


def test_the_page_shows_the_order_linked_through_post_orders(
    call: Call, repository: DynamoDBRepository
) -> None:
    session_id = stored_session(repository)
    assert 'data-state="choose"' in page(session_id)

    order = call("create_order", http_event("create_order", body=linked_order_body(session_id))).data

    shown = page(session_id)
    assert 'data-state="crypto"' in shown
    assert f'<code id="deposit-address" class="address">{order["globalAddress"]}</code>' in shown


def test_the_page_stores_a_clock_expiry_like_the_public_get(
    call: Call, repository: DynamoDBRepository, dynamodb: Any
) -> None:
    session_id = stored_session(repository, expires_in=-1)

    assert "This checkout expired before it was paid." in page(session_id)

    item = stored_item(dynamodb, TABLE_NAME, f"SESSION#{session_id}", "SESSION")
    assert item is not None and item["status"] == {"S": "expired"}
    assert "open_shard" not in item


def test_an_unknown_session_is_the_404_page(call: Call) -> None:
    response = invoke_page("hosted_page", http_event("hosted_page", session_id=str(uuid.uuid4())))
    assert response.status == 404
    assert "Checkout not found" in response.text
