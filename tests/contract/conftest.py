"""Contract tier: one suite, two implementations of each storage port (`Repository`, `WebhookRepository`).

Every test runs against the in-memory fake the unit tier uses and against the DynamoDB adapter
on moto, so the fake can never drift from what the real repository does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from moto import mock_aws

from checkout.adapters.dynamodb.repository import DynamoDBRepository
from checkout.adapters.dynamodb.webhook_store import WebhookStore
from checkout.domain.ports import Repository
from checkout.domain.webhook_ports import WebhookRepository
from devstack.tables import create_table
from tests.builders import TABLE_NAME, make_settings
from tests.fakes import InMemoryRepository


@pytest.fixture(params=["in-memory", "dynamodb"])
def repository(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Repository]:
    if request.param == "in-memory":
        yield InMemoryRepository()
        return
    with moto_table(monkeypatch) as client:
        yield DynamoDBRepository(TABLE_NAME, make_settings(open_shards=2), client)


@pytest.fixture(params=["in-memory", "dynamodb"])
def webhooks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebhookRepository]:
    if request.param == "in-memory":
        yield InMemoryRepository()
        return
    with moto_table(monkeypatch) as client:
        yield WebhookStore(TABLE_NAME, make_settings(open_shards=2), client)


@contextmanager
def moto_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The table, on moto, and a client for it."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    with mock_aws():
        client: Any = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client, TABLE_NAME)
        yield client
