"""Sampling two actions so that drift on a shared machine hits both alike."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def paired_medians_ms(
    first: Callable[[], Any], second: Callable[[], Any], runs: int, warmup: int = 5
) -> tuple[float, float]:
    """Medians, in ms, of two actions sampled in pairs taken back to back. Each pair starts with
    the other action than the last one did: whatever the order costs (a cache the other warmed, a
    connection the other just used) falls on both sides alike."""
    for _ in range(warmup):
        first()
        second()
    samples: tuple[list[float], list[float]] = ([], [])
    for round_number in range(runs):
        order = ((first, samples[0]), (second, samples[1]))
        for action, into in order if round_number % 2 == 0 else reversed(order):
            started = time.perf_counter()
            action()
            into.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[0]), statistics.median(samples[1])


def alternating_rates(
    first: Callable[[float], int], second: Callable[[float], int], seconds: float, slice_seconds: float
) -> tuple[float, float]:
    """Rates (per second) of two loads, each `first(duration)` / `second(duration)` running for
    `duration` and returning how many operations it completed: `seconds` in all, half each, in
    slices taken in turns."""
    slices = max(1, round(seconds / (2 * slice_seconds)))
    each = seconds / (2 * slices)
    done = [0, 0]
    for number in range(slices):
        pair = ((first, 0), (second, 1))
        for load, side in pair if number % 2 == 0 else reversed(pair):
            done[side] += load(each)
    side_seconds = each * slices
    return done[0] / side_seconds, done[1] / side_seconds
