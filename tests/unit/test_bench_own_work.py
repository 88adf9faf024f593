"""`make bench`'s P2 own work: a request's time minus the storage calls it made, per call."""

from __future__ import annotations

import time

import pytest

from bench.instance import noting_own_work


class Clock:
    def __init__(self) -> None:
        self.seconds = 100.0

    def __call__(self) -> float:
        return self.seconds


def test_the_own_work_leaves_out_every_storage_call_the_request_made(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(time, "perf_counter", clock)
    storage_ms: list[float] = [7.0]  # an earlier request's call

    def request() -> None:
        for _ in range(2):  # two storage calls of 20 ms each, as the timed client notes them
            clock.seconds += 0.020
            storage_ms.append(20.0)
        clock.seconds += 0.003  # the request's own work

    own: list[float] = []
    noting_own_work(request, storage_ms, own)()

    assert own == [pytest.approx(3.0)]


def test_a_request_that_made_no_timed_storage_call_is_refused() -> None:
    measured = noting_own_work(lambda: None, [12.0], [])

    with pytest.raises(RuntimeError, match="no storage call"):
        measured()
