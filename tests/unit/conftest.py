"""Unit tier: the domain and the HTTP glue with the in-memory repository (tests/fakes.py).

Nothing here may touch an AWS API or open a socket: both are refused for every test, so a test
that would need one belongs to tests/functional (moto) or tests/integration (the local stack).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pytest

from checkout import composition
from checkout.config import Settings
from checkout.domain.access import Caller, Permission
from checkout.domain.clock import now_ms
from checkout.domain.order_lookup import OrderLookup
from checkout.domain.orders import OrderService
from checkout.domain.ports import Recorded
from checkout.domain.records import OrderRecord, SessionRecord, TransactionKind
from checkout.domain.sessions import SessionService
from checkout.domain.status import OrderStatus
from checkout.requests.orders import CreateOrderRequest
from checkout.requests.parsing import parse_model
from checkout.requests.sessions import CreateSessionRequest
from tests.builders import (
    DEPOSIT_ENV,
    MERCHANT,
    ORDER_EVENTS_SECRET,
    PUBLIC_BASE_URL,
    TABLE_NAME,
    make_settings,
    order_body,
    progress,
)
from tests.fakes import InMemoryIdempotencyStore, InMemoryRepository
from tests.support import ApiResponse, function_specs, invoke_http


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*_: Any, **__: Any) -> Any:
        raise AssertionError("unit tests open no socket and call no AWS API")

    monkeypatch.setattr(socket.socket, "connect", refused)
    monkeypatch.setattr(socket.socket, "connect_ex", refused)
    monkeypatch.setattr(socket, "create_connection", refused)
    monkeypatch.setattr("botocore.client.BaseClient._make_api_call", refused)


BUYER = Caller.anonymous()
MERCHANT_CALLER = Caller.merchant(MERCHANT, Permission.ADMIN)


class Clock:
    """A controllable clock starting at the real time (so services built here and the handlers,
    which read the system clock, agree): `clock.now` is epoch ms, and tests move it forward."""

    def __init__(self) -> None:
        self.now = now_ms()

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
def store() -> InMemoryRepository:
    return InMemoryRepository()


@pytest.fixture
def sessions(store: InMemoryRepository, settings: Settings, clock: Clock) -> SessionService:
    return SessionService(store, settings, clock)


@pytest.fixture
def orders(store: InMemoryRepository, settings: Settings, clock: Clock) -> OrderService:
    return OrderService(store, settings, clock)


@pytest.fixture
def order_lookup(store: InMemoryRepository) -> OrderLookup:
    return OrderLookup(store)


@pytest.fixture
def idempotency_store() -> InMemoryIdempotencyStore:
    return InMemoryIdempotencyStore()


@pytest.fixture
def function_env(
    monkeypatch: pytest.MonkeyPatch, store: InMemoryRepository, idempotency_store: InMemoryIdempotencyStore
) -> Iterator[None]:
    """The environment a function gets from the template, with the in-memory stores behind it."""
    for name, value in {
        "TABLE_NAME": TABLE_NAME,
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_SERVICE_NAME": "checkout",
        "POWERTOOLS_METRICS_NAMESPACE": "Checkout",
        "ORDER_EVENTS_SECRET": ORDER_EVENTS_SECRET,
        "AUTH_MODE": "open",  # the seed's flow: anonymous merchant calls act for acct_local
        "API_KEY_PREFIX": "csk_test_",
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "HTTP_ROUTES": function_specs()["default_route"].environment["HTTP_ROUTES"],
        **DEPOSIT_ENV,
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("ALLOWED_REDIRECT_HOSTS", "MIN_EXPIRES_IN", "MAX_EXPIRES_IN", "DEFAULT_EXPIRES_IN"):
        monkeypatch.delenv(name, raising=False)
    composition.reset()
    # cached like the real factory, so composition.reset() keeps working
    monkeypatch.setattr(composition, "repository", lru_cache(maxsize=1)(lambda: store))
    monkeypatch.setattr(composition, "webhook_store", lru_cache(maxsize=1)(lambda: store))
    monkeypatch.setattr(composition, "idempotency_store", lru_cache(maxsize=1)(lambda: idempotency_store))
    yield
    composition.reset()


Call = Callable[[str, dict[str, Any]], ApiResponse]


@pytest.fixture
def call(function_env: None) -> Call:
    """Invokes a function's real handler (Mangum, the ASGI glue, powertools) on the in-memory store."""
    return invoke_http


@dataclass
class Shop:
    """The steps most domain tests start from: a session with its order linked, and the payment
    watcher's report of an order's progress."""

    sessions: SessionService
    orders: OrderService
    store: InMemoryRepository
    settings: Settings
    clock: Clock

    def session(self, **body: Any) -> SessionRecord:
        return self.sessions.create(parse_model(CreateSessionRequest, body, self.settings), MERCHANT)

    def order(self, **changes: Any) -> OrderRecord:
        request = parse_model(CreateOrderRequest, order_body(**changes), self.settings)
        return self.orders.create(request, MERCHANT_CALLER)

    def session_with_order(self, **session_body: Any) -> tuple[SessionRecord, OrderRecord]:
        session = self.session(**session_body)
        return session, self.order(checkoutSessionId=session.id)

    def report(self, order_id: str, status: OrderStatus, kind: TransactionKind | None = None) -> None:
        outcome = self.store.record_order_event(progress(order_id, status, at_ms=self.clock.now, kind=kind))
        assert outcome == Recorded(), outcome


@pytest.fixture
def shop(
    sessions: SessionService,
    orders: OrderService,
    store: InMemoryRepository,
    settings: Settings,
    clock: Clock,
) -> Shop:
    return Shop(sessions, orders, store, settings, clock)
