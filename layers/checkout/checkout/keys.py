"""Single-table key layout (DESIGN 4) and identifier rules."""

from __future__ import annotations

import uuid

SESSION_SK = "SESSION"
ORDER_SK = "ORDER"
EVENT_SK = "EVENT"
OPEN_SHARD_PREFIX = "OPEN#"


def session_key(session_id: str) -> dict[str, str]:
    return {"pk": f"SESSION#{session_id}", "sk": SESSION_SK}


def order_key(order_id: str) -> dict[str, str]:
    return {"pk": f"ORDER#{order_id}", "sk": ORDER_SK}


def event_key(event_id: str) -> dict[str, str]:
    return {"pk": f"EVENT#{event_id}", "sk": EVENT_SK}


def open_shard(session_id: str, shard_count: int) -> str:
    """Spreads open sessions over `shard_count` GSI partitions, stably per session."""
    return f"{OPEN_SHARD_PREFIX}{uuid.UUID(session_id).int % shard_count}"


def all_open_shards(shard_count: int) -> list[str]:
    return [f"{OPEN_SHARD_PREFIX}{index}" for index in range(shard_count)]


def is_uuid4(value: str) -> bool:
    """Canonical lowercase-or-uppercase hyphenated UUID version 4, nothing else."""
    if len(value) != 36:
        return False
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return False
    return parsed.version == 4 and str(parsed) == value.lower()


def new_id() -> str:
    return str(uuid.uuid4())
