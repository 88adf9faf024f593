"""Identifiers: the ids this service mints and the shape it accepts."""

from __future__ import annotations

import uuid


def is_uuid4(value: str) -> bool:
    """Canonical lowercase-or-uppercase hyphenated UUID version 4, nothing else."""
    if len(value) != 36:
        return False
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return False
    return parsed.version == 4 and str(parsed) == value.lower()


def new_id() -> str:
    return str(uuid.uuid4())
