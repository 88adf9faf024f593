"""Creates the table from the template, for DynamoDB Local and for moto alike."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from devstack.template import table_definition, table_ttl_attribute

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


def create_table(client: DynamoDBClient, table_name: str, template: dict[str, Any] | None = None) -> None:
    """Creates the table (key schema, GSI, stream, TTL) unless it already exists."""
    existing = client.list_tables().get("TableNames", [])
    if table_name not in existing:
        client.create_table(**table_definition(table_name, template))
        client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1})
    if ttl_attribute := table_ttl_attribute(template):
        status = client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
        if status.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
            client.update_time_to_live(
                TableName=table_name,
                TimeToLiveSpecification={"AttributeName": ttl_attribute, "Enabled": True},
            )
