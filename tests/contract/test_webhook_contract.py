"""What every `WebhookRepository` promises for merchant webhooks (DESIGN 11), held against the fake and
the DynamoDB adapter: the outbox writes once, claims are exclusive, attempts and due jobs list as
the deliveries and the retry job read them."""

from __future__ import annotations

from checkout.domain.webhook_ports import DeliveryOutcome, WebhookRepository
from checkout.domain.webhook_records import (
    DeliveryAttempt,
    DeliveryJob,
    DeliveryStatus,
    Webhook,
    WebhookChanges,
    WebhookRecord,
)
from tests.builders import MERCHANT, NOW_MS, WEBHOOK_ID, a_delivery_job, a_webhook, a_webhook_event


def an_attempt(job: DeliveryJob, at_ms: int, status: str = "failed", **fields: object) -> DeliveryAttempt:
    values: dict[str, object] = {
        "id": f"dlv_{at_ms:013d}{'ab' * 6}",
        "webhook_id": job.webhook_id,
        "event_id": job.event_id,
        "event_type": job.event_type,
        "url": "https://shop.example.com/webhooks",
        "status": status,
        "status_code": 500 if status == "failed" else 200,
        "response_body": "oops",
        "attempted_at": at_ms,
        "created_at": at_ms,
    }
    return DeliveryAttempt.model_validate({**values, **fields})


def owed(webhooks: WebhookRepository) -> DeliveryJob:
    assert webhooks.create_webhook(a_webhook(), limit=16)
    event = a_webhook_event()
    job = a_delivery_job(event)
    assert webhooks.record_webhook_event(event, [job])
    return job


# --- webhooks ------------------------------------------------------------------------------------
def test_a_webhook_reads_back_as_stored_and_only_for_its_merchant(webhooks: WebhookRepository) -> None:
    webhook = a_webhook(description="orders service", events=["checkout.completed"])
    assert webhooks.create_webhook(webhook, limit=16)

    assert webhooks.get_webhook(MERCHANT, webhook.id) == webhook
    assert webhooks.get_webhook("acct_other", webhook.id) is None
    assert webhooks.merchant_webhooks(MERCHANT) == [without_secret(webhook)]
    assert webhooks.merchant_webhooks("acct_other") == []


def test_a_merchant_s_webhooks_are_listed_without_their_signing_secrets(webhooks: WebhookRepository) -> None:
    webhook = a_webhook()
    assert webhooks.create_webhook(webhook, limit=16)

    (listed,) = webhooks.merchant_webhooks(MERCHANT)

    assert type(listed) is Webhook
    assert "secret" not in listed.model_dump()
    assert listed.model_dump() == webhook.model_dump(exclude={"secret"})


def without_secret(webhook: WebhookRecord) -> Webhook:
    return Webhook.model_validate(webhook.model_dump(exclude={"secret"}))


def test_a_merchant_cannot_go_past_its_webhook_limit_and_a_delete_frees_a_place(
    webhooks: WebhookRepository,
) -> None:
    made = [webhooks.create_webhook(a_webhook(id=f"wh_{n:024x}"), limit=3) for n in range(4)]
    assert made == [True, True, True, False]
    assert webhooks.create_webhook(a_webhook(id="wh_" + "e" * 24, merchant_id="acct_other"), limit=3)

    assert webhooks.delete_webhook(MERCHANT, f"wh_{0:024x}")
    assert webhooks.create_webhook(a_webhook(id="wh_" + "f" * 24), limit=3)
    assert len(webhooks.merchant_webhooks(MERCHANT)) == 3


def test_an_update_changes_only_what_it_names(webhooks: WebhookRepository) -> None:
    webhook = a_webhook(events=["checkout.completed"], description="first")
    assert webhooks.create_webhook(webhook, limit=16)

    updated = webhooks.update_webhook(MERCHANT, webhook.id, WebhookChanges(is_active=False), NOW_MS + 7)

    assert updated == webhook.model_copy(update={"is_active": False, "updated_at": NOW_MS + 7})
    assert webhooks.get_webhook(MERCHANT, webhook.id) == updated


def test_updating_or_deleting_a_webhook_that_is_not_there_says_so(webhooks: WebhookRepository) -> None:
    assert (
        webhooks.update_webhook(MERCHANT, WEBHOOK_ID, WebhookChanges(url="https://x.example"), NOW_MS) is None
    )
    assert webhooks.delete_webhook(MERCHANT, WEBHOOK_ID) is False
    assert webhooks.create_webhook(a_webhook(), limit=16)
    assert webhooks.delete_webhook("acct_other", WEBHOOK_ID) is False
    assert webhooks.delete_webhook(MERCHANT, WEBHOOK_ID) is True
    assert webhooks.delete_webhook(MERCHANT, WEBHOOK_ID) is False


