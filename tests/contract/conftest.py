"""Contract tier: one suite, two implementations of each storage port (`Repository`, `WebhookRepository`).

Every test runs against the in-memory fake the unit tier uses and against the DynamoDB adapter
on moto, so the fake can never drift from what the real repository does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from moto import mock_aws

from checkout.adapters.dynamodb.repository import DynamoDBRepository
from checkout.adapters.dynamodb.webhook_store import WebhookStore
from checkout.config import Settings
from checkout.domain.ports import Repository
from checkout.domain.webhook_ports import WebhookRepository
from devstack.tables import create_table
from tests.builders import TABLE_NAME, make_settings
from tests.fakes import InMemoryRepository

IMPLEMENTATIONS = ["in-memory", "dynamodb"]


@pytest.fixture(params=IMPLEMENTATIONS)
def repository(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Repository]:
    yield from implementation(request.param, monkeypatch, DynamoDBRepository)


@pytest.fixture(params=IMPLEMENTATIONS)
def webhooks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebhookRepository]:
    yield from implementation(request.param, monkeypatch, WebhookStore)


def implementation(
    name: str, monkeypatch: pytest.MonkeyPatch, adapter: Callable[[str, Settings, Any], Any]
) -> Iterator[Any]:
    """The in-memory fake (it serves both ports), or `adapter` on a table on moto."""
    if name == "in-memory":
        yield InMemoryRepository()
        return
    with moto_table(monkeypatch) as client:
        yield adapter(TABLE_NAME, make_settings(open_shards=2), client)


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
