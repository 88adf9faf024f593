"""`POST /checkout-sessions` (DESIGN 2.2): every field optional; `null` means absent."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, WithJsonSchema, field_validator

from checkout.config import Settings
from checkout.domain.records import Customer, PaymentConfig
from checkout.domain.redirects import MAX_URL_LENGTH as MAX_REDIRECT_URL_LENGTH
from checkout.domain.redirects import RedirectUrlRefused, checked_redirect_url
from checkout.requests.fields import Identifier
from checkout.requests.parsing import problem, settings_from

MAX_METADATA_KEYS = 50
MAX_METADATA_KEY_LENGTH = 40
MAX_METADATA_VALUE_LENGTH = 500


# What the OpenAPI document says of each field (the validators below are the rule). Where a rule
# is beyond JSON Schema (a browser's view of a URL's host, a length after templating), the schema
# names a `format` and says the rule in words; what it states by machine (type, length) holds for
# every value the API accepts, so a value outside it is always refused.
REDIRECT_URL_SCHEMA: dict[str, Any] = {
    "type": "string",
    "format": "redirect-url",
    "maxLength": MAX_REDIRECT_URL_LENGTH,
    "description": "An absolute https URL (http only for localhost or 127.0.0.1), at most 2048 characters"
    " once the session id is in it; `{SESSION_ID}` or `{ORDER_ID}` is replaced by the session id, else"
    " `sessionId=<id>` is appended to its query. No credentials, whitespace, control or invisible"
    " characters or backslash; the host is judged as a browser reads it (IDNA names are stored in"
    " punycode) and must be in ALLOWED_REDIRECT_HOSTS when that is set.",
    "examples": ["https://shop.example.com/thanks"],
}
RedirectUrl = Annotated[str, WithJsonSchema(REDIRECT_URL_SCHEMA)]
_DEFAULTS = Settings.model_fields
ExpiresIn = Annotated[
    int,
    WithJsonSchema(
        {
            "type": "integer",
            "minimum": _DEFAULTS["min_expires_in"].default,
            "maximum": _DEFAULTS["max_expires_in"].default,
            "description": "Seconds until the session expires (default"
            f" {_DEFAULTS['default_expires_in'].default}); the bounds are the deployment's"
            " MIN_EXPIRES_IN and MAX_EXPIRES_IN (these by default).",
        }
    ),
]


def check_metadata(value: dict[str, str]) -> dict[str, str]:
    if len(value) > MAX_METADATA_KEYS:
        raise problem(f"can have at most {MAX_METADATA_KEYS} keys")
    for key, item in value.items():
        if not key or len(key) > MAX_METADATA_KEY_LENGTH or "[" in key or "]" in key:
            raise problem(f"keys must be 1-{MAX_METADATA_KEY_LENGTH} characters without '[' or ']'")
        if len(item) > MAX_METADATA_VALUE_LENGTH:
            raise problem(f"values must be at most {MAX_METADATA_VALUE_LENGTH} characters")
    return value


Metadata = Annotated[
    dict[str, str],
    WithJsonSchema(
        {
            "type": "object",
            "maxProperties": MAX_METADATA_KEYS,
            "propertyNames": {"minLength": 1, "maxLength": MAX_METADATA_KEY_LENGTH, "pattern": r"^[^\[\]]*$"},
            "additionalProperties": {"type": "string", "maxLength": MAX_METADATA_VALUE_LENGTH},
            "description": f"Up to {MAX_METADATA_KEYS} keys of 1-{MAX_METADATA_KEY_LENGTH} characters"
            f" without '[' or ']', each a string of at most {MAX_METADATA_VALUE_LENGTH} characters.",
        }
    ),
]


def redirect_url(value: str, info: ValidationInfo, *, templated: bool = True) -> str:
    """The URL in the form it is stored in (a browser's view of its host), or the field's 400."""
    try:
        return checked_redirect_url(value, settings_from(info).allowed_redirect_hosts, templated=templated)
    except RedirectUrlRefused as refused:
        raise problem(str(refused)) from None


class CreateSessionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    expires_in: ExpiresIn | None = None
    success_url: RedirectUrl | None = None
    cancel_url: RedirectUrl | None = None
    metadata: Metadata | None = None
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
