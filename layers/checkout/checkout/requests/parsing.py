"""Validates a decoded body into a request model; each failure becomes one clear parameter error.

Validators state a problem relative to their field (`problem("must be a UUID")`); the message
names the field by its wire name (`checkoutSessionId must be a UUID`), so one rule serves every
field it is attached to, whatever the surface's casing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError, ValidationInfo
from pydantic_core import ErrorDetails, PydanticCustomError

from checkout.config import Settings
from checkout.domain.errors import (
    CheckoutError,
    InvalidParameter,
    MissingParameter,
    UnknownParameter,
    UnsupportedParameter,
)

ModelT = TypeVar("ModelT", bound=BaseModel)

FIELD_PROBLEM = "field_problem"
UNSUPPORTED = "parameter_unsupported"
FIELD_PROBLEM_AT = "field_problem_at"  # inside a free-form value: the message names the inner path
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


def problem(text: str) -> PydanticCustomError:
    """A validation failure worded after the field's name: `problem("must be a UUID")`."""
    return PydanticCustomError(FIELD_PROBLEM, text)


def problem_with(param: str, text: str) -> PydanticCustomError:
    """A failure found across fields (a model validator), named after the field that must change."""
    return PydanticCustomError(FIELD_PROBLEM, text, {"param": param})


def unsupported(text: str) -> PydanticCustomError:
    """A field the contract names but this service does not offer: `unsupported("is not supported")`."""
    return PydanticCustomError(UNSUPPORTED, text)


def problem_at(path: str, text: str) -> PydanticCustomError:
    """A failure at `path` inside the field's value: `problem_at("items.0", "must be …")`."""
    return PydanticCustomError(FIELD_PROBLEM_AT, "{text}", {"path": path, "text": text})


def parse_model(model: type[ModelT], data: Mapping[str, Any], settings: Settings) -> ModelT:
    try:
        return model.model_validate(data, context={"settings": settings})
    except ValidationError as exc:
        raise _domain_error(exc.errors()[0]) from None


def settings_from(info: ValidationInfo) -> Settings:
    """The settings a validator needs (bounds, allowed hosts, chains), passed as context."""
    settings = (info.context or {}).get("settings")
    if not isinstance(settings, Settings):
        raise RuntimeError("validation needs the settings in its context")
    return settings


def _param(error: ErrorDetails) -> str:
    named = error.get("ctx", {}).get("param")
    if named:
        return str(named)
    return ".".join(str(part) for part in error["loc"]) if error["loc"] else "body"


def _domain_error(error: ErrorDetails) -> CheckoutError:
    param = _param(error)
    kind = error["type"]
    if kind == FIELD_PROBLEM:
        return InvalidParameter(f"{param} {error['msg']}", param=param)
    if kind == UNSUPPORTED:
        return UnsupportedParameter(f"{param} {error['msg']}", param=param)
    if kind == FIELD_PROBLEM_AT:
        context = error.get("ctx", {})
        inner = f"{param}.{context['path']}" if context.get("path") else param
        return InvalidParameter(f"{inner} {context['text']}", param=inner)
    if kind == "extra_forbidden":
        return UnknownParameter(f"Unknown parameter: {param}", param=param)
    if kind == "missing":
        return MissingParameter(f"{param} is required", param=param)
    if kind in _TYPE_NAMES:
        return InvalidParameter(f"{param} must be {_TYPE_NAMES[kind]}", param=param)
    if kind == "value_error":
        reason = error.get("ctx", {}).get("error")
        return InvalidParameter(str(reason) if reason else f"{param} is invalid", param=param)
    message = error.get("msg", "")
    if message.startswith("Input should be "):  # pydantic's own wording: bounds, enums
        return InvalidParameter(f"{param} must be {message.removeprefix('Input should be ')}", param=param)
    return InvalidParameter(f"{param} is invalid", param=param)
