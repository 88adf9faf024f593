"""Builds the domain services once per container, on first use (never at import time)."""

from __future__ import annotations

from functools import lru_cache

from checkout.config import get_settings
from checkout.order_events import OrderEventService
from checkout.orders import OrderService
from checkout.repository import Repository, default_client
from checkout.secrets import order_event_secrets
from checkout.sessions import SessionService


@lru_cache(maxsize=1)
def repository() -> Repository:
    return Repository(get_settings().table_name)


@lru_cache(maxsize=1)
def session_service() -> SessionService:
    return SessionService(repository(), get_settings())


@lru_cache(maxsize=1)
def order_service() -> OrderService:
    return OrderService(repository(), get_settings())


@lru_cache(maxsize=1)
def order_event_service() -> OrderEventService:
    settings = get_settings()
    return OrderEventService(repository(), settings, secrets=lambda: order_event_secrets(settings))


def reset() -> None:
    """Forgets cached settings and services (tests change the environment between cases)."""
    get_settings.cache_clear()
    default_client.cache_clear()
    repository.cache_clear()
    session_service.cache_clear()
    order_service.cache_clear()
    order_event_service.cache_clear()
