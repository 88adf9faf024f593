"""Delivering webhook events (DESIGN 11): at least once, the same event id every time.

A job is attempted first by the stream as it appears, then by the retry job on the schedule
(`WEBHOOK_RETRY_SCHEDULE`: seconds after the first attempt, each with up to 10 % jitter) until a
2xx or its last attempt; every attempt is kept. Each scheduled attempt claims its job with a
conditional write first, so two workers never send the same attempt.

A slow or dead endpoint never holds up another's deliveries: the stream sends a batch's jobs side
by side, and when an attempt was slow or got no answer, the merchant's webhooks are *degraded* for
a while: the stream leaves their new jobs to the retry job, which drains each webhook on its own
worker.
"""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from typing import Protocol

from checkout.domain.clock import now_ms as system_now_ms
from checkout.domain.errors import StorageUnavailable
from checkout.domain.webhook_ports import DeliveryOutcome, WebhookRepository
from checkout.domain.webhook_records import (
    DeliveryAttempt,
    DeliveryJob,
    DeliveryStatus,
    WebhookEventRecord,
    WebhookRecord,
)

LEASE_MS = 60_000  # a claimed attempt's time to finish; past it, the job is due again
SLOW_ATTEMPT_MS = 2_500  # an answer slower than this degrades the endpoint
DEGRADED_MS = 10 * 60_000
RESPONSE_KEPT = 1024  # bytes of the response body kept with an attempt
RUN_WORKERS = 16  # webhooks the retry job drains side by side
RUN_JOBS = 2_000  # due jobs one retry run takes on (the next run takes the rest)
RUN_PAGE = 100


@dataclass(frozen=True)
class SendResult:
    """What one POST came to: a status and the start of the body, or why there was none."""

    status_code: int | None
    body: str | None
    error: str | None
    duration_ms: int = 0

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Sender(Protocol):
    def send(self, url: str, payload: str, secret: str) -> SendResult:
        """POSTs `payload` to `url`, signed with `secret`, within the delivery timeout."""


def new_attempt_id(at_ms: int) -> str:
    """Time-ordered: a webhook's attempts list newest first by their id alone."""
    return f"dlv_{at_ms:013d}{secrets.token_hex(6)}"


def _not_sent(reason: str) -> SendResult:
    return SendResult(None, None, f"not sent: {reason}")


