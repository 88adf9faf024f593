"""`POST /checkout-sessions` (DESIGN 2.2): every field optional; `null` means absent."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from checkout.domain.records import Customer, PaymentConfig
from checkout.domain.redirects import RedirectUrlRefused, checked_redirect_url
from checkout.requests.fields import Identifier
from checkout.requests.parsing import problem, settings_from

MAX_METADATA_KEYS = 50
MAX_METADATA_KEY_LENGTH = 40
MAX_METADATA_VALUE_LENGTH = 500


def check_metadata(value: dict[str, str]) -> dict[str, str]:
    if len(value) > MAX_METADATA_KEYS:
        raise problem(f"can have at most {MAX_METADATA_KEYS} keys")
    for key, item in value.items():
        if not key or len(key) > MAX_METADATA_KEY_LENGTH or "[" in key or "]" in key:
            raise problem(f"keys must be 1-{MAX_METADATA_KEY_LENGTH} characters without '[' or ']'")
        if len(item) > MAX_METADATA_VALUE_LENGTH:
            raise problem(f"values must be at most {MAX_METADATA_VALUE_LENGTH} characters")
    return value


def redirect_url(value: str, info: ValidationInfo, *, templated: bool = True) -> str:
    """The URL in the form it is stored in (a browser's view of its host), or the field's 400."""
    try:
        return checked_redirect_url(value, settings_from(info).allowed_redirect_hosts, templated=templated)
    except RedirectUrlRefused as refused:
        raise problem(str(refused)) from None


class CreateSessionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    expires_in: int | None = None
    success_url: str | None = None
    cancel_url: str | None = None
    metadata: dict[str, str] | None = None
    client_reference_id: Identifier | None = None

    @field_validator("expires_in")
    @classmethod
    def _expires_in_within_bounds(cls, value: int | None, info: ValidationInfo) -> int | None:
        settings = settings_from(info)
        if value is not None and not settings.min_expires_in <= value <= settings.max_expires_in:
            raise problem(f"must be between {settings.min_expires_in} and {settings.max_expires_in}")
        return value

    @field_validator("success_url", "cancel_url")
    @classmethod
    def _acceptable_redirect(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else redirect_url(value, info)

    @field_validator("metadata")
    @classmethod
    def _metadata_limits(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        return None if value is None else check_metadata(value)

    # What only the platform surface's create can carry (its request overrides these).
    def payment_config(self) -> PaymentConfig | None:
        return None

    def customer(self) -> Customer:
        return Customer()

    def utm(self) -> dict[str, str]:
        return {}
