"""The platform surface's wire objects (DESIGN 10): `CheckoutSession` and `ListResponse` as the
published SDK's types describe them — epoch milliseconds, `completed`/`failed`, metadata as a JSON
string, an `object` field on everything."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from checkout.domain.listing import SessionPage, current_status
from checkout.domain.records import SessionRecord
from checkout.domain.status import PlatformStatus
from checkout.web.list_response import list_response

LIST_URL = "/api/v1/checkout-sessions"


class PlatformSessionView(BaseModel):
    model_config = ConfigDict(frozen=True)

    object: Literal["checkout_session"] = "checkout_session"
    id: str
    url: str | None
    status: PlatformStatus
    payment_link_id: None = None
    product_id: None = None
    amount: str | None
    token_address: str | None
    chain_id: int | None
    recipient_address: str | None
    success_url: str | None
    cancel_url: str | None
    client_reference_id: str | None
    metadata: str | None
    customer_email: str | None
    customer_name: str | None
    tx_hash: str | None
    completed_at: int | None
    expires_at: int
    created_at: int
    updated_at: int

    @classmethod
    def of(cls, session: SessionRecord, base_url: str, now_ms: int) -> PlatformSessionView:
        payment = session.payment
        return cls(
            id=session.id,
            url=f"{base_url}/pay/{session.id}" if payment else None,
            status=current_status(session.status, session.expired_by, session.expires_at, now_ms),
            amount=payment.amount if payment else None,
            token_address=payment.token_address if payment else None,
            chain_id=payment.chain_id if payment else None,
            recipient_address=payment.recipient_address if payment else None,
            success_url=session.success_url,
            cancel_url=session.cancel_url,
            client_reference_id=session.client_reference_id,
            metadata=metadata_text(session.metadata),
            customer_email=session.customer.email,
            customer_name=session.customer.name,
            tx_hash=session.tx_hash,
            completed_at=session.completed_at,
            expires_at=session.expires_at * 1000,
            created_at=session.created_at,
            updated_at=session.updated_at,
        )


def metadata_text(metadata: dict[str, str]) -> str | None:
    """The metadata as the SDK's JSON string, keys sorted: DynamoDB keeps a map's keys in no order,
    so the text answered at create would otherwise differ from the one a later read gives.
    Non-ASCII as itself: escaped, and escaped again inside a webhook's payload, an emoji took 14
    bytes, and the largest metadata alone 230 KB of an event item."""
    return (
        json.dumps(metadata, separators=(",", ":"), sort_keys=True, ensure_ascii=False) if metadata else None
    )


def platform_session(session: SessionRecord, base_url: str, now_ms: int) -> dict[str, Any]:
    return PlatformSessionView.of(session, base_url, now_ms).model_dump(mode="json")


def session_list(page: SessionPage, base_url: str, now_ms: int) -> dict[str, Any]:
    sessions = [platform_session(session, base_url, now_ms) for session in page.sessions]
    return list_response(sessions, page.has_more, page.total_count, LIST_URL)
