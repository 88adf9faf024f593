"""Builds the domain services once per container, on first use (never at import time).

Each factory imports its service itself, so a function loads only what it calls: the GET
functions never import the keccak library `POST /orders` needs, for instance.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from checkout.config import get_settings
from checkout.repository import Repository, default_client

if TYPE_CHECKING:
    from checkout.order_events import OrderEventService
    from checkout.orders import OrderService
    from checkout.sessions import SessionService


@lru_cache(maxsize=1)
def repository() -> Repository:
    return Repository(get_settings().table_name)


@lru_cache(maxsize=1)
def session_service() -> SessionService:
    from checkout.sessions import SessionService

    return SessionService(repository(), get_settings())


@lru_cache(maxsize=1)
def order_service() -> OrderService:
    from checkout.orders import OrderService

    return OrderService(repository(), get_settings())


@lru_cache(maxsize=1)
def order_event_service() -> OrderEventService:
    from checkout.order_events import OrderEventService
    from checkout.secrets import order_event_secrets

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
