"""The one source of "now", so tests can pin time and every rule compares the same units."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def iso_from_ms(epoch_ms: int) -> str:
    """ISO-8601 UTC with millisecond precision and a `Z`, as the wire format wants."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"
