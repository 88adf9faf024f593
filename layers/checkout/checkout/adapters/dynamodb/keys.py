"""Single-table key layout (DESIGN 4) and the open-sessions index's shards."""

from __future__ import annotations

import uuid

OPEN_SESSIONS_INDEX = "open-sessions-by-expiry"
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


def open_shard(session_id: str, shard_count: int) -> str:
    """Spreads open sessions over `shard_count` index partitions, stably per session."""
    return f"{_OPEN_SHARD_PREFIX}{uuid.UUID(session_id).int % shard_count}"


def all_open_shards(shard_count: int) -> list[str]:
    return [f"{_OPEN_SHARD_PREFIX}{index}" for index in range(shard_count)]
