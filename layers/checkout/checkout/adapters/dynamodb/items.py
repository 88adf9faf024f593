"""Session, order, event and API-key records <-> table items: the keys and bookkeeping attributes
live only here (and, for the webhooks, in `webhook_items`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from checkout.adapters.dynamodb.codec import record_from_item
from checkout.adapters.dynamodb.keys import (
    api_key_id_key,
    api_key_key,
    event_key,
    merchant_list_key,
    open_shard,
    order_key,
    session_key,
)
from checkout.adapters.dynamodb.retention import purge_at
from checkout.domain.records import Transaction

if TYPE_CHECKING:
    from checkout.config import Settings
    from checkout.domain.ports import OrderProgress
    from checkout.domain.records import ApiKeyRecord, OrderRecord, SessionRecord

SESSION_ENTITY = "session"
ORDER_ENTITY = "order"
TRANSACTION_ENTITY = "transaction"


def session_item(session: SessionRecord, settings: Settings) -> dict[str, Any]:
    return {
        **session.model_dump(exclude_none=True),
        **session_key(session.id),
        "entity": SESSION_ENTITY,
        "merchant_list": merchant_list_key(session.merchant_id, session.id, settings.list_shards),
        # While open, the session is listed in the expiry index ...
        "open_shard": open_shard(session.id, settings.open_shards),
        # ... and purged even if the expiry job never ran.
        "purge_at": purge_at(session.created_at, session.expires_at, settings),
    }


def order_item(order: OrderRecord) -> dict[str, Any]:
    return {**order.model_dump(exclude_none=True), **order_key(order.id), "entity": ORDER_ENTITY}


def transaction_from_item(item: dict[str, Any]) -> Transaction:
    return record_from_item(Transaction, item)


def event_item(progress: OrderProgress, settings: Settings) -> dict[str, Any]:
    return {
        **event_key(progress.event_id),
        "entity": "event",
        "id": progress.event_id,
        "order_id": progress.order_id,
        "status": progress.status.value,
        "fingerprint": progress.fingerprint,
        "received_at": progress.received_at,
        "purge_at": purge_at(progress.received_at, 0, settings),  # the replay window
    }


def api_key_item(key: ApiKeyRecord) -> dict[str, Any]:
    return {
        **key.model_dump(mode="json", exclude_none=True),
        **api_key_key(key.key_hash),
        "entity": "api_key",
    }


def api_key_id_item(key: ApiKeyRecord) -> dict[str, Any]:
    """Finds a key's hash from its id (for revocation), without a scan."""
    return {
        **api_key_id_key(key.id),
        "entity": "api_key_id",
        "key_hash": key.key_hash,
        "merchant_id": key.merchant_id,
    }
