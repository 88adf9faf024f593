"""The base of every stored record: built from a table item, written back as one."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict


class StoredRecord(BaseModel):
    """Keys and bookkeeping attributes (`pk`, `open_shard`, `purge_at`, ...) stay in the table;
    a record holds only the fields the domain reads."""

    model_config = ConfigDict(frozen=True)

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Self:
        return cls.model_validate({key: item[key] for key in cls.model_fields if key in item})

    def to_item(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)
