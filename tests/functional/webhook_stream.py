"""The table's stream records, as Lambda would deliver them, built from the items moto holds (moto
has no stream for the functions to read): the tests hand them to the stream functions."""

from __future__ import annotations

import copy
from typing import Any

import boto3

from tests.builders import TABLE_NAME, load_event


def _record(event_name: str, new: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    record: dict[str, Any] = copy.deepcopy(load_event("deliver_webhooks")["Records"][0])
    record["eventName"] = event_name
    record["dynamodb"]["Keys"] = {"pk": new["pk"], "sk": new["sk"]}
    record["dynamodb"]["NewImage"] = new
    if old is not None:
        record["dynamodb"]["OldImage"] = old
    return record


def final_session_record(session_id: str) -> dict[str, Any]:
    """The write that took the session to its final status (it was open before)."""
    client = boto3.client("dynamodb", region_name="us-east-1")
    item = client.get_item(
        TableName=TABLE_NAME, Key={"pk": {"S": f"SESSION#{session_id}"}, "sk": {"S": "SESSION"}}
    )["Item"]
    return _record("MODIFY", item, {**item, "status": {"S": "open"}})


def new_job_records(webhook_id: str) -> list[dict[str, Any]]:
    """The inserts of the webhook's delivery jobs."""
    client = boto3.client("dynamodb", region_name="us-east-1")
    items = client.query(
        TableName=TABLE_NAME,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :job)",
        ExpressionAttributeValues={":pk": {"S": f"WEBHOOK#{webhook_id}"}, ":job": {"S": "JOB#"}},
    )["Items"]
    return [_record("INSERT", item, None) for item in items]


def order_change_record(order_id: str, old_status: str) -> dict[str, Any]:
    """The write that moved the order to its current status from `old_status`."""
    client = boto3.client("dynamodb", region_name="us-east-1")
    item = client.get_item(
        TableName=TABLE_NAME, Key={"pk": {"S": f"ORDER#{order_id}"}, "sk": {"S": "ORDER"}}
    )["Item"]
    return _record("MODIFY", item, {**item, "status": {"S": old_status}})
