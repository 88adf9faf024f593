"""Single-table key layout (DESIGN 4) and the open-sessions index's shards."""

from __future__ import annotations

import hashlib

OPEN_SESSIONS_INDEX = "open-sessions-by-expiry"
MERCHANT_SESSIONS_INDEX = "sessions-by-merchant"
_OPEN_SHARD_PREFIX = "OPEN#"
ORDER_SORT_KEY = "ORDER"
# Transactions live in their order's partition, after the order item ("ORDER" < "TX#"), so one
# query reads both. The rank puts executions, refunds and relays before deposits: a read that stops
# at its limit under a flood of dust deposits still shows how the order went.
_TRANSACTION_RANK = {"execute": 1, "refund": 2, "relay": 3, "deposit": 4}


def session_key(session_id: str) -> dict[str, str]:
    return {"pk": f"SESSION#{session_id}", "sk": "SESSION"}


def order_key(order_id: str) -> dict[str, str]:
    return {"pk": order_partition(order_id), "sk": ORDER_SORT_KEY}


def order_partition(order_id: str) -> str:
    return f"ORDER#{order_id}"


def transaction_key(order_id: str, kind: str, chain_id: int, tx_hash: str) -> dict[str, str]:
    """One item per transaction (a report of the same one again updates it, never adds another)."""
    return {"pk": order_partition(order_id), "sk": f"TX#{_TRANSACTION_RANK[kind]}{kind}#{chain_id}#{tx_hash}"}


def event_key(event_id: str) -> dict[str, str]:
    return {"pk": f"EVENT#{event_id}", "sk": "EVENT"}


def api_key_key(key_hash: str) -> dict[str, str]:
    return {"pk": f"APIKEY#{key_hash}", "sk": "APIKEY"}


def api_key_id_key(key_id: str) -> dict[str, str]:
    return {"pk": f"APIKEYID#{key_id}", "sk": "APIKEYID"}


def merchant_key(merchant_id: str) -> dict[str, str]:
    return {"pk": f"MERCHANT#{merchant_id}", "sk": "MERCHANT"}


def open_shard(session_id: str, shard_count: int) -> str:
    """Spreads open sessions over `shard_count` index partitions, stably per session."""
    return f"{_OPEN_SHARD_PREFIX}{_spread(session_id, shard_count)}"


def all_open_shards(shard_count: int) -> list[str]:
    return [f"{_OPEN_SHARD_PREFIX}{index}" for index in range(shard_count)]


def merchant_list_key(merchant_id: str, session_id: str, shard_count: int) -> str:
    """A merchant's sessions spread over `shard_count` index partitions (new sessions of a busy
    merchant would otherwise all land on one), stably per session."""
    return f"{merchant_id}#{_spread(session_id, shard_count)}"


def all_merchant_list_keys(merchant_id: str, shard_count: int) -> list[str]:
    return [f"{merchant_id}#{index}" for index in range(shard_count)]


def _spread(session_id: str, count: int) -> int:
    """The session's stable place among `count` partitions: its UUID's number (`UUID(id).int`,
    read without building the object: every create needs it twice) modulo `count`."""
    return int(session_id.replace("-", ""), 16) % count


# --- merchant webhooks ---------------------------------------------------------------------------
DUE_DELIVERIES_INDEX = "due-webhook-deliveries"
_DUE_SHARD_PREFIX = "DUE#"
_ATTEMPT_PREFIX = "ATTEMPT#"


def webhook_key(merchant_id: str, webhook_id: str) -> dict[str, str]:
    """A merchant's webhooks live in its own partition: one query lists them all."""
    return {"pk": f"MERCHANT#{merchant_id}", "sk": f"WEBHOOK#{webhook_id}"}


def webhook_event_key(event_id: str) -> dict[str, str]:
    return {"pk": f"WHEVENT#{event_id}", "sk": "WHEVENT"}


def webhook_partition(webhook_id: str) -> str:
    """A webhook's delivery jobs and attempts: one query lists its attempts, newest first."""
    return f"WEBHOOK#{webhook_id}"


def delivery_job_key(webhook_id: str, event_id: str) -> dict[str, str]:
    return {"pk": webhook_partition(webhook_id), "sk": f"JOB#{event_id}"}


def attempt_key(webhook_id: str, attempt_id: str) -> dict[str, str]:
    """Attempt ids start with their time (`dlv_<epoch ms>…`), so sort keys order them by it."""
    return {"pk": webhook_partition(webhook_id), "sk": f"{_ATTEMPT_PREFIX}{attempt_id.removeprefix('dlv_')}"}


def attempt_prefix() -> str:
    return _ATTEMPT_PREFIX


def due_shard(webhook_id: str, event_id: str, shard_count: int) -> str:
    """Pending jobs spread over `shard_count` index partitions, stably per job."""
    digest = int(hashlib.sha256(f"{webhook_id}/{event_id}".encode()).hexdigest()[:8], 16)
    return f"{_DUE_SHARD_PREFIX}{digest % shard_count}"


def all_due_shards(shard_count: int) -> list[str]:
    return [f"{_DUE_SHARD_PREFIX}{index}" for index in range(shard_count)]
