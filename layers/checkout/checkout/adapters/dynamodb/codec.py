"""Plain values <-> DynamoDB attribute values (the types this table stores).

Numbers are exact both ways: written from `int`/`Decimal` as their decimal text, read back as an
`int` when integral, else as the `Decimal` itself (never a binary float, which would change the
value and cannot hold every number DynamoDB keeps)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from checkout.domain.record_base import Record

RecordT = TypeVar("RecordT", bound="Record")


def serialize(value: Any) -> dict[str, Any]:
    # Every attribute of every write passes here: the commonest type first, tuples not unions
    # (`int | Decimal` builds a new union object on each call).
    if isinstance(value, str):
        return {"S": value}
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):  # before int: a bool is an int
        return {"BOOL": value}
    if isinstance(value, (int, Decimal)):
        return {"N": str(value)}
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("cannot store NaN or an infinity")
        return {"N": repr(value)}  # the shortest text that reads back as this float
    if isinstance(value, Mapping):
        return {"M": {str(key): serialize(item) for key, item in value.items()}}
    if isinstance(value, (list, tuple)):
        return {"L": [serialize(item) for item in value]}
    raise TypeError(f"cannot store a {type(value).__name__}")


def deserialize(attribute: Mapping[str, Any]) -> Any:
    ((kind, value),) = attribute.items()
    if kind == "S":
        return value
    if kind == "N":
        return number_from_text(value)
    if kind == "BOOL":
        return bool(value)
    if kind == "NULL":
        return None
    if kind == "M":
        return {key: deserialize(item) for key, item in value.items()}
    if kind == "L":
        return [deserialize(item) for item in value]
    raise TypeError(f"unexpected attribute type {kind}")


def number_from_text(text: str) -> int | Decimal:
    """A stored number: DynamoDB only holds finite decimals of up to 38 digits, so this never raises
    for what it returns."""
    if text.isascii() and text.isdigit():  # most are counts and epoch times: skip the Decimal
        return int(text)
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else number


def to_attributes(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: serialize(value) for key, value in item.items() if value is not None}


def from_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    return {key: deserialize(value) for key, value in attributes.items()}


def record_from_item(model: type[RecordT], item: dict[str, Any]) -> RecordT:
    return model.model_validate({key: item[key] for key in model.model_fields if key in item})
