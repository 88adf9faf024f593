"""Session sync from order changes seen on the table's stream (DESIGN 3 and 6).

Each order image is mapped through the one mapping function and applied to its session with a
conditional write; a failed condition means the move already happened or was overtaken, so
duplicate, stale and out-of-order records all converge on the same final state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checkout import lifecycle
from checkout.config import Settings
from checkout.repository import Repository, WriteConflict, from_attributes
from checkout.status import OrderStatus, SessionStatus, session_status_for_order


def sync_session_from_stream_record(
    record: Mapping[str, Any], repository: Repository, settings: Settings, now_ms: int
) -> SessionStatus | None:
    """Applies one stream record; returns the session status it moved to, or None for no move."""
    if record.get("eventName") == "REMOVE":
        return None  # TTL purges (and any delete) never move a session
    new_image = record.get("dynamodb", {}).get("NewImage")
    if not new_image:
        return None
    order = from_attributes(new_image)
    session_id = order.get("checkout_session_id")
    if order.get("entity") != "order" or not session_id:
        return None
    old_image = record.get("dynamodb", {}).get("OldImage")
    if old_image and from_attributes(old_image).get("status") == order["status"]:
        return None  # only a transaction was appended
    target = session_status_for_order(OrderStatus(order["status"]))
    if target == SessionStatus.OPEN:
        return None
    change = lifecycle.session_change(
        session_id, int(order.get("session_expires_at") or 0), target, now_ms, settings
    )
    try:
        repository.change_status(change)
    except WriteConflict:
        return None  # already there, overtaken by a later status, or the session is gone
    return target
