"""JSON text for values whose numbers are `Decimal`s, written exactly (the standard encoder cannot).

Free-form JSON (an order's `metadata`, `payload`, `callbackMetadata`, an event's `errorDetails`) is
read with `parse_float=Decimal` and kept exact, so `12.5` or a 38-digit decimal comes back as sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any

# An integral value is written in plain digits up to here; past it, as `1E+5000` (Python refuses
# to write an int of over 4,300 digits as text).
_PLAIN_INTEGER_DIGITS = 4000


class _HasDecimal(Exception):
    """The fast path met a Decimal: fall back to the exact writer."""


def _refuse_decimal(value: Any) -> Any:
    if isinstance(value, Decimal):
        raise _HasDecimal
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value: Any, ensure_ascii: bool = True) -> str:
    """Compact JSON text; every Decimal written as its exact value, never NaN or Infinity.
    `ensure_ascii=False` writes non-ASCII characters as themselves (for UTF-8 text that must stay
    small: `\ud83d\ude00` is 12 bytes, the emoji itself 4)."""
    try:
        # The C encoder for the common case; it stops at the first Decimal.
        return json.dumps(
            value, separators=(",", ":"), allow_nan=False, default=_refuse_decimal, ensure_ascii=ensure_ascii
        )
    except _HasDecimal:
        parts: list[str] = []
        _write(value, parts, sort_keys=False, ascii_only=ensure_ascii)
        return "".join(parts)


def canonical(value: Any) -> str:
    """One text per JSON value: keys sorted, each number written by its value (`2.50`, `2.5` and
    `25e-1` alike; `1.0` as `1`), no whitespace. Two bodies mean the same iff their texts are equal."""
    parts: list[str] = []
    _write(value, parts, sort_keys=True, canonical_numbers=True)
    return "".join(parts)


def decimal_text(number: Decimal) -> str:
    """A finite Decimal as a JSON number (`str` already writes the JSON grammar: `1E+10`, `0.5`)."""
    if not number.is_finite():
        raise ValueError(f"{number} is not a JSON number")
    return str(number)


def _canonical_number(number: int | float | Decimal) -> str:
    exact = Decimal(repr(number)) if isinstance(number, float) else Decimal(number)
    if not exact.is_finite():
        raise ValueError(f"{number} is not a JSON number")
    if exact.adjusted() < _PLAIN_INTEGER_DIGITS and exact == exact.to_integral_value():
        return str(int(exact))
    digits = len(exact.as_tuple().digits)
    # Enough precision never to round, and exponents as wide as a Decimal's (a JSON number such as
    # `1e1000000` overflows the default context; `1e-1000000` would underflow to 0).
    return str(exact.normalize(Context(prec=digits, Emax=MAX_EMAX, Emin=MIN_EMIN)))


def _write(
    value: Any, parts: list[str], *, sort_keys: bool, canonical_numbers: bool = False, ascii_only: bool = True
) -> None:
    encode = encode_basestring_ascii if ascii_only else encode_basestring
    if isinstance(value, str):
        parts.append(encode(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int | float | Decimal):
        if canonical_numbers:
            parts.append(_canonical_number(value))
        elif isinstance(value, Decimal):
            parts.append(decimal_text(value))
        else:
            parts.append(json.dumps(value, allow_nan=False))
    elif isinstance(value, Mapping):
        items = sorted(value.items()) if sort_keys else list(value.items())
        parts.append("{")
        for index, (key, item) in enumerate(items):
            if not isinstance(key, str):
                raise TypeError("JSON object keys must be strings")
            if index:
                parts.append(",")
            parts.append(encode(key))
            parts.append(":")
            _write(
                item, parts, sort_keys=sort_keys, canonical_numbers=canonical_numbers, ascii_only=ascii_only
            )
        parts.append("}")
    elif isinstance(value, list | tuple):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _write(
                item, parts, sort_keys=sort_keys, canonical_numbers=canonical_numbers, ascii_only=ascii_only
            )
        parts.append("]")
    else:
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
