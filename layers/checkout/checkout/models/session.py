"""Session models: the create request, the stored record, and the wire response."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from checkout.clock import iso_from_ms
from checkout.models.parsing import settings_from
from checkout.models.record import StoredRecord
from checkout.redirects import redirect_url_problem
from checkout.status import SessionStatus

CLIENT_REFERENCE_ID = re.compile(r"[A-Za-z0-9_-]{1,255}", re.ASCII)
MAX_METADATA_KEYS = 50
MAX_METADATA_KEY_LENGTH = 40
MAX_METADATA_VALUE_LENGTH = 500


def check_client_reference_id(value: str, param: str) -> str:
    if not CLIENT_REFERENCE_ID.fullmatch(value):
        raise ValueError(f"{param} must be 1-255 characters of letters, digits, '_' or '-'")
    return value


def check_metadata(value: dict[str, str]) -> dict[str, str]:
    if len(value) > MAX_METADATA_KEYS:
        raise ValueError(f"metadata can have at most {MAX_METADATA_KEYS} keys")
    for key, item in value.items():
        if not key or len(key) > MAX_METADATA_KEY_LENGTH or "[" in key or "]" in key:
            raise ValueError(
                f"metadata keys must be 1-{MAX_METADATA_KEY_LENGTH} characters without '[' or ']'"
            )
        if len(item) > MAX_METADATA_VALUE_LENGTH:
            raise ValueError(f"metadata values must be at most {MAX_METADATA_VALUE_LENGTH} characters")
    return value


class CreateSessionRequest(BaseModel):
    """`POST /checkout-sessions` body (DESIGN 2.2). Every field optional; `null` means absent."""

    model_config = ConfigDict(extra="forbid", strict=True)

    expires_in: int | None = None
    success_url: str | None = None
    cancel_url: str | None = None
    metadata: dict[str, str] | None = None
    client_reference_id: str | None = None

    @field_validator("expires_in")
    @classmethod
    def _expires_in_within_bounds(cls, value: int | None, info: ValidationInfo) -> int | None:
        settings = settings_from(info)
        if value is not None and not settings.min_expires_in <= value <= settings.max_expires_in:
            raise ValueError(
                f"expires_in must be between {settings.min_expires_in} and {settings.max_expires_in}"
            )
        return value

    @field_validator("success_url", "cancel_url")
    @classmethod
    def _acceptable_redirect(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and (
            problem := redirect_url_problem(value, settings_from(info).allowed_redirect_hosts)
        ):
            raise ValueError(f"{info.field_name} {problem}")
        return value

    @field_validator("metadata")
    @classmethod
    def _metadata_limits(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        return None if value is None else check_metadata(value)

    @field_validator("client_reference_id")
    @classmethod
    def _client_reference_charset(cls, value: str | None) -> str | None:
        return None if value is None else check_client_reference_id(value, "client_reference_id")


class SessionRecord(StoredRecord):
    """A session as stored in the table (item `SESSION#<id>` / `SESSION`)."""

    id: str
    status: SessionStatus
    success_url: str | None = None
    cancel_url: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    client_reference_id: str | None = None
    order_id: str | None = None
    expires_at: int  # epoch seconds
    created_at: int  # epoch milliseconds, like every *_at below
    updated_at: int
    completed_at: int | None = None

    def is_past_deadline(self, now_ms: int) -> bool:
        return now_ms // 1000 >= self.expires_at


class SessionResponse(BaseModel):
    """The wire session object (snake_case, ISO timestamps)."""

    id: str
    status: SessionStatus
    success_url: str | None
    cancel_url: str | None
    metadata: dict[str, str]
    client_reference_id: str | None
    order_id: str | None
    expires_at: str
    created_at: str
    updated_at: str
    completed_at: str | None

    @classmethod
    def from_record(cls, record: SessionRecord) -> SessionResponse:
        return cls(
            id=record.id,
            status=record.status,
            success_url=record.success_url,
            cancel_url=record.cancel_url,
            metadata=record.metadata,
            client_reference_id=record.client_reference_id,
            order_id=record.order_id,
            expires_at=iso_from_ms(record.expires_at * 1000),
            created_at=iso_from_ms(record.created_at),
            updated_at=iso_from_ms(record.updated_at),
            completed_at=None if record.completed_at is None else iso_from_ms(record.completed_at),
        )
