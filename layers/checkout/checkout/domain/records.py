"""The domain's records: a session and an order as the service knows them.

Storage keys and bookkeeping (partition keys, index shards, TTL) are the repository's business and
never appear here; every timestamp is epoch milliseconds except a session's `expires_at` (seconds).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from checkout.domain.status import ExpiryCause, OrderStatus, SessionStatus


class Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class PaymentConfig(Record):
    """What a session asks to be paid: exactly `amount` base units of `token_address` on `chain_id`
    to `recipient_address`. A session with one accepts only an order that pays exactly it."""

    amount: str
    token_address: str
    chain_id: int
    recipient_address: str


class Customer(Record):
    email: str | None = None
    name: str | None = None


class SessionRecord(Record):
    id: str
    merchant_id: str
    status: SessionStatus
    success_url: str | None = None
    cancel_url: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    client_reference_id: str | None = None
    order_id: str | None = None
    expires_at: int  # epoch seconds
    created_at: int
    updated_at: int
    completed_at: int | None = None
    payment: PaymentConfig | None = None
    customer: Customer = Field(default_factory=Customer)
    utm: dict[str, str] = Field(default_factory=dict)  # utm_source, utm_medium, utm_campaign
    expired_by: ExpiryCause | None = None
    tx_hash: str | None = None  # the order's executing transaction, once known

    def is_past_deadline(self, now_ms: int) -> bool:
        return now_ms // 1000 >= self.expires_at


class Transaction(Record):
    """A chain transaction reported by the payment watcher."""

    chain_id: int
    tx_hash: str
    created_at: int


class OrderRecord(Record):
    id: str
    merchant_id: str
    status: OrderStatus
    type: str
    recipient_address: str
    global_address: str
    src_chain: int
    dst_chain: int
    src_token_address: str
    dst_token_address: str
    src_amount: str
    payload: dict[str, Any] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict)
    onramp_metadata: dict[str, Any] | None = None
    one_click_buy_url: str | None = None
    checkout_session_id: str | None = None
    session_expires_at: int | None = None  # epoch s: lets the stream sync set the session's retention
    error_details: dict[str, Any] | None = None
    creator_address: str | None = None
    partner_id: str | None = None
    client_reference_id: str | None = None
    created_at: int
    updated_at: int
    expired_at: int  # the deposit deadline
    filled_at: int | None = None
    deposit_txs: list[Transaction] = Field(default_factory=list)
    relay_txs: list[Transaction] = Field(default_factory=list)
    execute_tx: Transaction | None = None
    refund_txs: list[Transaction] = Field(default_factory=list)


class ApiKeyRecord(Record):
    """What is kept of an API key: never the key itself, only its SHA-256 (DESIGN 8)."""

    id: str
    key_hash: str
    merchant_id: str
    name: str
    prefix: str  # the key's first 12 characters, for people to recognise it
    permissions: list[str]
    created_at: int
    last_used_at: int | None = None
    revoked_at: int | None = None
