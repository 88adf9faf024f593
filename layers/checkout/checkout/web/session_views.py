"""The public surface's session object (DESIGN 2): snake_case, ISO-8601 timestamps, built from the
record by field name. The order views (`order_views`) are apart, so the session functions that
never embed an order do not load them."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema

from checkout.domain.clock import iso_from_ms
from checkout.domain.records import SessionRecord
from checkout.domain.status import SessionStatus

_ISO_8601 = WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization")
IsoFromMs = Annotated[int, PlainSerializer(iso_from_ms, return_type=str), _ISO_8601]
IsoFromSeconds = Annotated[
    int, PlainSerializer(lambda seconds: iso_from_ms(seconds * 1000), return_type=str), _ISO_8601
]


class _View(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)


class SessionView(_View):
    id: str
    status: SessionStatus
    success_url: str | None
    cancel_url: str | None
    metadata: dict[str, str]
    client_reference_id: str | None
    order_id: str | None
    expires_at: IsoFromSeconds
    created_at: IsoFromMs
    updated_at: IsoFromMs
    completed_at: IsoFromMs | None


def session_view(session: SessionRecord) -> dict[str, Any]:
    return SessionView.model_validate(session).model_dump(mode="json")
