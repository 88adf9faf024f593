"""What a handler needs from an API Gateway HTTP API request, parsed strictly."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar

from pydantic import BaseModel

from checkout.config import get_settings
from checkout.domain.access import Caller
from checkout.domain.errors import InvalidParameter
from checkout.domain.free_form import has_lone_surrogate
from checkout.requests.parsing import parse_model
from checkout.web.errors import BodyNotObject, BodyTooLarge, MalformedJson, UnsupportedMediaType

MAX_BODY_BYTES = 64 * 1024
ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class ApiRequest:
    method: str
    path: str
    path_parameters: dict[str, str]
    query: dict[str, str]  # a repeated name: its last value (`query_parameters` refuses it)
    headers: dict[str, str]  # lower-cased names
    body: bytes
    request_id: str
    caller: Caller = field(default_factory=Caller.anonymous)
    base_url: str = ""  # where buyers reach this API: https://<domain>, no trailing slash
    repeated_query: frozenset[str] = frozenset()  # query names given more than once

    def path_parameter(self, name: str) -> str:
        return self.path_parameters.get(name, "")

    def parsed(self, model: type[ModelT]) -> ModelT:
        """The body validated into `model`; every failure is a 4xx naming what is wrong."""
        return parse_model(model, self.json_object(), get_settings())

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object; an empty body is `{}`. Each failure has its own 4xx. Read
        once per request: a guard (a standalone order's permission) and the endpoint share it."""
        return self._json_object

    @cached_property
    def _json_object(self) -> dict[str, Any]:
        if len(self.body) > MAX_BODY_BYTES:
            raise BodyTooLarge(f"Request body must be at most {MAX_BODY_BYTES} bytes")
        if not self.body.strip():
            return {}
        media_type = self.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise UnsupportedMediaType("Content-Type must be application/json")
        try:
            data = parse_json(self.body)
        except (ValueError, RecursionError):
            raise MalformedJson("Request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise BodyNotObject("Request body must be a JSON object")
        _refuse_lone_surrogates(data)
        return data

    def query_parameters(self) -> dict[str, str]:
        """The query, for an endpoint that reads it: a name given twice is a 400, as which value
        the caller meant would be a guess. (An endpoint that reads no query ignores it.)"""
        self._refuse_repeated_names()
        return self.query

    def only_query(self, allowed: dict[str, frozenset[str]]) -> None:
        """Rejects query parameters, or values, the endpoint does not define, and any given twice."""
        for name, value in self.query.items():
            if name not in allowed:
                raise InvalidParameter(f"Unknown query parameter: {name}", param=name)
            if value not in allowed[name]:
                raise InvalidParameter(
                    f"{name} must be one of: {', '.join(sorted(allowed[name]))}", param=name
                )
        self._refuse_repeated_names()

    def _refuse_repeated_names(self) -> None:
        if self.repeated_query:
            name = min(self.repeated_query)
            raise InvalidParameter(f"Query parameter {name} must be given once", param=name)


def _refuse_lone_surrogates(body: dict[str, Any]) -> None:
    """A `\\ud800`-style escape without its pair decodes to a string no UTF-8 (so no store, log or
    client) can carry: refused alike in keys, values and URLs, naming where, before any rule runs."""
    pending: list[tuple[str, Any]] = [("", body)]
    while pending:  # iterative: bodies may nest as deep as the JSON parser allows
        path, value = pending.pop()
        if isinstance(value, str):
            if has_lone_surrogate(value):
                raise InvalidParameter(f"{path} must not contain a lone surrogate", param=path)
        elif isinstance(value, dict):
            for key, item in value.items():
                if has_lone_surrogate(key):
                    where = path or "body"
                    raise InvalidParameter(f"{where} must not have a key with a lone surrogate", param=where)
                pending.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            pending += [(f"{path}.{index}", item) for index, item in enumerate(value)]


def parse_json(text: bytes | str) -> Any:
    """JSON as the API reads it: UTF-8 (RFC 8259; a leading BOM is ignored), and a duplicate key or
    `NaN` is not JSON (ValueError). Decimal, not float: a free-form number is kept exactly as sent
    (`12.5`, 38 digits), and `1e400` stays a finite value that the field's rule can refuse by name;
    so does an integer longer than Python reads by default (4,300 digits), which is valid JSON."""
    return json.loads(
        # Decoded here: given bytes, `json.loads` would guess UTF-16 or UTF-32 from their shape.
        text.decode("utf-8-sig") if isinstance(text, bytes) else text,
        object_pairs_hook=_no_duplicate_keys,
        parse_constant=_no_constants,
        parse_float=Decimal,
        parse_int=_integer,
    )


def _integer(text: str) -> int | Decimal:
    try:
        return int(text)
    except ValueError:  # over `sys.get_int_max_str_digits()`
        return Decimal(text)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
