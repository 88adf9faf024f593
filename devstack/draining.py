"""How the stack's parts that take work (the gateway, the stream mappings, the scheduler) stop: all
are told at once, then each is waited for against one deadline, so the stop is bounded by the
slowest part, not by the sum of them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Protocol


class Draining(Protocol):
    def request_stop(self) -> None:
        """Takes no new work; what is running goes on to its end. Returns at once."""

    def wait_stopped(self, timeout: float) -> bool:
        """Waits up to `timeout` seconds for the running work to end; True once it has."""


def join_threads(threads: Iterable[threading.Thread], timeout: float) -> bool:
    """Joins `threads` within `timeout` seconds in all; True when none is left alive."""
    deadline = time.monotonic() + timeout
    alive = []
    for thread in threads:
        if thread.ident is None:  # never started
            continue
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            alive.append(thread)
    return not alive