# --- the outbox ----------------------------------------------------------------------------------
def test_degrading_a_merchant_degrades_each_of_its_webhooks_and_only_its(webhooks: WebhookRepository) -> None:
    mine, also_mine = a_webhook(), a_webhook(id="wh_" + "b" * 24)
    theirs = a_webhook(id="wh_" + "c" * 24, merchant_id="acct_other")
    for webhook in (mine, also_mine, theirs):
        assert webhooks.create_webhook(webhook, limit=16)

    webhooks.degrade_merchant(MERCHANT, NOW_MS + 60_000)

    for webhook in (mine, also_mine):
        stored = webhooks.get_webhook(MERCHANT, webhook.id)
        assert stored is not None and stored.degraded_until == NOW_MS + 60_000
    other = webhooks.get_webhook("acct_other", theirs.id)
    assert other is not None and other.degraded_until is None


def test_a_webhook_created_while_its_merchant_is_degraded_starts_degraded(
    webhooks: WebhookRepository,
) -> None:
    assert webhooks.create_webhook(a_webhook(), limit=16)
    webhooks.degrade_merchant(MERCHANT, NOW_MS + 60_000)

    fresh = a_webhook(id="wh_" + "f" * 24, created_at=NOW_MS + 1_000, updated_at=NOW_MS + 1_000)
    assert webhooks.create_webhook(fresh, limit=16)

    stored = webhooks.get_webhook(MERCHANT, fresh.id)
    assert stored is not None and stored.degraded(NOW_MS + 1_000)
    later = a_webhook(id="wh_" + "e" * 24, created_at=NOW_MS + 60_000, updated_at=NOW_MS + 60_000)
    assert webhooks.create_webhook(later, limit=16)
    after = webhooks.get_webhook(MERCHANT, later.id)
    assert after is not None and after.degraded_until is None  # the window had passed


def test_degrading_never_shortens_a_later_degradation(webhooks: WebhookRepository) -> None:
    assert webhooks.create_webhook(a_webhook(), limit=16)
    webhooks.degrade_merchant(MERCHANT, NOW_MS + 60_000)

    webhooks.degrade_merchant(MERCHANT, NOW_MS + 1_000)

    stored = webhooks.get_webhook(MERCHANT, WEBHOOK_ID)
    assert stored is not None and stored.degraded_until == NOW_MS + 60_000


def test_an_event_is_recorded_once_with_its_jobs(webhooks: WebhookRepository) -> None:
    event = a_webhook_event()
    jobs = [a_delivery_job(event, webhook_id=f"wh_{n:024x}") for n in range(3)]

    assert webhooks.record_webhook_event(event, jobs) is True
    assert webhooks.record_webhook_event(event, jobs) is False

    assert webhooks.get_webhook_event(event.id) == event
    assert [webhooks.get_delivery_job(job.webhook_id, event.id) for job in jobs] == jobs


def test_a_new_job_is_due_at_once(webhooks: WebhookRepository) -> None:
    job = owed(webhooks)

    (page,) = list(webhooks.due_deliveries(NOW_MS, 10))

    assert page == [job]
    assert list(webhooks.due_deliveries(NOW_MS - 1, 10)) == []


# --- claims and attempts -------------------------------------------------------------------------
def test_a_claim_is_taken_once_and_hides_the_job_until_its_lease_ends(webhooks: WebhookRepository) -> None:
    job = owed(webhooks)

    claimed = webhooks.claim_delivery(job, NOW_MS + 60_000, NOW_MS)

    assert claimed is not None and claimed.attempts == 1
    assert webhooks.claim_delivery(job, NOW_MS + 60_000, NOW_MS) is None  # seen before the claim
    assert list(webhooks.due_deliveries(NOW_MS + 59_999, 10)) == []
    assert [page[0].attempts for page in webhooks.due_deliveries(NOW_MS + 60_000, 10)] == [1]


def test_a_finished_attempt_schedules_the_next_and_counts_on_the_webhook(webhooks: WebhookRepository) -> None:
    job = owed(webhooks)
    claimed = webhooks.claim_delivery(job, NOW_MS + 60_000, NOW_MS)
    assert claimed is not None
    attempt = an_attempt(claimed, NOW_MS + 10)

    webhooks.finish_attempt(claimed, DeliveryOutcome(attempt, "pending", NOW_MS + 63_000, NOW_MS + 600_000))

    stored = webhooks.get_delivery_job(job.webhook_id, job.event_id)
    assert stored is not None and (stored.status, stored.next_attempt_at) == ("pending", NOW_MS + 63_000)
    webhook = webhooks.get_webhook(MERCHANT, WEBHOOK_ID)
    assert webhook is not None
    assert (webhook.failure_count, webhook.success_count, webhook.last_triggered_at) == (1, 0, NOW_MS + 10)
    assert webhook.degraded_until == NOW_MS + 600_000
    assert webhooks.get_attempt(job.webhook_id, attempt.id) == attempt


