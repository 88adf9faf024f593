"""The AnySpend response envelope, for success and error alike (DESIGN 2)."""

from __future__ import annotations

from typing import Any


def success_body(message: str, data: Any) -> dict[str, Any]:
    return {"success": True, "message": message, "data": data, "statusCode": 200}


def error_body(status: int, message: str, error_type: str, code: str, param: str | None) -> dict[str, Any]:
    # `error.message` repeats the top-level text: the SDK reads it from either place.
    error: dict[str, str] = {"type": error_type, "code": code, "message": message}
    if param is not None:
        error["param"] = param
    return {"success": False, "message": message, "statusCode": status, "error": error}
