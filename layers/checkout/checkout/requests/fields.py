"""Field rules shared by several requests, each one `Annotated` type."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, ValidationInfo, WithJsonSchema

from checkout.config import DEFAULT_CHAINS
from checkout.domain.free_form import NotStorable, storable
from checkout.domain.ids import is_uuid4
from checkout.requests.parsing import problem, problem_at, settings_from, unsupported

_IDENTIFIER = re.compile(r"[A-Za-z0-9_-]{1,255}", re.ASCII)


def _identifier(value: str) -> str:
    if not _IDENTIFIER.fullmatch(value):
        raise problem("must be 1-255 characters of letters, digits, '_' or '-'")
    return value


def _uuid(value: str) -> str:
    if not is_uuid4(value):
        raise problem("must be a UUID")
    return value.lower()


def _supported_chain(value: int, info: ValidationInfo) -> int:
    if value not in settings_from(info).supported_chains:
        raise problem(f"{value} is not a supported chain")
    return value


Identifier = Annotated[
    str,
    AfterValidator(_identifier),
    WithJsonSchema({"type": "string", "pattern": "^[A-Za-z0-9_-]{1,255}$"}),
]
"""A caller's reference (`client_reference_id`, `partnerId`, an event id): 1-255 of `[A-Za-z0-9_-]`."""

UUID4_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$"
Uuid = Annotated[
    str,
    AfterValidator(_uuid),
    WithJsonSchema({"type": "string", "format": "uuid", "pattern": UUID4_PATTERN}),
]
"""A UUID v4, stored lower-case."""

ChainId = Annotated[
    int,
    AfterValidator(_supported_chain),
    WithJsonSchema(
        {
            "type": "integer",
            "enum": sorted(DEFAULT_CHAINS),
            "description": "A supported chain id (the deployment's SUPPORTED_CHAINS; these by default).",
        }
    ),
]
"""A chain id from the configured list of supported chains."""


def _storable_json(value: dict[str, Any]) -> dict[str, Any]:
    try:
        return storable(value)
    except NotStorable as refused:
        raise problem_at(refused.path, refused.text) from None


# Stands for the schema of any free-form value, a recursive component that the OpenAPI document
# defines once (pydantic resolves only its own `$ref`s, so the document puts the reference here).
JSON_VALUE_MARK = "x-free-form-value"
FREE_FORM_OBJECT: dict[str, Any] = {
    "type": "object",
    "propertyNames": {"minLength": 1},
    "additionalProperties": {JSON_VALUE_MARK: True},
    "description": "Free-form JSON, kept exactly as sent within the store's limits: non-empty keys,"
    " numbers of at most 38 significant digits (zero or of magnitude 1e-130 to below 1e126),"
    " at most 31 objects or arrays nested.",
}
JsonObject = Annotated[dict[str, Any], AfterValidator(_storable_json), WithJsonSchema(FREE_FORM_OBJECT)]
"""A free-form JSON object kept exactly as sent (numbers as decimals), within what the store can
hold (`checkout.domain.free_form`); anything else is a 400 naming the path inside the field."""


def _text_or_storable_json(value: Any) -> str | dict[str, Any]:
    # One validator rather than a `str | JsonObject` union, whose errors would name the union's
    # branches (`errorDetails.str`) instead of the path inside the object.
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _storable_json(value)
    raise problem("must be a string or an object")


TextOrJsonObject = Annotated[
    Any,
    AfterValidator(_text_or_storable_json),
    WithJsonSchema({"anyOf": [{"type": "string"}, FREE_FORM_OBJECT]}),
]
"""A message, or a free-form JSON object under `JsonObject`'s rule."""


def _never(value: object) -> object:
    raise unsupported("is not supported: this service has no payment links or products")


Unsupported = Annotated[
    object,
    AfterValidator(_never),
    WithJsonSchema(
        {"not": {}, "description": "Not supported: this service has no payment links or products."}
    ),
]
"""A field of the platform's that this service has no use for (`payment_link_id`, `product_id`):
any value is a 400 `parameter_unsupported`."""
