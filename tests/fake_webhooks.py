"""The webhooks' part of the in-memory repository (as `adapters/dynamodb/webhook_store.py` is the
adapter's): the same intentions and outcomes, held to the adapter by tests/contract."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from checkout.domain.listing import COUNT_UP_TO
from checkout.domain.webhook_delivery import SendResult
from checkout.domain.webhook_ports import AttemptPage, DeliveryOutcome
from checkout.domain.webhook_records import (
    DeliveryAttempt,
    DeliveryJob,
    Webhook,
    WebhookChanges,
    WebhookEventRecord,
    WebhookRecord,
)

OK = SendResult(200, "ok", None, 40)
SERVER_ERROR = SendResult(500, "oops", None, 40)
NO_ANSWER = SendResult(None, None, "timed out after 10 s", 10_000)


class ScriptedSender:
    """Answers each send with the next scripted result (the last one again when the script runs
    out), per URL; records every send."""

    def __init__(self, *results: SendResult, by_url: dict[str, list[SendResult]] | None = None) -> None:
        self.default = list(results) or [OK]
        self.by_url = {url: list(answers) for url, answers in (by_url or {}).items()}
        self.sent: list[tuple[str, str, str]] = []  # (url, payload, secret)
        self._lock = threading.Lock()

    def send(self, url: str, payload: str, secret: str) -> SendResult:
        with self._lock:
            self.sent.append((url, payload, secret))
            script = self.by_url.get(url, self.default)
            return script.pop(0) if len(script) > 1 else script[0]


class InMemoryWebhooks:
    calls: list[str]
    _lock: threading.Lock

    def __init__(self) -> None:
        self.webhooks: dict[tuple[str, str], WebhookRecord] = {}  # (merchant, id)
        self.webhook_events: dict[str, WebhookEventRecord] = {}
        self.delivery_jobs: dict[tuple[str, str], DeliveryJob] = {}  # (webhook, event)
        self.attempts: dict[str, dict[str, DeliveryAttempt]] = {}  # webhook -> id -> attempt
        self.merchants_degraded_until: dict[str, int] = {}

    def create_webhook(self, webhook: WebhookRecord, limit: int) -> bool:
        self.calls.append("create_webhook")
        with self._lock:
            if sum(1 for merchant, _ in self.webhooks if merchant == webhook.merchant_id) >= limit:
                return False
            degraded_until = self.merchants_degraded_until.get(webhook.merchant_id)
            if degraded_until is not None and degraded_until > webhook.created_at:
                webhook = webhook.model_copy(update={"degraded_until": degraded_until})
            self.webhooks[(webhook.merchant_id, webhook.id)] = webhook
            return True

    def degrade_merchant(self, merchant_id: str, until_ms: int) -> None:
        self.calls.append("degrade_merchant")
        with self._lock:
            if self.merchants_degraded_until.get(merchant_id, 0) < until_ms:
                self.merchants_degraded_until[merchant_id] = until_ms
            for (merchant, webhook_id), webhook in list(self.webhooks.items()):
                if merchant == merchant_id and (webhook.degraded_until or 0) < until_ms:
                    self.webhooks[(merchant, webhook_id)] = webhook.model_copy(
                        update={"degraded_until": until_ms}
                    )

    def get_webhook(self, merchant_id: str, webhook_id: str) -> WebhookRecord | None:
        self.calls.append("get_webhook")
        return self.webhooks.get((merchant_id, webhook_id))

    def merchant_webhooks(self, merchant_id: str) -> list[Webhook]:
        self.calls.append("merchant_webhooks")
        return [
            Webhook.model_validate(hook.model_dump(exclude={"secret"}))
            for (merchant, _), hook in self.webhooks.items()
            if merchant == merchant_id
        ]

    def update_webhook(
        self, merchant_id: str, webhook_id: str, changes: WebhookChanges, now_ms: int
    ) -> WebhookRecord | None:
        self.calls.append("update_webhook")
        with self._lock:
            webhook = self.webhooks.get((merchant_id, webhook_id))
            if webhook is None:
                return None
            given = {
                "url": changes.url,
                "events": changes.events,
                "is_active": changes.is_active,
                "description": changes.description,
            }
            update = {name: value for name, value in given.items() if value is not None}
            webhook = webhook.model_copy(update={**update, "updated_at": now_ms})
            self.webhooks[(merchant_id, webhook_id)] = webhook
            return webhook

    def delete_webhook(self, merchant_id: str, webhook_id: str) -> bool:
        self.calls.append("delete_webhook")
        with self._lock:
            return self.webhooks.pop((merchant_id, webhook_id), None) is not None

    def record_webhook_event(self, event: WebhookEventRecord, jobs: list[DeliveryJob]) -> bool:
        self.calls.append("record_webhook_event")
        with self._lock:
            if event.id in self.webhook_events:
                return False
            self.webhook_events[event.id] = event
            for job in jobs:
                self.delivery_jobs[(job.webhook_id, job.event_id)] = job
            return True

    def get_webhook_event(self, event_id: str) -> WebhookEventRecord | None:
        self.calls.append("get_webhook_event")
        return self.webhook_events.get(event_id)

    def get_delivery_job(self, webhook_id: str, event_id: str) -> DeliveryJob | None:
        self.calls.append("get_delivery_job")
        return self.delivery_jobs.get((webhook_id, event_id))

    def claim_delivery(self, job: DeliveryJob, lease_until: int, now_ms: int) -> DeliveryJob | None:
        self.calls.append("claim_delivery")
        with self._lock:
            stored = self.delivery_jobs.get((job.webhook_id, job.event_id))
            if stored is None or stored.attempts != job.attempts or stored.status != "pending":
                return None
            claimed = stored.model_copy(
                update={"attempts": stored.attempts + 1, "next_attempt_at": lease_until, "updated_at": now_ms}
            )
            self.delivery_jobs[(job.webhook_id, job.event_id)] = claimed
            return claimed

    def finish_attempt(self, job: DeliveryJob, outcome: DeliveryOutcome) -> None:
        self.calls.append("finish_attempt")
        with self._lock:
            stored = self.delivery_jobs.get((job.webhook_id, job.event_id))
            self._record(job, outcome, stored is not None and stored.attempts == job.attempts)

    def record_manual_attempt(self, job: DeliveryJob, outcome: DeliveryOutcome) -> None:
        self.calls.append("record_manual_attempt")
        with self._lock:
            self._record(job, outcome, (job.webhook_id, job.event_id) in self.delivery_jobs)

    def _record(self, job: DeliveryJob, outcome: DeliveryOutcome, job_matches: bool) -> None:
        attempt = outcome.attempt
        self.attempts.setdefault(attempt.webhook_id, {})[attempt.id] = attempt
        key = (job.webhook_id, job.event_id)
        if job_matches and outcome.job_status is not None:
            stored = self.delivery_jobs[key]
            due = outcome.next_attempt_at if outcome.job_status == "pending" else None
            self.delivery_jobs[key] = stored.model_copy(
                update={
                    "status": outcome.job_status,
                    "next_attempt_at": due,
                    "updated_at": attempt.attempted_at,
                }
            )
        webhook = self.webhooks.get((job.merchant_id, job.webhook_id))
        if webhook is not None:
            counter = "success_count" if attempt.status == "success" else "failure_count"
            self.webhooks[(job.merchant_id, job.webhook_id)] = webhook.model_copy(
                update={
                    counter: getattr(webhook, counter) + 1,
                    "last_triggered_at": attempt.attempted_at,
                    "degraded_until": outcome.degraded_until,
                }
            )

    def due_deliveries(self, now_ms: int, page_size: int) -> Iterator[list[DeliveryJob]]:
        self.calls.append("due_deliveries")
        due = [
            job
            for job in self.delivery_jobs.values()
            if job.status == "pending" and job.next_attempt_at is not None and job.next_attempt_at <= now_ms
        ]
        due.sort(key=lambda job: job.next_attempt_at or 0)
        for start in range(0, len(due), page_size):
            yield due[start : start + page_size]

    def webhook_attempts(self, webhook_id: str, limit: int, skip: int) -> AttemptPage:
        self.calls.append("webhook_attempts")
        newest_first = sorted(self.attempts.get(webhook_id, {}).values(), key=lambda a: a.id, reverse=True)
        counted = newest_first[: skip + limit + COUNT_UP_TO]
        return AttemptPage(
            attempts=counted[skip : skip + limit],
            has_more=len(counted) > skip + limit,
            total_count=len(counted),
        )

    def get_attempt(self, webhook_id: str, attempt_id: str) -> DeliveryAttempt | None:
        self.calls.append("get_attempt")
        return self.attempts.get(webhook_id, {}).get(attempt_id)
