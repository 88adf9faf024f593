"""Turns pydantic validation failures into the domain's parameter errors, one clear message each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError, ValidationInfo
from pydantic_core import ErrorDetails

from checkout.config import Settings
from checkout.errors import CheckoutError, InvalidParameter, MissingParameter, UnknownParameter

ModelT = TypeVar("ModelT", bound=BaseModel)

_TYPE_NAMES = {
    "int_type": "an integer",
    "int_from_float": "an integer",
    "int_parsing": "an integer",
    "string_type": "a string",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "bool_type": "a boolean",
    "list_type": "a list",
}


def parse_model(
    model: type[ModelT], data: Mapping[str, Any], context: Mapping[str, Any] | None = None
) -> ModelT:
    try:
        return model.model_validate(data, context=dict(context or {}))
    except ValidationError as exc:
        raise _domain_error(exc.errors()[0]) from None


def settings_from(info: ValidationInfo) -> Settings:
    """The settings a validator needs (bounds, allowed hosts, chains), passed as context."""
    settings = (info.context or {}).get("settings")
    if not isinstance(settings, Settings):
        raise RuntimeError("validation needs the settings in its context")
    return settings


def _param(error: ErrorDetails) -> str:
    return ".".join(str(part) for part in error["loc"]) or "body"


def _domain_error(error: ErrorDetails) -> CheckoutError:
    param = _param(error)
    kind = error["type"]
    if kind == "extra_forbidden":
        return UnknownParameter(f"Unknown parameter: {param}", param=param)
    if kind == "missing":
        return MissingParameter(f"{param} is required", param=param)
    if kind in _TYPE_NAMES:
        return InvalidParameter(f"{param} must be {_TYPE_NAMES[kind]}", param=param)
    if kind == "value_error":
        reason = error.get("ctx", {}).get("error")
        return InvalidParameter(str(reason) if reason else f"{param} is invalid", param=param)
    return InvalidParameter(f"{param} is invalid", param=param)
