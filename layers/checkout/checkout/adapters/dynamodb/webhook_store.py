"""`WebhookRepository` on DynamoDB (DESIGN 11), beside `DynamoDBRepository` on the same table and
client: webhooks in their merchant's partition (counted on the merchant's item), one event item per
transition written with one delivery job per webhook (the outbox), attempts in the webhook's
partition, and a sparse index of the jobs that are due."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checkout.adapters.dynamodb.codec import from_attributes, record_from_item, to_attributes
from checkout.adapters.dynamodb.keys import (
    DUE_DELIVERIES_INDEX,
    all_due_shards,
    attempt_key,
    attempt_prefix,
    delivery_job_key,
    merchant_key,
    webhook_event_key,
    webhook_key,
    webhook_partition,
)
from checkout.adapters.dynamodb.table import ConditionFailed, Contention, Table, translated_errors
from checkout.adapters.dynamodb.webhook_items import (
    attempt_item,
    delivery_job_item,
    due_index_attributes,
    webhook_event_item,
    webhook_item,
)
from checkout.domain.listing import COUNT_UP_TO
from checkout.domain.webhook_ports import AttemptPage, DeliveryOutcome
from checkout.domain.webhook_records import (
    DeliveryAttempt,
    DeliveryJob,
    Webhook,
    WebhookChanges,
    WebhookEventRecord,
    WebhookRecord,
)

_NEW = "attribute_not_exists(pk)"
_EXISTS = "attribute_exists(pk)"
_PAGE = 100


class WebhookStore(Table):
    """The webhooks' storage: its own class, so a session or order function never loads it."""

    # --- webhooks ----------------------------------------------------------------------------
    def create_webhook(self, webhook: WebhookRecord, limit: int) -> bool:
        count = {
            "Key": to_attributes(merchant_key(webhook.merchant_id)),
            "UpdateExpression": "SET #entity = :entity, #id = :id, #created = if_not_exists(#created, :now) "
            "ADD webhook_count :one",
            "ConditionExpression": "attribute_not_exists(webhook_count) OR webhook_count < :limit",
            "ExpressionAttributeNames": {"#entity": "entity", "#id": "id", "#created": "created_at"},
            "ExpressionAttributeValues": to_attributes(
                {
                    ":entity": "merchant",
                    ":id": webhook.merchant_id,
                    ":now": webhook.created_at,
                    ":one": 1,
                    ":limit": limit,
                }
            ),
        }
        item = webhook_item(webhook)
        merchant_degraded_until = (self._get(merchant_key(webhook.merchant_id)) or {}).get("degraded_until")
        if merchant_degraded_until is not None and merchant_degraded_until > webhook.created_at:
            item["degraded_until"] = merchant_degraded_until  # born degraded, as its siblings are
        put = {"Put": {"Item": to_attributes(item), "ConditionExpression": _NEW}}
        cancelled = self._transact([{"Update": count}, put])
        if cancelled is None:
            return True
        if cancelled.failed[0]:
            return False
        raise RuntimeError("webhook id collision")  # 96 random bits: never

    def get_webhook(self, merchant_id: str, webhook_id: str) -> WebhookRecord | None:
        item = self._get(webhook_key(merchant_id, webhook_id))
        return None if item is None else record_from_item(WebhookRecord, item)

    def degrade_merchant(self, merchant_id: str, until_ms: int) -> None:
        """The merchant's item (read by `create_webhook`) and each of its webhooks; one write each,
        conditional so that a later `degraded_until` is never moved back, nor a deleted webhook
        brought back."""
        keys = [merchant_key(merchant_id)]
        keys += [webhook_key(merchant_id, webhook.id) for webhook in self.merchant_webhooks(merchant_id)]
        for key in keys:
            try:
                with translated_errors():
                    self.client.update_item(
                        TableName=self.table_name,
                        Key=to_attributes(key),
                        UpdateExpression="SET degraded_until = :until",
                        ConditionExpression=f"{_EXISTS} AND "
                        "(attribute_not_exists(degraded_until) OR degraded_until < :until)",
                        ExpressionAttributeValues=to_attributes({":until": until_ms}),
                    )
            except (ConditionFailed, Contention):
                continue  # degraded further or gone already; or mid-transaction: best effort

    def merchant_webhooks(self, merchant_id: str) -> list[Webhook]:
        key = webhook_key(merchant_id, "")
        names = {f"#f{number}": name for number, name in enumerate(Webhook.model_fields)}
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :sk)",
            "ExpressionAttributeValues": to_attributes({":pk": key["pk"], ":sk": key["sk"]}),
            # Only what a `Webhook` holds: the signing secrets never leave the table here.
            "ProjectionExpression": ", ".join(names),
            "ExpressionAttributeNames": names,
            "ConsistentRead": True,
        }
        items: list[dict[str, Any]] = []
        while True:
            with translated_errors():
                response = self.client.query(**request)
            items += [from_attributes(item) for item in response.get("Items", [])]
            if "LastEvaluatedKey" not in response:
                return [record_from_item(Webhook, item) for item in items]
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def update_webhook(
        self, merchant_id: str, webhook_id: str, changes: WebhookChanges, now_ms: int
    ) -> WebhookRecord | None:
        settings: dict[str, Any] = {
            name: value
            for name, value in (
                ("url", changes.url),
                ("events", changes.events),
                ("is_active", changes.is_active),
                ("description", changes.description),
            )
            if value is not None
        }
        settings["updated_at"] = now_ms
        try:
            with translated_errors():
                response = self.client.update_item(
                    TableName=self.table_name,
                    Key=to_attributes(webhook_key(merchant_id, webhook_id)),
                    UpdateExpression="SET " + ", ".join(f"#{name} = :{name}" for name in settings),
                    ConditionExpression=_EXISTS,
                    ExpressionAttributeNames={f"#{name}": name for name in settings},
                    ExpressionAttributeValues=to_attributes({f":{n}": v for n, v in settings.items()}),
                    ReturnValues="ALL_NEW",
                )
        except ConditionFailed:
            return None
        return record_from_item(WebhookRecord, from_attributes(response["Attributes"]))

    def delete_webhook(self, merchant_id: str, webhook_id: str) -> bool:
        delete = {"Key": to_attributes(webhook_key(merchant_id, webhook_id)), "ConditionExpression": _EXISTS}
        uncount = {
            "Key": to_attributes(merchant_key(merchant_id)),
            "UpdateExpression": "ADD webhook_count :minus_one",
            "ConditionExpression": "webhook_count > :zero",
            "ExpressionAttributeValues": to_attributes({":minus_one": -1, ":zero": 0}),
        }
        cancelled = self._transact([{"Delete": delete}, {"Update": uncount}])
        if cancelled is None:
            return True
        if cancelled.failed[0]:
            return False
        # The count was lost somehow (it never is): delete the webhook all the same.
        return self._transact([{"Delete": delete}]) is None

    # --- the outbox --------------------------------------------------------------------------
    def record_webhook_event(self, event: WebhookEventRecord, jobs: list[DeliveryJob]) -> bool:
        writes = [
            {"Put": {"Item": to_attributes(item), "ConditionExpression": _NEW}}
            for item in [
                webhook_event_item(event, self.settings),
                *(delivery_job_item(job, self.settings) for job in jobs),
            ]
        ]
        cancelled = self._transact(writes)
        if cancelled is None:
            return True
        if cancelled.failed[0]:
            return False  # this transition's event was recorded before: nothing more is owed
        raise RuntimeError("a delivery job existed before its event")  # ids are derived: never

    def get_webhook_event(self, event_id: str) -> WebhookEventRecord | None:
        item = self._get(webhook_event_key(event_id))
        return None if item is None else record_from_item(WebhookEventRecord, item)

    def get_delivery_job(self, webhook_id: str, event_id: str) -> DeliveryJob | None:
        item = self._get(delivery_job_key(webhook_id, event_id))
        return None if item is None else record_from_item(DeliveryJob, item)

    # --- attempts ----------------------------------------------------------------------------
    def claim_delivery(self, job: DeliveryJob, lease_until: int, now_ms: int) -> DeliveryJob | None:
        due = due_index_attributes(job, lease_until, self.settings)
        try:
            with translated_errors():
                response = self.client.update_item(
                    TableName=self.table_name,
                    Key=to_attributes(delivery_job_key(job.webhook_id, job.event_id)),
                    UpdateExpression="SET attempts = :next, next_attempt_at = :lease, due_at = :lease, "
                    "due_shard = :shard, updated_at = :now",
                    ConditionExpression="attempts = :seen AND #status = :pending",
                    ExpressionAttributeNames={"#status": "status"},
                    ExpressionAttributeValues=to_attributes(
                        {
                            ":next": job.attempts + 1,
                            ":seen": job.attempts,
                            ":pending": "pending",
                            ":lease": lease_until,
                            ":shard": due["due_shard"],
                            ":now": now_ms,
                        }
                    ),
                    ReturnValues="ALL_NEW",
                )
        except ConditionFailed:
            return None
        return record_from_item(DeliveryJob, from_attributes(response["Attributes"]))

    def finish_attempt(self, job: DeliveryJob, outcome: DeliveryOutcome) -> None:
        self._record(job, outcome, "attempts = :claimed")  # still this attempt's claim

    def record_manual_attempt(self, job: DeliveryJob, outcome: DeliveryOutcome) -> None:
        self._record(job, outcome, _EXISTS)

    def _record(self, job: DeliveryJob, outcome: DeliveryOutcome, job_condition: str) -> None:
        """The attempt, the job's next state and the webhook's counters in one transaction; when
        the job or the webhook no longer matches, the rest is written without it."""
        attempt = outcome.attempt
        writes: list[dict[str, Any] | None] = [
            {"Put": {"Item": to_attributes(attempt_item(attempt, self.settings))}},
            self._job_update(job, outcome, job_condition),
            self._count(job, outcome),
        ]
        while True:
            present = [write for write in writes if write is not None]
            cancelled = self._transact(present)
            if cancelled is None:
                return
            failed = iter(cancelled.failed)
            writes = [None if write is None or next(failed) else write for write in writes]

    def _job_update(
        self, job: DeliveryJob, outcome: DeliveryOutcome, condition: str
    ) -> dict[str, Any] | None:
        if outcome.job_status is None:
            return None
        values: dict[str, Any] = {":status": outcome.job_status, ":now": outcome.attempt.attempted_at}
        if outcome.job_status == "pending" and outcome.next_attempt_at is not None:
            update = "SET #status = :status, next_attempt_at = :due, due_at = :due, updated_at = :now"
            values[":due"] = outcome.next_attempt_at
        else:
            update = "SET #status = :status, updated_at = :now REMOVE next_attempt_at, due_at, due_shard"
        if "claimed" in condition:
            values[":claimed"] = job.attempts
        return {
            "Update": {
                "Key": to_attributes(delivery_job_key(job.webhook_id, job.event_id)),
                "UpdateExpression": update,
                "ConditionExpression": condition,
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": to_attributes(values),
            }
        }

    def _count(self, job: DeliveryJob, outcome: DeliveryOutcome) -> dict[str, Any]:
        attempt = outcome.attempt
        counter = "success_count" if attempt.status == "success" else "failure_count"
        values: dict[str, Any] = {":one": 1, ":at": attempt.attempted_at}
        if outcome.degraded_until is None:
            health = " REMOVE degraded_until"
        else:
            health = ", degraded_until = :degraded"
            values[":degraded"] = outcome.degraded_until
        return {
            "Update": {
                "Key": to_attributes(webhook_key(job.merchant_id, job.webhook_id)),
                "UpdateExpression": f"ADD {counter} :one SET last_triggered_at = :at{health}",
                "ConditionExpression": _EXISTS,  # deleted meanwhile: nothing to count
                "ExpressionAttributeValues": to_attributes(values),
            }
        }

    def due_deliveries(self, now_ms: int, page_size: int) -> Iterator[list[DeliveryJob]]:
        for shard in all_due_shards(self.settings.retry_shards):
            request: dict[str, Any] = {
                "TableName": self.table_name,
                "IndexName": DUE_DELIVERIES_INDEX,
                "KeyConditionExpression": "due_shard = :shard AND due_at <= :now",
                "ExpressionAttributeValues": to_attributes({":shard": shard, ":now": now_ms}),
                "Limit": page_size,
            }
            while True:
                with translated_errors():
                    response = self.client.query(**request)
                if items := response.get("Items", []):
                    yield [record_from_item(DeliveryJob, from_attributes(item)) for item in items]
                if "LastEvaluatedKey" not in response:
                    break
                request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def webhook_attempts(self, webhook_id: str, limit: int, skip: int) -> AttemptPage:
        """Newest first; counts at most `COUNT_UP_TO` attempts past the page (the call's cost stays
        bounded), so `total_count` is exact up to there and a lower bound beyond."""
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :sk)",
            "ExpressionAttributeValues": to_attributes(
                {":pk": webhook_partition(webhook_id), ":sk": attempt_prefix()}
            ),
            "ScanIndexForward": False,
            "ConsistentRead": True,
        }
        page: list[dict[str, Any]] = []
        seen = 0
        stop_after = skip + limit + COUNT_UP_TO
        while seen < stop_after:
            request["Limit"] = min(_PAGE, stop_after - seen)
            with translated_errors():
                response = self.client.query(**request)
            for item in response.get("Items", []):
                if skip <= seen < skip + limit:
                    page.append(from_attributes(item))
                seen += 1
            if "LastEvaluatedKey" not in response:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return AttemptPage(
            attempts=[record_from_item(DeliveryAttempt, item) for item in page],
            has_more=seen > skip + limit,
            total_count=seen,
        )

    def get_attempt(self, webhook_id: str, attempt_id: str) -> DeliveryAttempt | None:
        item = self._get(attempt_key(webhook_id, attempt_id))
        return None if item is None else record_from_item(DeliveryAttempt, item)
