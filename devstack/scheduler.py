"""Invokes each scheduled function at its template rate (or every SCHEDULE_SECONDS), with a real
EventBridge "Scheduled Event"."""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from devstack.lambda_runtime import Handler, context_for, load_handler
from devstack.template import FunctionSpec

logger = logging.getLogger("devstack")


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
    def __init__(self, specs: list[FunctionSpec], override_seconds: float | None) -> None:
        self.jobs = [
            (spec, load_handler(spec), float(override_seconds or spec.schedule_seconds or 60))
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

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _run(self, spec: FunctionSpec, handler: Handler, every: float) -> None:
        while not self.stop_event.wait(every):
            try:
                handler(scheduled_event(spec.logical_id), context_for(spec))
            except Exception:
                logger.exception("scheduled function failed", extra={"function": spec.logical_id})
