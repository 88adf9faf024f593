"""Shapes domain records into the wire objects of DESIGN 2."""

from __future__ import annotations

from typing import Any

from checkout.models.session import SessionRecord, SessionResponse


def session_view(record: SessionRecord) -> dict[str, Any]:
    return SessionResponse.from_record(record).model_dump(mode="json")
