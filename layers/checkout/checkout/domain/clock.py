"""The one source of "now", so tests can pin time and every rule compares the same units."""

from __future__ import annotations

import time


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def iso_from_ms(epoch_ms: int) -> str:
    """ISO-8601 UTC with millisecond precision and a `Z`, as the wire format wants. (`time.strftime`
    on `gmtime`: half the cost of building a datetime first, and a session view has up to four.)"""
    seconds, millis = divmod(epoch_ms, 1000)
    return f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds))}.{millis:03d}Z"
