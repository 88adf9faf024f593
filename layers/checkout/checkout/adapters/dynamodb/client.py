"""The DynamoDB client, one per container, made on first use."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


@lru_cache(maxsize=1)
def default_client() -> DynamoDBClient:
    """Made on first use, not at import, which would slow cold starts.

    botocore directly rather than boto3: boto3's import drags in s3transfer, ~60 ms of cold
    start for nothing. `AWS_ENDPOINT_URL_DYNAMODB` (read by botocore) points it at DynamoDB Local.
    """
    import botocore.session

    return cast("DynamoDBClient", botocore.session.get_session().create_client("dynamodb"))
