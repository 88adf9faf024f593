"""Session sync from order changes seen on the table's stream (DESIGN 3 and 6).

Each change is mapped through the one mapping function and applied to its session with a
conditional write; a session already there, overtaken by a later status, or gone is not an error,
so duplicate, stale and out-of-order records all converge on the same final state.
"""

from __future__ import annotations

from checkout.domain.ports import Moved, OrderStatusChanged, Repository
from checkout.domain.status import SessionStatus, expiry_cause_for_order, session_status_for_order


def follow_order_change(
    change: OrderStatusChanged, repository: Repository, now_ms: int
) -> SessionStatus | None:
    """Returns the status the session moved to, or None when it did not move."""
    target = session_status_for_order(change.status)
    if target == SessionStatus.OPEN:
        return None
    cause = expiry_cause_for_order(change.status)
    outcome = repository.follow_order(
        change.session_id, target, change.session_expires_at, now_ms, cause, change.execute_tx_hash
    )
    return target if isinstance(outcome, Moved) else None
