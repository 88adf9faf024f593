"""The two HTTP surfaces over one store, and how each shapes its answers.

- public (DESIGN 2): every answer in the AnySpend envelope `{success, message, data | error, statusCode}`;
- platform (DESIGN 10): the bare object on success, `{"error": {type, code, message, param}}` on
  failure, with the error types the published SDK's `parseApiError` maps; always needs a key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Surface:
    name: str
    success: Callable[[str, Any], Any]
    error: Callable[[int, str, str, str, str | None], dict[str, Any]]
    type_for_status: dict[int, str] = field(default_factory=dict)  # where its error types differ
    anonymous_merchant_calls: bool = True  # `AUTH_MODE=open` may stand in for a missing key


def _envelope(message: str, data: Any) -> dict[str, Any]:
    return {"success": True, "message": message, "data": data, "statusCode": 200}


def _envelope_error(
    status: int, message: str, error_type: str, code: str, param: str | None
) -> dict[str, Any]:
    # `error.message` repeats the top-level text: the SDK reads it from either place (DESIGN 2, 13).
    error: dict[str, str] = {"type": error_type, "code": code, "message": message}
    if param is not None:
        error["param"] = param
    return {"success": False, "message": message, "statusCode": status, "error": error}


def _bare(message: str, data: Any) -> Any:
    return data


def _bare_error(status: int, message: str, error_type: str, code: str, param: str | None) -> dict[str, Any]:
    error: dict[str, str] = {"type": error_type, "code": code, "message": message}
    if param is not None:
        error["param"] = param
    return {"error": error}


PUBLIC = Surface("public", _envelope, _envelope_error)
PLATFORM = Surface(
    "platform",
    _bare,
    _bare_error,
    type_for_status={404: "not_found_error", 429: "rate_limit_error"},
    anonymous_merchant_calls=False,
)
