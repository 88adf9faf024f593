"""Shared builders: request bodies, domain records, API Gateway events and signed ingress events.

Every tier builds its inputs here, from the same `events/` files `sam local invoke -e` takes.
"""

from __future__ import annotations

import base64
import copy
import json
import time
from functools import cache
from pathlib import Path
from typing import Any

from checkout.config import Settings
from checkout.domain.ports import OrderProgress
from checkout.domain.records import OrderRecord, SessionRecord, Transaction, TransactionKind
from checkout.domain.status import (
    POST_DEPOSIT_STATUSES,
    OrderStatus,
    SessionStatus,
    order_sources_after_deposit,
    order_sources_for,
)
from checkout.domain.webhook_records import DeliveryJob, WebhookEventRecord, WebhookRecord
from checkout.web.signatures import signature_header
from devstack.settings import LOCAL_DEFAULTS

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events"
USDC_BASE = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"
RECIPIENT = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
ORDER_EVENTS_SECRET = "whsec_test_secret"
TABLE_NAME = "checkout-test"
NOW_MS = 1_795_000_000_000
MERCHANT = "acct_local"  # the built-in merchant an anonymous call acts for in AUTH_MODE=open
# The API's own URL, as the events' requests name it and as the template gives the stream function.
PUBLIC_BASE_URL = "https://abc123def4.execute-api.us-east-1.amazonaws.com"
# A platform session's payment config (DESIGN 10) that linked_order_body()'s order pays exactly.
PAYMENT_CONFIG = {
    "amount": "25000000",
    "token_address": USDC_BASE,
    "chain_id": 8453,
    "recipient_address": RECIPIENT,
}


# --- settings ------------------------------------------------------------------------------------
# The local stack's deposit contract (devstack/settings.py): the template has no default for it.
DEPOSIT_ENV = {
    "DEPOSIT_FACTORY_ADDRESS": LOCAL_DEFAULTS["DEPOSIT_FACTORY_ADDRESS"],
    "DEPOSIT_INIT_CODE_HASH": LOCAL_DEFAULTS["DEPOSIT_INIT_CODE_HASH"],
}


def make_settings(**overrides: Any) -> Settings:
    deposit = {
        "deposit_factory_address": DEPOSIT_ENV["DEPOSIT_FACTORY_ADDRESS"],
        "deposit_init_code_hash": DEPOSIT_ENV["DEPOSIT_INIT_CODE_HASH"],
    }
    return Settings(table_name=TABLE_NAME, **{**deposit, **overrides})


# --- event files and request bodies --------------------------------------------------------------
@cache
def _event_file(name: str) -> str:
    return (EVENTS / f"{name}.json").read_text()


def load_event(name: str) -> dict[str, Any]:
    """A fresh copy of `events/<name>.json`."""
    event: dict[str, Any] = json.loads(_event_file(name))
    return copy.deepcopy(event)


def order_body(**changes: Any) -> dict[str, Any]:
    """The `events/create_order.json` body without its session (a standalone order); a change of
    `...` removes the field."""
    body: dict[str, Any] = json.loads(load_event("create_order")["body"])
    body.pop("checkoutSessionId")
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}


def linked_order_body(session_id: str, **changes: Any) -> dict[str, Any]:
    return order_body(checkoutSessionId=session_id, **changes)


def order_event_body(order_id: str, status: str, event_id: str = "evt_1", **extra: Any) -> dict[str, Any]:
    return {"id": event_id, "orderId": order_id, "status": status, **extra}