def test_a_delivered_job_leaves_the_due_index_and_heals_the_webhook(webhooks: WebhookRepository) -> None:
    job = owed(webhooks)
    for at, status, degraded in ((NOW_MS, "failed", NOW_MS + 1), (NOW_MS + 70_000, "success", None)):
        claimed = webhooks.claim_delivery(
            webhooks.get_delivery_job(job.webhook_id, job.event_id) or job, at + 60_000, at
        )
        assert claimed is not None
        next_at = at + 60_000 if status == "failed" else None
        job_status: DeliveryStatus = "pending" if status == "failed" else "success"
        webhooks.finish_attempt(
            claimed, DeliveryOutcome(an_attempt(claimed, at, status), job_status, next_at, degraded)
        )

    assert list(webhooks.due_deliveries(NOW_MS + 10**9, 10)) == []
    webhook = webhooks.get_webhook(MERCHANT, WEBHOOK_ID)
    assert webhook is not None and (webhook.success_count, webhook.failure_count) == (1, 1)
    assert webhook.degraded_until is None


def test_an_attempt_whose_claim_was_lost_is_kept_but_moves_nothing(webhooks: WebhookRepository) -> None:
    job = owed(webhooks)
    first = webhooks.claim_delivery(job, NOW_MS + 60_000, NOW_MS)
    assert first is not None
    second = webhooks.claim_delivery(first, NOW_MS + 120_000, NOW_MS + 60_000)  # the lease ran out
    assert second is not None

    late = an_attempt(first, NOW_MS + 65_000, "success")
    webhooks.finish_attempt(first, DeliveryOutcome(late, "success", None))

    stored = webhooks.get_delivery_job(job.webhook_id, job.event_id)
    assert stored is not None and (stored.status, stored.attempts) == ("pending", 2)
    assert webhooks.get_attempt(job.webhook_id, late.id) == late


def test_a_manual_attempt_that_fails_leaves_the_job_as_it_was(webhooks: WebhookRepository) -> None:
    job = owed(webhooks)

    webhooks.record_manual_attempt(job, DeliveryOutcome(an_attempt(job, NOW_MS + 5), None))

    assert webhooks.get_delivery_job(job.webhook_id, job.event_id) == job
    webhook = webhooks.get_webhook(MERCHANT, WEBHOOK_ID)
    assert webhook is not None and webhook.failure_count == 1


def test_a_manual_attempt_on_a_deleted_webhook_is_still_kept(webhooks: WebhookRepository) -> None:
    job = owed(webhooks)
    assert webhooks.delete_webhook(MERCHANT, WEBHOOK_ID)
    attempt = an_attempt(job, NOW_MS + 5, "success")

    webhooks.record_manual_attempt(job, DeliveryOutcome(attempt, "success"))

    assert webhooks.get_attempt(job.webhook_id, attempt.id) == attempt
    assert webhooks.get_webhook(MERCHANT, WEBHOOK_ID) is None
    stored = webhooks.get_delivery_job(job.webhook_id, job.event_id)
    assert stored is not None and stored.status == "success"


def test_attempts_list_newest_first_a_page_at_a_time(webhooks: WebhookRepository) -> None:
    job = owed(webhooks)
    made = [an_attempt(job, NOW_MS + n) for n in range(5)]
    for attempt in made:
        webhooks.record_manual_attempt(job, DeliveryOutcome(attempt, None))

    first = webhooks.webhook_attempts(WEBHOOK_ID, limit=2, skip=0)
    last = webhooks.webhook_attempts(WEBHOOK_ID, limit=2, skip=4)

    assert first.attempts == [made[4], made[3]] and first.has_more and first.total_count == 5
    assert last.attempts == [made[0]] and not last.has_more and last.total_count == 5
    assert webhooks.webhook_attempts("wh_" + "0" * 24, limit=2, skip=0).attempts == []


def test_an_unknown_attempt_is_none(webhooks: WebhookRepository) -> None:
    assert webhooks.get_attempt(WEBHOOK_ID, f"dlv_{NOW_MS:013d}{'cd' * 6}") is None


def test_due_jobs_come_in_pages_of_at_most_the_page_size(webhooks: WebhookRepository) -> None:
    event = a_webhook_event()
    jobs = [a_delivery_job(event, webhook_id=f"wh_{n:024x}") for n in range(5)]
    assert webhooks.record_webhook_event(event, jobs)

    pages = list(webhooks.due_deliveries(NOW_MS, 2))

    assert all(1 <= len(page) <= 2 for page in pages)
    assert sorted(job.webhook_id for page in pages for job in page) == sorted(job.webhook_id for job in jobs)
