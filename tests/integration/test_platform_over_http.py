"""The platform surface over real HTTP on the local stack (DESIGN 10): sessions created there move
with the public flow, through the stream and the scheduler, and read in the platform's terms."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.builders import RECIPIENT, USDC_BASE, linked_order_body
from tests.integration.conftest import TABLE_NAME, RunningStack, wait_for
from tests.stack import mint_key
from tests.support import send_order_event

PAYMENT = {"amount": "25000000", "token_address": USDC_BASE, "chain_id": 8453, "recipient_address": RECIPIENT}


@pytest.fixture(scope="module")
def admin(stack: RunningStack) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_key(stack, 'acct_platform_http')}"}


def create(api: httpx.Client, admin: dict[str, str], **body: Any) -> dict[str, Any]:
    response = api.post("/api/v1/checkout-sessions", json=body, headers=admin)
    assert response.status_code == 200, response.text
    session: dict[str, Any] = response.json()
    return session


def status_on_platform(api: httpx.Client, admin: dict[str, str], session_id: str) -> Any:
    return api.get(f"/api/v1/checkout-sessions/{session_id}", headers=admin).json()


def test_a_session_paid_through_the_public_flow_reads_completed_with_its_transaction(
    api: httpx.Client, admin: dict[str, str], stack: RunningStack
) -> None:
    session = create(api, admin, **PAYMENT)
    assert session["url"] == f"{stack.base_url}/pay/{session['id']}"
    order = api.post("/orders", json=linked_order_body(session["id"])).json()["data"]

    for status, kind in [
        ("sending_token_from_vault", "deposit"),
        ("executing", "relay"),
        ("executed", "execute"),
    ]:
        assert send_order_event(api, order["id"], status, kind).status_code == 200

    view = wait_for(
        lambda: (v := status_on_platform(api, admin, session["id"]))["status"] == "completed" and v
    )
    assert view["tx_hash"].startswith("0x") and len(view["tx_hash"]) == 66
    assert view["completed_at"] >= view["created_at"]


def test_a_failed_payment_reads_failed(api: httpx.Client, admin: dict[str, str]) -> None:
    session = create(api, admin)
    order = api.post("/orders", json=linked_order_body(session["id"])).json()["data"]

    send_order_event(api, order["id"], "sending_token_from_vault", "deposit")
    send_order_event(api, order["id"], "failure")

    assert wait_for(lambda: status_on_platform(api, admin, session["id"])["status"] == "failed")


def test_a_clock_expiry_reads_expired(api: httpx.Client, admin: dict[str, str], dynamodb: Any) -> None:
    session = create(api, admin, expires_in=2)

    def stored_expired() -> bool:  # written by the scheduled job, not by a read
        item = dynamodb.get_item(
            TableName=TABLE_NAME, Key={"pk": {"S": f"SESSION#{session['id']}"}, "sk": {"S": "SESSION"}}
        )["Item"]
        return bool(item["status"]["S"] == "expired")

    assert wait_for(stored_expired, timeout=15)
    assert status_on_platform(api, admin, session["id"])["status"] == "expired"


def test_an_order_that_does_not_pay_the_config_is_refused(api: httpx.Client, admin: dict[str, str]) -> None:
    session = create(api, admin, **PAYMENT)

    cheap = api.post("/orders", json=linked_order_body(session["id"], srcAmount="1"))
    redirected = api.post("/orders", json=linked_order_body(session["id"], recipientAddress="0x" + "de" * 20))

    for response in (cheap, redirected):
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "order_mismatch"
    assert status_on_platform(api, admin, session["id"])["status"] == "open"
    assert api.post("/orders", json=linked_order_body(session["id"])).status_code == 200


def test_list_pages_newest_first(api: httpx.Client, admin: dict[str, str]) -> None:
    created = [create(api, admin, client_reference_id=f"list-{index}")["id"] for index in range(3)]

    first = api.get("/api/v1/checkout-sessions", params={"limit": 2}, headers=admin).json()
    second = api.get("/api/v1/checkout-sessions", params={"limit": 2, "page": 2}, headers=admin).json()

    assert first["object"] == "list" and first["has_more"] is True
    assert [s["id"] for s in first["data"]] == created[::-1][:2]
    assert second["data"][0]["id"] == created[0]


def test_a_window_that_ends_before_it_starts_is_an_empty_list_not_a_500(
    api: httpx.Client, admin: dict[str, str]
) -> None:
    """Found by schemathesis: DynamoDB refuses a BETWEEN whose bounds are reversed."""
    response = api.get(
        "/api/v1/checkout-sessions", params={"from": 477355509417692, "to": 1917}, headers=admin
    )

    assert response.status_code == 200, response.text
    assert (response.json()["data"], response.json()["total_count"]) == ([], 0)


def test_an_unmatched_platform_path_answers_in_the_platforms_shape(api: httpx.Client) -> None:
    response = api.get("/api/v1/payment-links")

    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found_error"
