"""Configuration from environment variables, read once and validated.

Nothing here runs at import time: `get_settings()` reads the environment on first use and
caches the result, so tests can set variables (and call `get_settings.cache_clear()`) freely.
Each function module checks its settings during Lambda's init phase (`checkout.startup`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from checkout.domain.tokens import DEFAULT_TOKENS, KnownToken, parse_tokens

DEFAULT_CHAINS = frozenset({1, 10, 56, 137, 8333, 8453, 42161, 43114})
# Mirrors the template's parameter bounds: whatever `sam deploy` accepts, a function accepts.
EXPIRES_IN_CEILING = 7 * 86400
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_HASH = re.compile(r"0x[0-9a-fA-F]{64}")
ZERO_ADDRESS = "0x" + "00" * 20
ZERO_HASH = "0x" + "00" * 32
# keccak256(b""): the init code of a contract with no code; no deposit could ever be moved out.
EMPTY_INIT_CODE_HASH = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"

# Field → environment variable, as the template's `Environment` entries name them.
ENV_NAMES = {
    "table_name": "TABLE_NAME",
    "min_expires_in": "MIN_EXPIRES_IN",
    "max_expires_in": "MAX_EXPIRES_IN",
    "default_expires_in": "DEFAULT_EXPIRES_IN",
    "allowed_redirect_hosts": "ALLOWED_REDIRECT_HOSTS",
    "open_shards": "OPEN_SHARDS",
    "list_shards": "LIST_SHARDS",
    "retry_shards": "RETRY_SHARDS",
    "session_retention_days": "SESSION_RETENTION_DAYS",
    "order_ttl_seconds": "ORDER_TTL_SECONDS",
    "supported_chains": "SUPPORTED_CHAINS",
    "deposit_factory_address": "DEPOSIT_FACTORY_ADDRESS",
    "deposit_init_code_hash": "DEPOSIT_INIT_CODE_HASH",
    "order_events_secret": "ORDER_EVENTS_SECRET",
    "order_events_secret_arn": "ORDER_EVENTS_SECRET_ARN",
    "signature_tolerance_seconds": "SIGNATURE_TOLERANCE_SECONDS",
    "coinbase_app_id": "COINBASE_APP_ID",
    "coinbase_onramp_base_url": "COINBASE_ONRAMP_BASE_URL",
    "coinbase_asset": "COINBASE_ASSET",
    "coinbase_asset_decimals": "COINBASE_ASSET_DECIMALS",
    "auth_mode": "AUTH_MODE",
    "api_key_prefix": "API_KEY_PREFIX",
    "api_key_cache_seconds": "API_KEY_CACHE_SECONDS",
    "public_base_url": "PUBLIC_BASE_URL",
    "api_url": "API_URL",
    "idempotency_table_name": "IDEMPOTENCY_TABLE_NAME",
    "idempotency_ttl_seconds": "IDEMPOTENCY_TTL_SECONDS",
    "payment_tokens": "PAYMENT_TOKENS",
    "webhook_retry_schedule": "WEBHOOK_RETRY_SCHEDULE",
    "webhook_allow_loopback": "WEBHOOK_ALLOW_LOOPBACK",
}
_LISTS = {"allowed_redirect_hosts", "supported_chains", "webhook_retry_schedule"}
# Seconds after a webhook event's first attempt at which it is retried (DESIGN 11): about 1 min,
# 5 min, 30 min, 2 h, 6 h, 12 h and 24 h.
DEFAULT_RETRY_SCHEDULE = (60, 300, 1800, 7200, 21600, 43200, 86400)


class MissingSetting(ValueError):
    """A setting this function needs is not configured."""


def _csv(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


@dataclass(frozen=True)
class DepositContract:
    """CREATE2 parameters of the per-order deposit contracts (DESIGN 2.5)."""

    factory_address: str
    init_code_hash: str


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    table_name: str = Field(min_length=3)
    min_expires_in: int = Field(default=300, ge=1, le=EXPIRES_IN_CEILING)
    max_expires_in: int = Field(default=86400, ge=1, le=EXPIRES_IN_CEILING)
    default_expires_in: int = Field(default=1800, ge=1, le=EXPIRES_IN_CEILING)
    allowed_redirect_hosts: frozenset[str] | None = None
    open_shards: int = Field(default=4, ge=1, le=100)
    list_shards: int = Field(default=4, ge=1, le=32)
    retry_shards: int = Field(default=16, ge=1, le=100)  # docs/scale.md: 8 index writes a checkout
    session_retention_days: int = Field(default=30, ge=1, le=3650)
    order_ttl_seconds: int = Field(default=1800, ge=60, le=EXPIRES_IN_CEILING)
    supported_chains: frozenset[int] = DEFAULT_CHAINS
    # No defaults: a wrong deployer or init-code hash yields deposit addresses no contract can
    # occupy, and the buyers' funds sent there are lost. Only the functions that derive addresses
    # require them (`deposit_contract`).
    deposit_factory_address: str | None = None
    deposit_init_code_hash: str | None = None
    order_events_secret: SecretStr | None = None
    order_events_secret_arn: str | None = None
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
    # Where buyers reach this API (the hosted page's links): derived from each request in AWS
    # (https://<the API's domain>); set it behind a custom domain or a proxy, and locally.
    public_base_url: str | None = None
    # The API's own URL (`https://<api id>.execute-api…`), given to the functions that have no request.
    api_url: str | None = None
    idempotency_table_name: str | None = None
    idempotency_ttl_seconds: int = Field(default=86_400, ge=1, le=7 * 86_400)
    # The tokens the hosted page names, with their decimals (`PAYMENT_TOKENS`: replaces the default
    # list, USDC on each default chain). Another token's amount shows in base units, with its address.
    payment_tokens: tuple[KnownToken, ...] = DEFAULT_TOKENS
    # WEBHOOK_RETRY_SCHEDULE: comma-separated seconds, increasing (tests use seconds).
    webhook_retry_schedule: tuple[int, ...] = DEFAULT_RETRY_SCHEDULE
    # Plain http to this machine's own addresses (the local stack's receivers); never in AWS.
    webhook_allow_loopback: bool = False

    @field_validator("supported_chains")
    @classmethod
    def _chain_ids_are_positive(cls, chains: frozenset[int]) -> frozenset[int]:
        if not chains or min(chains) < 1:
            raise ValueError("must be positive chain ids")
        return chains

    @field_validator("allowed_redirect_hosts")
    @classmethod
    def _hosts_as_redirects_store_them(cls, hosts: frozenset[str] | None) -> frozenset[str] | None:
        """Lower case and punycode, as a redirect URL's host is stored: `bücher.de` must match
        what a browser visits (compared as written, it matched nothing)."""
        if hosts is None:
            return None
        from checkout.domain.redirects import RedirectUrlRefused, allowed_host

        stored = set()
        for host in hosts:
            try:
                stored.add(allowed_host(host))
            except RedirectUrlRefused as refused:
                raise ValueError(f"{host!r} is not a host: it {refused}") from None
        return frozenset(stored)

    @field_validator("payment_tokens", mode="before")
    @classmethod
    def _tokens_from_text(cls, value: object) -> object:
        return parse_tokens(value) if isinstance(value, str) else value

    @field_validator("deposit_factory_address")
    @classmethod
    def _factory_can_deploy(cls, address: str | None) -> str | None:
        if address is not None:
            if not _ADDRESS.fullmatch(address):
                raise ValueError("must be 0x followed by 40 hex characters")
            if address == ZERO_ADDRESS:
                raise ValueError("the zero address deploys nothing")
        return address

    @field_validator("deposit_init_code_hash")
    @classmethod
    def _init_code_is_real(cls, value: str | None) -> str | None:
        if value is not None:
            if not _HASH.fullmatch(value):
                raise ValueError("must be 0x followed by 64 hex characters")
            if value.lower() in (ZERO_HASH, EMPTY_INIT_CODE_HASH):
                raise ValueError("must be the keccak256 of the deposit contract's init code")
        return value

    @field_validator("webhook_retry_schedule")
    @classmethod
    def _schedule_increases(cls, schedule: tuple[int, ...]) -> tuple[int, ...]:
        if len(schedule) > 20 or any(s < 1 or s > 7 * 86400 for s in schedule):
            raise ValueError("must be at most 20 delays, each 1 to 604800 seconds")
        if list(schedule) != sorted(set(schedule)):
            raise ValueError("must increase")
        return schedule

    @model_validator(mode="after")
    def _expiry_bounds_are_coherent(self) -> Settings:
        if not self.min_expires_in <= self.default_expires_in <= self.max_expires_in:
            raise ValueError("need MIN_EXPIRES_IN <= DEFAULT_EXPIRES_IN <= MAX_EXPIRES_IN")
        return self

    def deposit_contract(self) -> DepositContract:
        """The CREATE2 parameters; `create_order` checks them at start, so a request never meets
        their absence."""
        if self.deposit_factory_address is None or self.deposit_init_code_hash is None:
            raise MissingSetting("set DEPOSIT_FACTORY_ADDRESS and DEPOSIT_INIT_CODE_HASH")
        return DepositContract(self.deposit_factory_address, self.deposit_init_code_hash)

    def webhook_base_url(self) -> str:
        """Where buyers reach the hosted page, for the sessions in webhook payloads: the stream
        function has no request to derive it from (the template gives it API_URL)."""
        base = self.public_base_url or self.api_url
        if not base:
            raise MissingSetting("set PUBLIC_BASE_URL or API_URL")
        return base.rstrip("/")

    def order_events_secret_source(self) -> SecretStr | str:
        """The secret itself (local runs) or the ARN of the Secrets Manager secret holding it."""
        if self.order_events_secret is not None:
            return self.order_events_secret
        if self.order_events_secret_arn:
            return self.order_events_secret_arn
        raise MissingSetting("set ORDER_EVENTS_SECRET or ORDER_EVENTS_SECRET_ARN")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Builds settings from variables named like the template's `Environment` entries; an
        empty variable counts as unset."""
        fields: dict[str, object] = {"table_name": env.get("TABLE_NAME", "")}
        for field, name in ENV_NAMES.items():
            if field in _LISTS or not env.get(name):
                continue
            fields[field] = env[name]
        if hosts := _csv(env.get("ALLOWED_REDIRECT_HOSTS")):
            fields["allowed_redirect_hosts"] = frozenset(hosts)
        if chains := _csv(env.get("SUPPORTED_CHAINS")):
            fields["supported_chains"] = chains  # pydantic parses each id, or says which is wrong
        if schedule := _csv(env.get("WEBHOOK_RETRY_SCHEDULE")):
            fields["webhook_retry_schedule"] = schedule
        return cls.model_validate(fields)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env(os.environ)
