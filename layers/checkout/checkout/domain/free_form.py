"""The rule for free-form JSON the service keeps (order `metadata`, `payload`, `callbackMetadata`;
event `errorDetails`): what is accepted is stored and read back exactly, the rest is refused.

Values are kept as DynamoDB documents (maps, lists, numbers), so the store's own limits are the
rule, checked here before any write so that a caller gets a 400 naming the field, never a 500:
- numbers are exact decimals (`12.5` stays `12.5`, never a binary float) of at most 38
  significant digits, zero or of magnitude 1e-130 up to (not including) 1e126;
- object keys are non-empty strings;
- at most 32 levels: 31 objects or arrays nested in each other (the field's own object counts),
  their values being the 32nd (DynamoDB counts an empty object or array as if it held one);
- strings hold no lone surrogate (they have no UTF-8 form; the body check already refuses them).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

MAX_SIGNIFICANT_DIGITS = 38
SMALLEST_EXPONENT = -130  # 1e-130 is the smallest magnitude stored
LARGEST_EXPONENT = 125  # 9.99...e125 is the largest
MAX_NESTED_CONTAINERS = 31
NUMBER_RULE = (
    f"must be a number of at most {MAX_SIGNIFICANT_DIGITS} significant digits,"
    " zero or of magnitude from 1e-130 to below 1e126"
)


class NotStorable(ValueError):
    """A free-form value breaks the rule at `path` (dotted, relative to the field; "" for the field)."""

    def __init__(self, path: str, text: str) -> None:
        super().__init__(f"{path} {text}".strip())
        self.path = path
        self.text = text


def storable(value: Mapping[str, Any]) -> dict[str, Any]:
    """`value` with every number as an exact Decimal or int; raises `NotStorable` where it breaks
    the rule."""
    return _checked_object(value, "", depth=1)


def has_lone_surrogate(text: str) -> bool:
    # `isascii` reads a flag CPython keeps on every str: most text never needs the scan.
    return not text.isascii() and any("\ud800" <= ch <= "\udfff" for ch in text)


def _checked_object(value: Mapping[str, Any], path: str, depth: int) -> dict[str, Any]:
    if depth > MAX_NESTED_CONTAINERS:
        raise NotStorable("", f"must not nest objects or arrays more than {MAX_NESTED_CONTAINERS} deep")
    result: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            raise NotStorable(path, "must not have an empty key")
        if has_lone_surrogate(key):
            raise NotStorable(path, "must not have a key with a lone surrogate")
        result[key] = _checked(item, _join(path, key), depth)
    return result


def _checked(value: Any, path: str, depth: int) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if has_lone_surrogate(value):
            raise NotStorable(path, "must not contain a lone surrogate")
        return value
    if isinstance(value, int | float | Decimal):
        return _checked_number(value, path)
    if isinstance(value, Mapping):
        return _checked_object(value, path, depth + 1)
    if isinstance(value, list | tuple):
        if depth + 1 > MAX_NESTED_CONTAINERS:
            raise NotStorable("", f"must not nest objects or arrays more than {MAX_NESTED_CONTAINERS} deep")
        return [_checked(item, _join(path, str(index)), depth + 1) for index, item in enumerate(value)]
    raise NotStorable(path, "must be a JSON value")


def _checked_number(value: int | float | Decimal, path: str) -> int | Decimal:
    # A float reaches here only from a caller that parsed JSON itself; its shortest repr is the
    # number the JSON text said.
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise NotStorable(path, NUMBER_RULE)
    if number.is_zero():
        return 0 if isinstance(value, int) else number
    significant = len("".join(map(str, number.as_tuple().digits)).rstrip("0"))
    if significant > MAX_SIGNIFICANT_DIGITS or not SMALLEST_EXPONENT <= number.adjusted() <= LARGEST_EXPONENT:
        raise NotStorable(path, NUMBER_RULE)
    return value if isinstance(value, int) else number


def _join(path: str, part: str) -> str:
    return f"{path}.{part}" if path else part
