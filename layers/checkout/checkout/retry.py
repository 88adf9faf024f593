"""Retrying writes that lost to a concurrent transaction. Correctness never depends on this (the
conditions do); it only turns DynamoDB's "try again" into the answer the caller deserves."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from checkout.errors import StorageUnavailable
from checkout.repository import TransactionContention

T = TypeVar("T")
MAX_ATTEMPTS = 8


def retry_on_contention(attempt: Callable[[], T], attempts: int = MAX_ATTEMPTS) -> T:
    for number in range(attempts):
        try:
            return attempt()
        except TransactionContention:
            # Full jitter: spread the losers out so the next round mostly finds the winner's result.
            time.sleep(random.uniform(0, 0.01 * 2**number))
    raise StorageUnavailable("The request conflicted with concurrent requests; please retry")
