"""The domain's records: a session, an order and an API key as the service knows them (the webhooks'
are in `webhook_records`).

Storage keys and bookkeeping (partition keys, index shards, TTL) are the repository's business and
never appear here; every timestamp is epoch milliseconds except a session's `expires_at` (seconds).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from checkout.domain.record_base import Record
from checkout.domain.status import ExpiryCause, OrderStatus, SessionStatus


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


TransactionKind = Literal["deposit", "relay", "execute", "refund"]
TransactionStatus = Literal["success", "failed"]


class Transaction(Record):
    """A chain transaction reported by the payment watcher for an order. Each is stored on its own,
    never inside the order, so no number of them can grow the order (DESIGN 13)."""

    order_id: str
    kind: TransactionKind
    chain_id: int
    tx_hash: str
    amount: str | None = None  # base units, as a decimal integer string
    from_address: str | None = None
    status: TransactionStatus | None = None
    created_at: int  # when first reported

    @property
    def is_received_deposit(self) -> bool:
        """Money arrived: a deposit not reported as failed."""
        return self.kind == "deposit" and self.status != "failed"


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
    error_details: str | dict[str, Any] | None = None  # the watcher's text, or its free-form object
    creator_address: str | None = None
    partner_id: str | None = None
    client_reference_id: str | None = None
    callback_metadata: dict[str, Any] | None = None  # the SDK's, kept as sent
    fee_on_top: bool | None = None  # the SDK's, kept as sent
    created_at: int
    updated_at: int
    expired_at: int  # the deposit deadline
    filled_at: int | None = None
    received_deposit_at: int | None = None  # the first deposit (or post-deposit status) reported
    execute_tx_hash: str | None = None  # the executing transaction, once reported


class OrderDetails(Record):
    """An order with the transactions recorded for it, read together."""

    order: OrderRecord
    transactions: tuple[Transaction, ...] = ()

    def of_kind(self, kind: TransactionKind) -> list[Transaction]:
        """That kind's transactions, oldest first."""
        return sorted(
            (tx for tx in self.transactions if tx.kind == kind), key=lambda tx: (tx.created_at, tx.tx_hash)
        )

    def latest(self, kind: TransactionKind) -> Transaction | None:
        found = self.of_kind(kind)
        return found[-1] if found else None


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
