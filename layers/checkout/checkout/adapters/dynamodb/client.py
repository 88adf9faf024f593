"""The DynamoDB client, one per container, made on first use."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Final, cast

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# An API answers within a few seconds or not at all: botocore's defaults (60 s connect and read
# timeouts, up to 10 attempts for DynamoDB) would hold a caller, and the Lambda, for minutes when
# the store is unreachable. Two attempts of at most 1 s each answer 503 in about 2 s; DynamoDB
# normally answers in ms. Legacy mode, because its DynamoDB policy waits a fixed 50 ms before the
# retry (standard mode's jitter is anywhere up to 1 s, which made the worst case 3 s plus the cold
# start) and retries the same faults: sockets, 5xx, throttling, TransactionInProgress, CRC32.
CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 1.0
TOTAL_ATTEMPTS = 2
RETRY_MODE: Final = "legacy"


@lru_cache(maxsize=1)
def default_client() -> DynamoDBClient:
    """Made on first use, not at import, which would slow cold starts.

    botocore directly rather than boto3: boto3's import drags in s3transfer, ~60 ms of cold
    start for nothing; and botocore's data trimmed to DynamoDB (`service_data`), ~30 ms more.
    `AWS_ENDPOINT_URL_DYNAMODB` (read by botocore) points it at DynamoDB Local.
    """
    import botocore.session
    from botocore.config import Config

    from checkout.adapters.dynamodb.service_data import loader

    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": RETRY_MODE, "total_max_attempts": TOTAL_ATTEMPTS},
    )
    session = botocore.session.get_session()
    session.register_component("data_loader", loader())
    return cast("DynamoDBClient", session.create_client("dynamodb", config=config))