def http_event(
    name: str,
    *,
    session_id: str | None = None,
    order_id: str | None = None,
    body: Any = ...,
    raw_body: bytes | str | None = None,
    content_type: str | None = "application/json",
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The named API Gateway v2.0 event with its path, body, query or headers replaced."""
    event = load_event(name)
    for value in (session_id, order_id):
        if value is not None:
            old = event["pathParameters"]["id"]
            event["pathParameters"]["id"] = value
            event["rawPath"] = event["rawPath"].replace(old, value)
            event["requestContext"]["http"]["path"] = event["rawPath"]
    if body is not ... or raw_body is not None:
        data = raw_body if raw_body is not None else json.dumps(body)
        event.pop("body", None)
        event["headers"].pop("content-type", None)
        if isinstance(data, bytes):
            event["body"] = base64.b64encode(data).decode()
            event["isBase64Encoded"] = True
        else:
            event["body"] = data
            event["isBase64Encoded"] = False
        if content_type is not None:
            event["headers"]["content-type"] = content_type
    if query is not None:
        event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
        event.pop("queryStringParameters", None)
        if query:
            event["queryStringParameters"] = query
    if headers:
        event["headers"].update({k.lower(): v for k, v in headers.items()})
    return event


def signed_order_event(
    body: dict[str, Any] | bytes,
    secrets: list[str] | None = None,
    timestamp: int | None = None,
    header: str | None = None,
) -> dict[str, Any]:
    """`events/record_order_event.json` with a new body, signed now (or at `timestamp`)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    event = http_event("record_order_event", raw_body=raw.decode(errors="replace"))
    event["body"] = raw.decode()
    when = int(time.time()) if timestamp is None else timestamp
    event["headers"]["checkout-signature"] = (
        header if header is not None else signature_header(secrets or [ORDER_EVENTS_SECRET], when, raw)
    )
    return event


# --- domain records and values -------------------------------------------------------------------
def a_session(**fields: Any) -> SessionRecord:
    values: dict[str, Any] = {
        "id": "6f1c2a38-5d47-4a8e-9c3b-1e2d3f4a5b6c",
        "merchant_id": MERCHANT,
        "status": SessionStatus.OPEN,
        "expires_at": NOW_MS // 1000 + 1800,
        "created_at": NOW_MS,
        "updated_at": NOW_MS,
    }
    return SessionRecord(**{**values, **fields})


def an_order(**fields: Any) -> OrderRecord:
    values: dict[str, Any] = {
        "id": "0b9e8d7c-6a5b-4c3d-8e2f-1a0b9c8d7e6f",
        "merchant_id": MERCHANT,
        "status": OrderStatus.SCANNING_DEPOSIT_TRANSACTION,
        "type": "custom",
        "recipient_address": RECIPIENT,
        "global_address": "0x" + "11" * 20,
        "src_chain": 8453,
        "dst_chain": 8453,
        "src_token_address": USDC_BASE,
        "dst_token_address": USDC_BASE,
        "src_amount": "25000000",
        "created_at": NOW_MS,
        "updated_at": NOW_MS,
        "expired_at": NOW_MS + 1_800_000,
    }
    return OrderRecord(**{**values, **fields})


WEBHOOK_ID = "wh_3f1a9c0b7d2e4f5a6b7c8d9e"
WEBHOOK_SECRET = "whsec_test_webhook_signing_secret"


def a_webhook(**fields: Any) -> WebhookRecord:
    values: dict[str, Any] = {
        "id": WEBHOOK_ID,
        "merchant_id": MERCHANT,
        "url": "https://shop.example.com/webhooks",
        "events": ["*"],
        "secret": WEBHOOK_SECRET,
        "created_at": NOW_MS,
        "updated_at": NOW_MS,
    }
    return WebhookRecord(**{**values, **fields})


def a_webhook_event(**fields: Any) -> WebhookEventRecord:
    values: dict[str, Any] = {
        "id": "evt_" + "5e" * 16,
        "merchant_id": MERCHANT,
        "type": "checkout.completed",
        "created_at": NOW_MS,
        "payload": '{"id":"evt_5e5e","object":"event"}',
    }
    return WebhookEventRecord(**{**values, **fields})


def a_delivery_job(event: WebhookEventRecord | None = None, **fields: Any) -> DeliveryJob:
    event = event or a_webhook_event()
    values: dict[str, Any] = {
        "webhook_id": WEBHOOK_ID,
        "event_id": event.id,
        "merchant_id": event.merchant_id,
        "event_type": event.type,
        "status": "pending",
        "next_attempt_at": event.created_at,
        "created_at": event.created_at,
        "updated_at": event.created_at,
    }
    return DeliveryJob(**{**values, **fields})


def a_transaction(
    order_id: str = "0b9e8d7c-6a5b-4c3d-8e2f-1a0b9c8d7e6f",
    kind: TransactionKind = "deposit",
    at_ms: int = NOW_MS,
    tx_hash: str = "0x" + "ab" * 32,
) -> Transaction:
    return Transaction(order_id=order_id, kind=kind, chain_id=8453, tx_hash=tx_hash, created_at=at_ms)


def progress(
    order_id: str,
    status: OrderStatus,
    *,
    event_id: str | None = None,
    at_ms: int = NOW_MS,
    kind: TransactionKind | None = None,
    tx_hash: str = "0x" + "ab" * 32,
    error_details: str | dict[str, Any] | None = None,
) -> OrderProgress:
    """A payment-watcher report as the event service hands it to the repository (the service's
    own rules decide what it may move from: `OrderEventService._progress`)."""
    transaction = None if kind is None else a_transaction(order_id, kind, at_ms, tx_hash)
    reports_deposit = status in POST_DEPOSIT_STATUSES or (
        transaction is not None and transaction.is_received_deposit
    )
    allowed_from = order_sources_for(status) | {status}
    after_deposit = order_sources_after_deposit(status)
    return OrderProgress(
        event_id=event_id or f"evt_{order_id[:8]}_{status}_{at_ms}",
        fingerprint=f"{order_id}:{status}:{kind}:{at_ms}",
        order_id=order_id,
        status=status,
        allowed_from=allowed_from | after_deposit if reports_deposit else allowed_from,
        allowed_from_after_deposit=frozenset() if reports_deposit else after_deposit - allowed_from,
        transaction=transaction,
        reports_deposit=reports_deposit,
        error_details=error_details,
        received_at=at_ms,
    )
