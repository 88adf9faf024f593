"""Functional tier: the real handlers on moto's DynamoDB, the table built from template.yaml.

One mock for the whole tier (package scope: it ends before the integration tier talks to the real
DynamoDB Local); tests use fresh ids, so they never see each other's items.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from checkout import composition
from checkout.adapters.dynamodb.repository import DynamoDBRepository
from devstack.tables import create_tables
from tests.builders import DEPOSIT_ENV, ORDER_EVENTS_SECRET, PUBLIC_BASE_URL, TABLE_NAME, make_settings
from tests.support import ApiResponse, invoke_http

FUNCTION_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "TABLE_NAME": TABLE_NAME,
    "IDEMPOTENCY_TABLE_NAME": f"{TABLE_NAME}-idempotency",
    "POWERTOOLS_SERVICE_NAME": "checkout",
    "POWERTOOLS_METRICS_NAMESPACE": "Checkout",
    "ORDER_EVENTS_SECRET": ORDER_EVENTS_SECRET,
    "AUTH_MODE": "open",
    "API_KEY_PREFIX": "csk_test_",
    "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
    **DEPOSIT_ENV,
}


@pytest.fixture(scope="package")
def dynamodb() -> Iterator[Any]:
    """moto's DynamoDB with the table created from template.yaml's own resource."""
    with pytest.MonkeyPatch.context() as env:
        for name, value in FUNCTION_ENV.items():
            env.setenv(name, value)
        for name in (
            "AWS_ENDPOINT_URL_DYNAMODB",
            "AWS_ENDPOINT_URL",
            "ALLOWED_REDIRECT_HOSTS",
            "MIN_EXPIRES_IN",
        ):
            env.delenv(name, raising=False)
        with mock_aws():
            client = boto3.client("dynamodb", region_name="us-east-1")
            create_tables(client, TABLE_NAME)
            composition.reset()
            yield client
            composition.reset()


@pytest.fixture
def repository(dynamodb: Any) -> DynamoDBRepository:
    return DynamoDBRepository(TABLE_NAME, make_settings(), dynamodb)


Call = Callable[[str, dict[str, Any]], ApiResponse]


@pytest.fixture
def call(dynamodb: Any) -> Iterator[Call]:
    """Invokes a function's real handler against moto (settings and services read afresh)."""
    composition.reset()
    yield invoke_http
    composition.reset()
