"""Merchant webhooks in the template (DESIGN 11): the outbox's shape — the stream function writes
events and jobs, a stream-triggered function makes first attempts, a scheduled job retries from a
sparse index — each function reaching only the items it needs."""

from __future__ import annotations

import json

import pytest

from devstack.template import FunctionSpec, functions, load_template, table_definition
from tests.template.test_template import policy_actions, table_actions_by_key

RESOURCES = load_template()["Resources"]
MANAGEMENT = [
    "PlatformListWebhooksFunction",
    "PlatformCreateWebhookFunction",
    "PlatformGetWebhookFunction",
    "PlatformUpdateWebhookFunction",
    "PlatformDeleteWebhookFunction",
    "PlatformTestWebhookFunction",
    "PlatformListWebhookDeliveriesFunction",
    "PlatformRetryWebhookDeliveryFunction",
]
READS = {"dynamodb:GetItem", "dynamodb:Query"}
WEBHOOK_KEYS = {"APIKEY#*", "MERCHANT#*", "WEBHOOK#*", "WHEVENT#*"}


def spec(logical_id: str) -> FunctionSpec:
    return next(spec for spec in functions() if spec.logical_id == logical_id)


def test_the_management_routes_are_the_sdks_webhooks_resource() -> None:
    routes = {route.route_key for name in MANAGEMENT for route in spec(name).routes}
    assert routes == {
        "GET /api/v1/webhooks",
        "POST /api/v1/webhooks",
        "GET /api/v1/webhooks/{id}",
        "PATCH /api/v1/webhooks/{id}",
        "DELETE /api/v1/webhooks/{id}",
        "POST /api/v1/webhooks/{id}/test",
        "GET /api/v1/webhooks/{id}/deliveries",
        "POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/retry",
    }


@pytest.mark.parametrize("logical_id", MANAGEMENT)
def test_webhook_management_reaches_webhook_items_only(logical_id: str) -> None:
    assert set(table_actions_by_key(logical_id)) <= WEBHOOK_KEYS


@pytest.mark.parametrize(
    "logical_id",
    ["PlatformListWebhooksFunction", "PlatformGetWebhookFunction", "PlatformListWebhookDeliveriesFunction"],
)
def test_webhook_reads_only_read(logical_id: str) -> None:
    for key, allowed in table_actions_by_key(logical_id).items():
        if key != "APIKEY#*":  # every key-verifying function stamps last_used_at
            assert allowed <= READS, key


def test_only_the_sends_a_merchant_asks_for_wait_for_the_endpoint() -> None:
    for name in MANAGEMENT:
        timeout = RESOURCES[name]["Properties"].get("Timeout", 10)
        sends = name in ("PlatformTestWebhookFunction", "PlatformRetryWebhookDeliveryFunction")
        assert (timeout > 10) == sends, name  # the 10 s delivery timeout, then the writes


def test_the_sync_function_writes_the_outbox_for_final_sessions_and_orders() -> None:
    by_key = table_actions_by_key("SyncSessionsFunction")
    assert by_key["WHEVENT#*"] == {"dynamodb:PutItem"}
    assert by_key["WEBHOOK#*"] == {"dynamodb:PutItem"}
    assert by_key["MERCHANT#*"] == {"dynamodb:Query"}  # who subscribed; never a webhook's change
    assert spec("SyncSessionsFunction").environment["API_URL"].startswith("https://")


def test_first_attempts_come_from_new_pending_jobs_on_the_stream() -> None:
    stream = spec("DeliverWebhooksFunction").stream
    assert stream is not None
    (pattern,) = (json.loads(f["Pattern"]) for f in stream["FilterCriteria"]["Filters"])
    assert pattern == {
        "eventName": ["INSERT"],
        "dynamodb": {"NewImage": {"entity": {"S": ["webhook_job"]}, "status": {"S": ["pending"]}}},
    }
    assert stream["MaximumBatchingWindowInSeconds"] == 0
    assert stream["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["WebhookDeliveriesDeadLetterQueue", "Arn"]
    }


@pytest.mark.parametrize("logical_id", ["DeliverWebhooksFunction", "RetryWebhooksFunction"])
def test_the_senders_reach_webhooks_events_and_jobs_only(logical_id: str) -> None:
    by_key = table_actions_by_key(logical_id)
    assert by_key == {
        # Query: the merchant's webhooks, all degraded after one slow attempt
        "MERCHANT#*": {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"},
        "WHEVENT#*": {"dynamodb:GetItem"},
        "WEBHOOK#*": {"dynamodb:PutItem", "dynamodb:UpdateItem"},
    }


def test_the_retry_job_queries_the_sparse_due_index_every_minute() -> None:
    retry = spec("RetryWebhooksFunction")
    assert retry.schedule_seconds == 60
    assert "dynamodb:Scan" not in policy_actions("RetryWebhooksFunction")
    statement = RESOURCES["RetryWebhooksFunction"]["Properties"]["Policies"][0]["Statement"][0]
    assert statement == {
        "Effect": "Allow",
        "Action": "dynamodb:Query",
        "Resource": {"Fn::Sub": "${Table.Arn}/index/due-webhook-deliveries"},
    }
    due = next(
        index
        for index in table_definition("checkout")["GlobalSecondaryIndexes"]
        if index["IndexName"] == "due-webhook-deliveries"
    )
    assert [key["AttributeName"] for key in due["KeySchema"]] == ["due_shard", "due_at"]


def test_webhooks_never_go_to_this_machine_in_aws() -> None:
    for function in functions():
        assert function.environment["WEBHOOK_ALLOW_LOOPBACK"] == "false", function.logical_id
