"""Creates the template's tables, for DynamoDB Local and for moto alike."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from devstack.template import MAIN_TABLE, local_table_names, table_definition, table_ttl_attribute

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


def create_tables(
    client: DynamoDBClient, main_table: str, template: dict[str, Any] | None = None
) -> dict[str, str]:
    """Creates every table of the template (the main one named `main_table`, the others after it)
    unless it exists; returns their names by logical id."""
    names = local_table_names(main_table, template)
    for logical_id, name in names.items():
        create_table(client, name, logical_id, template)
    return names


def create_table(
    client: DynamoDBClient,
    table_name: str,
    logical_id: str = MAIN_TABLE,
    template: dict[str, Any] | None = None,
) -> None:
    """Creates one table (key schema, indexes, stream, TTL) unless it already exists."""
    try:
        client.describe_table(TableName=table_name)
    except client.exceptions.ResourceNotFoundException:
        client.create_table(**table_definition(table_name, template, logical_id))
        client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1})
    if ttl_attribute := table_ttl_attribute(template, logical_id):
        status = client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
        if status.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
            client.update_time_to_live(
                TableName=table_name,
                TimeToLiveSpecification={"AttributeName": ttl_attribute, "Enabled": True},
            )
