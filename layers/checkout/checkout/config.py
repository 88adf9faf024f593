"""Configuration from environment variables, read once and validated.

Nothing here runs at import time: `get_settings()` reads the environment on first use and
caches the result, so tests can set variables (and call `get_settings.cache_clear()`) freely.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

DEFAULT_CHAINS = frozenset({1, 10, 56, 137, 8333, 8453, 42161, 43114})


def _csv(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    table_name: str = Field(min_length=3)
    min_expires_in: int = Field(default=300, ge=1)
    max_expires_in: int = Field(default=86400, ge=1)
    default_expires_in: int = Field(default=1800, ge=1)
    allowed_redirect_hosts: frozenset[str] | None = None
    open_shards: int = Field(default=4, ge=1, le=100)
    list_shards: int = Field(default=4, ge=1, le=32)
    session_retention_days: int = Field(default=30, ge=1)
    order_ttl_seconds: int = Field(default=1800, ge=60)
    supported_chains: frozenset[int] = DEFAULT_CHAINS
    deposit_factory_address: str = "0x4e59b44847b379578588920cA78FbF26c0B4956C"
    deposit_init_code_hash: str = "0x" + "00" * 32
    order_events_secret: SecretStr | None = None
    order_events_secret_parameter: str | None = None
    signature_tolerance_seconds: int = Field(default=300, ge=1)
    coinbase_app_id: str = "checkout-local"
    coinbase_onramp_base_url: str = "https://pay.coinbase.com/buy/select-asset"
    coinbase_asset: str = "USDC"
    coinbase_asset_decimals: int = Field(default=6, ge=0, le=36)
    # `required`: every merchant call needs a key. `open` (the local stack's default): an anonymous
    # merchant call acts for the built-in merchant, so the seed's own client runs unchanged.
    auth_mode: Literal["required", "open"] = "required"
    api_key_prefix: Literal["csk_live_", "csk_test_"] = "csk_live_"
    # How long a container trusts what it read of a key: a revocation takes effect within this.
    api_key_cache_seconds: int = Field(default=60, ge=0, le=60)
    idempotency_table_name: str | None = None
    idempotency_ttl_seconds: int = Field(default=86_400, ge=1, le=7 * 86_400)

    @model_validator(mode="after")
    def _expiry_bounds_are_coherent(self) -> Settings:
        if not self.min_expires_in <= self.default_expires_in <= self.max_expires_in:
            raise ValueError("need MIN_EXPIRES_IN <= DEFAULT_EXPIRES_IN <= MAX_EXPIRES_IN")
        return self

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Builds settings from variables named like the template's `Environment` entries."""
        fields: dict[str, object] = {"table_name": env.get("TABLE_NAME", "")}
        scalar_names = {
            "min_expires_in": "MIN_EXPIRES_IN",
            "max_expires_in": "MAX_EXPIRES_IN",
            "default_expires_in": "DEFAULT_EXPIRES_IN",
            "open_shards": "OPEN_SHARDS",
            "list_shards": "LIST_SHARDS",
            "session_retention_days": "SESSION_RETENTION_DAYS",
            "order_ttl_seconds": "ORDER_TTL_SECONDS",
            "deposit_factory_address": "DEPOSIT_FACTORY_ADDRESS",
            "deposit_init_code_hash": "DEPOSIT_INIT_CODE_HASH",
            "order_events_secret": "ORDER_EVENTS_SECRET",
            "order_events_secret_parameter": "ORDER_EVENTS_SECRET_PARAMETER",
            "signature_tolerance_seconds": "SIGNATURE_TOLERANCE_SECONDS",
            "coinbase_app_id": "COINBASE_APP_ID",
            "coinbase_onramp_base_url": "COINBASE_ONRAMP_BASE_URL",
            "coinbase_asset": "COINBASE_ASSET",
            "coinbase_asset_decimals": "COINBASE_ASSET_DECIMALS",
            "auth_mode": "AUTH_MODE",
            "api_key_prefix": "API_KEY_PREFIX",
            "api_key_cache_seconds": "API_KEY_CACHE_SECONDS",
            "idempotency_table_name": "IDEMPOTENCY_TABLE_NAME",
            "idempotency_ttl_seconds": "IDEMPOTENCY_TTL_SECONDS",
        }
        for field, name in scalar_names.items():
            if env.get(name):
                fields[field] = env[name]
        if hosts := _csv(env.get("ALLOWED_REDIRECT_HOSTS")):
            fields["allowed_redirect_hosts"] = frozenset(host.lower() for host in hosts)
        if chains := _csv(env.get("SUPPORTED_CHAINS")):
            fields["supported_chains"] = frozenset(int(chain) for chain in chains)
        return cls.model_validate(fields)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env(os.environ)
