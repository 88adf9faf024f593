"""When items are purged: the table's native TTL attribute (`purge_at`, epoch seconds)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checkout.config import Settings

SECONDS_PER_DAY = 86_400


def purge_at(final_at_ms: int, deadline_s: int, settings: Settings) -> int:
    """TTL epoch seconds: retention after the item became final or after its deadline, whichever is later."""
    return max(final_at_ms // 1000, deadline_s) + settings.session_retention_days * SECONDS_PER_DAY


def transaction_purge_at(recorded_at_ms: int, settings: Settings) -> int:
    """An order is purged `SESSION_RETENTION_DAYS` after it becomes final; its transactions, which
    cannot be touched all at once then, are kept twice that long after they were reported, so
    they outlive any order that became final within the retention period of its transaction."""
    return recorded_at_ms // 1000 + 2 * settings.session_retention_days * SECONDS_PER_DAY
