"""The base of every stored record: immutable once read or made. Its own module, so the webhook
records (`webhook_records`) can share it without loading the session and order records (`records`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    model_config = ConfigDict(frozen=True)
