"""Invokes each scheduled function at its template rate (or every SCHEDULE_SECONDS), with a real
EventBridge "Scheduled Event", one thread per schedule."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from devstack.draining import join_threads
from devstack.instances import Invocation
from devstack.specs import FunctionSpec

logger = logging.getLogger("devstack")

Invoke = Callable[[str, dict[str, Any]], Invocation]


def scheduled_event(rule_name: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "resources": [f"arn:aws:events:us-east-1:000000000000:rule/{rule_name}"],
        "detail": {},
    }


class Scheduler:
    def __init__(self, specs: list[FunctionSpec], invoke: Invoke, override_seconds: float | None) -> None:
        self.invoke = invoke
        self.jobs = [
            (spec, float(override_seconds or spec.schedule_seconds or 60))
            for spec in specs
            if spec.schedule_seconds
        ]
        self.stop_event = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, args=job, name=f"schedule-{job[0].logical_id}", daemon=True)
            for job in self.jobs
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def request_stop(self) -> None:
        self.stop_event.set()

    def wait_stopped(self, timeout: float) -> bool:
        """A job running goes on to its end (or its instance is stopped under it)."""
        return join_threads(self.threads, timeout)

    def _run(self, spec: FunctionSpec, every: float) -> None:
        """Fires on a fixed rate (no drift); a run longer than the rate delays the next one."""
        next_run = time.monotonic() + every
        while not self.stop_event.wait(max(0.0, next_run - time.monotonic())):
            next_run = max(next_run + every, time.monotonic())
            invocation = self.invoke(spec.logical_id, scheduled_event(spec.logical_id))
            if invocation.error is not None:
                logger.error(
                    "%s failed: %s: %s",
                    spec.logical_id,
                    invocation.error.error_type,
                    invocation.error.message,
                )
