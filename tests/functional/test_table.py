"""The table the functions run against is built from template.yaml's own resource."""

from __future__ import annotations

from typing import Any

from devstack.template import table_definition
from tests.builders import TABLE_NAME


def test_the_table_matches_the_template(dynamodb: Any) -> None:
    described = dynamodb.describe_table(TableName=TABLE_NAME)["Table"]
    expected = table_definition(TABLE_NAME)

    assert described["KeySchema"] == expected["KeySchema"]
    assert described["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    index = described["GlobalSecondaryIndexes"][0]
    assert index["IndexName"] == "open-sessions-by-expiry"
    assert index["KeySchema"] == [
        {"AttributeName": "open_shard", "KeyType": "HASH"},
        {"AttributeName": "expires_at", "KeyType": "RANGE"},
    ]
    ttl = dynamodb.describe_time_to_live(TableName=TABLE_NAME)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "purge_at"}
