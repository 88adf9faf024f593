"""What a merchant and the payment watcher do around the page, over HTTP on the local stack."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tests.builders import RECIPIENT, USDC_BASE, linked_order_body
from tests.stack import RunningStack
from tests.stack import mint_key as stack_mint_key
from tests.support import send_order_event

PAYMENT = {"amount": "25000000", "token_address": USDC_BASE, "chain_id": 8453, "recipient_address": RECIPIENT}
PAID = [("sending_token_from_vault", "deposit"), ("executing", "relay"), ("executed", "execute")]


def mint_key(stack: RunningStack, merchant: str = "acct_browser") -> str:
    """An admin key from `make api-key` against the stack's DynamoDB Local."""
    return stack_mint_key(stack, merchant, name="browser")


@dataclass
class Shop:
    api: httpx.Client
    key: str
    elsewhere: str  # the stub site's origin: the merchant's pages live there

    def session(self, **body: Any) -> dict[str, Any]:
        """A platform session with the default payment config and the merchant's pages on the stub."""
        defaults = {
            **PAYMENT,
            "success_url": f"{self.elsewhere}/thanks?session={{SESSION_ID}}",
            "cancel_url": f"{self.elsewhere}/cart",
        }
        response = self.api.post(
            "/api/v1/checkout-sessions",
            json={**defaults, **body},
            headers={"Authorization": f"Bearer {self.key}"},
        )
        assert response.status_code == 200, response.text
        session: dict[str, Any] = response.json()
        return session

    def expire(self, session_id: str) -> None:
        response = self.api.post(
            f"/api/v1/checkout-sessions/{session_id}/expire", headers={"Authorization": f"Bearer {self.key}"}
        )
        assert response.status_code == 200, response.text

    def order(self, session_id: str) -> dict[str, Any] | None:
        """The linked order (`order` of `?include=order`), as the page's script reads it."""
        response = self.api.get(f"/checkout-sessions/{session_id}", params={"include": "order"})
        assert response.status_code == 200, response.text
        details = response.json()["data"]["order"]
        return None if details is None else dict(details["order"])

    def link_crypto_order(self, session_id: str) -> dict[str, Any]:
        response = self.api.post("/orders", json=linked_order_body(session_id))
        assert response.status_code == 200, response.text
        order: dict[str, Any] = response.json()["data"]
        return order

    def pay(self, order_id: str) -> None:
        """The payment watcher's signed events: deposit, relay, execution."""
        for status, kind in PAID:
            response = send_order_event(self.api, order_id, status, kind)
            assert response.status_code == 200, response.text
