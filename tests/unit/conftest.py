"""Unit-test fixtures: moto's in-process DynamoDB with the table built from template.yaml."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from checkout import lifecycle
from checkout.clock import now_ms
from checkout.config import Settings
from checkout.models.order import OrderRecord
from checkout.models.session import SessionRecord
from checkout.orders import OrderService
from checkout.repository import Repository
from checkout.sessions import SessionService
from checkout.status import OrderStatus
from devstack.tables import create_table
from tests.support import ApiResponse, invoke_http

TABLE_NAME = "checkout-unit"


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, clean_services: None) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "TABLE_NAME": TABLE_NAME,
        "POWERTOOLS_SERVICE_NAME": "checkout",
        "POWERTOOLS_METRICS_NAMESPACE": "Checkout",
        "ORDER_EVENTS_SECRET": "whsec_unit_test_secret",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL", "ALLOWED_REDIRECT_HOSTS", "MIN_EXPIRES_IN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def dynamodb(aws_env: None) -> Iterator[Any]:
    """moto DynamoDB with the table created from template.yaml's own resource."""
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client, TABLE_NAME)
        yield client


@pytest.fixture
def settings(dynamodb: Any) -> Settings:
    return Settings(table_name=TABLE_NAME)


@pytest.fixture
def clock() -> Callable[[], int]:
    """A controllable clock starting at the real time (so services and handlers agree):
    `clock.now` is epoch ms, and tests move it forward."""

    class Clock:
        now = now_ms()

        def __call__(self) -> int:
            return self.now

    return Clock()


@pytest.fixture
def repository(dynamodb: Any) -> Repository:
    return Repository(TABLE_NAME, dynamodb)


@pytest.fixture
def sessions(repository: Repository, settings: Settings, clock: Callable[[], int]) -> SessionService:
    return SessionService(repository, settings, clock)


@pytest.fixture
def call(dynamodb: Any) -> Callable[[str, dict[str, Any]], ApiResponse]:
    """Invokes a function's real handler with an API Gateway event, against moto."""
    return invoke_http


@pytest.fixture
def orders(repository: Repository, settings: Settings, clock: Callable[[], int]) -> OrderService:
    return OrderService(repository, settings, clock)


@dataclass
class Shop:
    """The steps most domain tests start from: a session with its order linked, and the payment
    watcher's report of an order's progress (one conditional write, as the ingress makes it)."""

    sessions: SessionService
    orders: OrderService
    repository: Repository
    settings: Settings
    clock: Any

    def session_with_order(self, **session_body: Any) -> tuple[SessionRecord, OrderRecord]:
        from tests.unit.test_create_order import order_body

        session = self.sessions.create(session_body)
        return session, self.orders.create(order_body(checkoutSessionId=session.id))

    def report(self, order_id: str, status: OrderStatus) -> None:
        now = self.clock.now
        self.repository.change_status(lifecycle.order_change(order_id, now, status, now, self.settings))


@pytest.fixture
def shop(
    sessions: SessionService, orders: OrderService, repository: Repository, settings: Settings, clock: Any
) -> Shop:
    return Shop(sessions, orders, repository, settings, clock)