class Deliveries:
    def __init__(
        self,
        webhook_store: WebhookRepository,
        sender: Sender,
        retry_schedule: tuple[int, ...],
        clock: Callable[[], int] = system_now_ms,
        jitter: Callable[[], float] = lambda: random.uniform(0.0, 0.1),
    ) -> None:
        self.webhook_store = webhook_store
        self.sender = sender
        self.retry_schedule = retry_schedule
        self.clock = clock
        self.jitter = jitter

    # --- scheduled attempts --------------------------------------------------------------------
    def first_attempt(self, job: DeliveryJob) -> DeliveryAttempt | None:
        """The stream's attempt of a new job. None when it was not made: another worker has the
        job, or the endpoint is degraded (the job is due: the retry job will make it)."""
        webhook = self.webhook_store.get_webhook(job.merchant_id, job.webhook_id)
        if webhook is not None and webhook.degraded(self.clock()):
            return None
        return self._scheduled(job, webhook)

    def retry(self, job: DeliveryJob) -> DeliveryAttempt | None:
        """The retry job's attempt of a due job; None when another worker took it first."""
        return self._scheduled(job, self.webhook_store.get_webhook(job.merchant_id, job.webhook_id))

    def _scheduled(self, job: DeliveryJob, webhook: WebhookRecord | None) -> DeliveryAttempt | None:
        now = self.clock()
        claimed = self.webhook_store.claim_delivery(job, now + LEASE_MS, now)
        if claimed is None:
            return None
        event = self.webhook_store.get_webhook_event(job.event_id)
        if webhook is None:
            result = _not_sent("the webhook was deleted")
        elif event is None:
            result = _not_sent("the event is no longer kept")
        elif not webhook.is_active:
            result = _not_sent("the webhook is disabled")
        else:
            result = self.sender.send(webhook.url, event.payload, webhook.secret)
        attempt = self._attempt(claimed, webhook, result)
        can_succeed_later = webhook is not None and event is not None and webhook.is_active
        outcome = self._next(claimed, attempt, final=not can_succeed_later)
        self.webhook_store.finish_attempt(claimed, outcome)
        self._degrade_merchant_if(job.merchant_id, outcome)
        return attempt

    def _next(self, claimed: DeliveryJob, attempt: DeliveryAttempt, *, final: bool) -> DeliveryOutcome:
        degraded = self._degraded_until(attempt)
        if attempt.status == "success":
            return DeliveryOutcome(attempt, "success", None, degraded)
        retries_made = claimed.attempts - 1  # the first attempt is not a retry
        if final or retries_made >= len(self.retry_schedule):
            return DeliveryOutcome(attempt, "failed", None, degraded)
        delay_ms = self.retry_schedule[retries_made] * 1000 * (1 + self.jitter())
        return DeliveryOutcome(attempt, "pending", claimed.created_at + int(delay_ms), degraded)

    # --- sends a merchant asks for ---------------------------------------------------------------
    def send_now(
        self, webhook: WebhookRecord, event: WebhookEventRecord, job: DeliveryJob
    ) -> DeliveryAttempt:
        """A test or a merchant's retry: sent at once, whatever the webhook's state. A success
        settles the job; a failure leaves a pending job to its schedule."""
        attempt = self._attempt(job, webhook, self.sender.send(webhook.url, event.payload, webhook.secret))
        status: DeliveryStatus | None = "success"
        if attempt.status == "failed":
            status = None if job.status == "pending" else "failed"
        outcome = DeliveryOutcome(attempt, status, None, self._degraded_until(attempt))
        self.webhook_store.record_manual_attempt(job, outcome)
        self._degrade_merchant_if(webhook.merchant_id, outcome)
        return attempt

    def _degrade_merchant_if(self, merchant_id: str, outcome: DeliveryOutcome) -> None:
        """A slow or unanswered attempt degrades all of the merchant's webhooks, and those it
        creates meanwhile: per webhook, a merchant creating fresh webhooks to a slow endpoint
        would cost the batches it shares a stream shard with 10 s each time."""
        if outcome.degraded_until is None:
            return
        # Best effort: this webhook is degraded already (the attempt's own write).
        with suppress(StorageUnavailable):
            self.webhook_store.degrade_merchant(merchant_id, outcome.degraded_until)

    # --- the retry job -------------------------------------------------------------------------
    def run_due(self, time_left_ms: Callable[[], int], reserve_ms: int = 15_000) -> int:
        """Attempts the due jobs, each webhook's in order on a worker of its own, while more than
        `reserve_ms` of the run remain. A webhook whose attempt got no answer or a slow one is left
        for the next run after that attempt. Returns the attempts made."""
        by_webhook: dict[str, list[DeliveryJob]] = defaultdict(list)
        taken = 0
        for page in self.webhook_store.due_deliveries(self.clock(), RUN_PAGE):
            for job in page:
                by_webhook[job.webhook_id].append(job)
            taken += len(page)
            if taken >= RUN_JOBS or time_left_ms() < reserve_ms:
                break

        def drain(jobs: list[DeliveryJob]) -> int:
            made = 0
            for job in sorted(jobs, key=lambda job: job.next_attempt_at or 0):
                if time_left_ms() < reserve_ms:
                    break
                attempt = self.retry(job)
                if attempt is None:
                    continue
                made += 1
                if self._degraded_until(attempt) is not None:
                    break
            return made

        if not by_webhook:
            return 0
        with ThreadPoolExecutor(max_workers=min(RUN_WORKERS, len(by_webhook))) as pool:
            return sum(pool.map(drain, by_webhook.values()))

    # --- attempts ------------------------------------------------------------------------------
    def _attempt(
        self, job: DeliveryJob, webhook: WebhookRecord | None, result: SendResult
    ) -> DeliveryAttempt:
        attempted_at = self.clock()
        return DeliveryAttempt(
            id=new_attempt_id(attempted_at),
            webhook_id=job.webhook_id,
            event_id=job.event_id,
            event_type=job.event_type,
            url=webhook.url if webhook else "",
            status="success" if result.delivered else "failed",
            status_code=result.status_code,
            response_body=None if result.body is None else result.body[:RESPONSE_KEPT],
            error_message=result.error,
            duration_ms=result.duration_ms,
            attempted_at=attempted_at,
            created_at=attempted_at,
        )

    def _degraded_until(self, attempt: DeliveryAttempt) -> int | None:
        """An endpoint that did not answer, or answered slowly, is degraded for a while."""
        unanswered = attempt.status_code is None
        if unanswered or attempt.duration_ms >= SLOW_ATTEMPT_MS:
            return attempt.attempted_at + DEGRADED_MS
        return None
