"""Builds the OpenAPI 3.1 document from the operations, the models and the error table."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from apidoc.operations import OPERATIONS, Link, Operation, Query
from apidoc.traits import HandlerTraits, handler_traits
from checkout.domain import errors
from checkout.domain.access import Permission
from checkout.requests.fields import JSON_VALUE_MARK
from checkout.web import errors as web_errors
from checkout.web.errors import HttpError, RouteNotFound, http_error_for
from checkout.web.idempotency import REPLAYED
from checkout.web.request import MAX_BODY_BYTES
from checkout.web.surfaces import PLATFORM, Surface

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT_PATH = ROOT / "layers" / "checkout" / "checkout" / "web" / "apidocs" / "openapi.json"
SCHEMAS = "#/components/schemas/"
SECURITY = "apiKey"
JSON = "application/json"
HTML = "text/html; charset=utf-8"

BODY_ERRORS = (
    web_errors.MalformedJson,
    web_errors.BodyNotObject,
    web_errors.BodyTooLarge,
    web_errors.UnsupportedMediaType,
    errors.InvalidParameter,
    errors.UnknownParameter,
    errors.MissingParameter,
)
IDEMPOTENCY_ERRORS = (
    web_errors.InvalidIdempotencyKey,
    web_errors.IdempotencyKeyReused,
    web_errors.IdempotencyKeyInProgress,
)
# Every endpoint on the JSON API reads or writes the store (a 503 when it is out of reach), and
# any bug is a 500 in the surface's shape.
ALWAYS = (errors.StorageUnavailable,)

REQUEST_ID = {
    "description": "API Gateway's request id, also in the logs",
    "required": True,
    "schema": {"type": "string", "minLength": 1},
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Makes a retry safe: the first response to this key (and the same body) is kept for"
    " 24 hours and replayed, with `Idempotent-Replayed: true`, and nothing runs again. The same key"
    " with another body is a 400 `idempotency_key_reused`; while the first request runs, a 409"
    " `idempotency_key_in_progress`. Only 2xx answers are kept. Keys are scoped by merchant (a buyer"
    " without a key: the session the body names), method and path.",
    "schema": {"type": "string", "pattern": "^[\\x21-\\x7e](?:[\\x20-\\x7e]{0,253}[\\x21-\\x7e])?$"},
    "example": "4f1d2c3b-5a6e-4f70-8a91-b2c3d4e5f607",
}
SIGNATURE = {
    "name": "Checkout-Signature",
    "in": "header",
    "required": True,
    "description": '`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`: several `v1=` are'
    " allowed during a secret rotation; a timestamp more than 300 s away is refused.",
    "schema": {"type": "string", "pattern": "^t=[0-9]{1,12}(?:,v1=[0-9a-f]{64})+$"},
}
JSON_VALUE_SCHEMA = {
    "description": "Any JSON value the store keeps exactly (see the free-form objects that hold it).",
    "anyOf": [
        {"type": "string"},
        {"type": "boolean"},
        {"type": "null"},
        {"type": "integer", "minimum": -(10**37), "maximum": 10**37},
        {
            "type": "number",
            "anyOf": [
                # The API's magnitudes (domain/free_form.py): from 1e-130 to below 10^126. The
                # bound is an integer: a validator that keeps integers exact (Python's jsonschema,
                # tests/template) admits every accepted number; one that reads numbers as doubles
                # rounds the largest 38-digit ones onto the bound itself (the fuzz sends `1e+126`,
                # which the API refuses too).
                {"minimum": 1e-130, "exclusiveMaximum": 10**126},
                {"exclusiveMinimum": -(10**126), "maximum": -1e-130},
                {"const": 0},
            ],
        },
        {"type": "array", "items": {"$ref": f"{SCHEMAS}JsonValue"}},
        {
            "type": "object",
            "propertyNames": {"minLength": 1},
            "additionalProperties": {"$ref": f"{SCHEMAS}JsonValue"},
        },
    ],
}


def build() -> dict[str, Any]:
    """The whole document: deterministic, so the committed copy can be compared byte for byte."""
    models, schemas = _model_schemas()
    components: dict[str, Any] = {
        "schemas": {**schemas, **_error_schemas(), "JsonValue": JSON_VALUE_SCHEMA},
        "securitySchemes": {
            SECURITY: {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "csk_live_… (csk_test_… on the local stack)",
                "description": "A merchant's API key: `Authorization: Bearer <key>`. Its permission includes"
                " the ones before it: `read` (GETs and lists) < `write` (creating and expiring sessions,"
                " standalone orders) < `admin`. An operation's requirement names the permission it needs."
                " No key, or a malformed, unknown or revoked one where a key is needed, is a 401; a key"
                " without the permission, a 403. Another merchant's session or order does not exist for"
                " a key (404).",
            }
        },
    }
    paths: dict[str, Any] = {}
    for operation in OPERATIONS:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(operation, models)
    document: dict[str, Any] = _resolved(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "Checkout sessions",
                "version": "1",
                "description": _INFO,
            },
            "servers": [{"url": "/", "description": "the API's own origin"}],
            "tags": [{"name": name} for name in dict.fromkeys(op.tag for op in OPERATIONS)],
            "paths": paths,
            "components": components,
        }
    )
    return document


_INFO = (
    "Checkout sessions, wire-compatible with the AnySpend checkout-session REST API, on two surfaces"
    " over one store.\n\n"
    "**Public** (`/checkout-sessions`, `/orders`, `/order-events`): every answer is one envelope,"
    ' `{"success": true, "message", "data", "statusCode": 200}` or `{"success": false, "message",'
    ' "statusCode", "error": {"type", "code", "message", "param"}}`.\n\n'
    "**Platform** (`/api/v1`, for the published SDK's `AnySpendPlatformClient`): the bare object on"
    ' success, `{"error": {"type", "code", "message", "param"}}` on failure; always needs a key.\n\n'
    "Every answer carries `X-Request-Id`. Every `POST` takes an optional `Idempotency-Key`. Request"
    f" bodies are JSON (`Content-Type: application/json`, else 415) of at most {MAX_BODY_BYTES} bytes"
    " (else 413); unknown fields are a 400. A local stack in `AUTH_MODE=open` lets anonymous merchant"
    " calls of the public surface act for its built-in merchant; a deployed one requires the key."
)


# --- schemas ------------------------------------------------------------------------------------
def _model_schemas() -> tuple[dict[tuple[Any, str], Any], dict[str, Any]]:
    """Every request model (validation) and view (serialization), as components."""
    wanted: dict[tuple[type[BaseModel], Literal["validation", "serialization"]], None] = {}
    for operation in OPERATIONS:
        if operation.body is not None:
            wanted[(operation.body, "validation")] = None
        if operation.response is not None:
            wanted[(operation.response, "serialization")] = None
    refs, top = models_json_schema(list(wanted), by_alias=True, ref_template=SCHEMAS + "{model}")
    by_model = {(model, str(mode)): schema for (model, mode), schema in refs.items()}
    return by_model, {name: _tidy(schema) for name, schema in top.get("$defs", {}).items()}


def _tidy(schema: Any) -> Any:
    """Drops pydantic's generated titles and the models' docstrings (they speak to this code's
    readers, not the API's): descriptions come from the fields' own schemas and the operations."""
    if isinstance(schema, dict):
        tidied = {key: _tidy(value) for key, value in schema.items() if key != "title"}
        if "properties" in tidied and isinstance(tidied["properties"], dict):
            tidied.pop("description", None)
        return tidied
    if isinstance(schema, list):
        return [_tidy(item) for item in schema]
    return schema


def _resolved(document: Any) -> Any:
    """Puts the reference to the free-form value component where a request model marked it."""
    if isinstance(document, dict):
        if document.get(JSON_VALUE_MARK) is True:
            return {"$ref": f"{SCHEMAS}JsonValue"}
        return {key: _resolved(value) for key, value in document.items()}
    if isinstance(document, list):
        return [_resolved(item) for item in document]
    return document


def _error_object(types: Iterable[str], codes: Iterable[str] | None = None) -> dict[str, Any]:
    code: dict[str, Any] = {"type": "string"}
    if codes is not None:
        code["enum"] = sorted(set(codes))
    return {
        "type": "object",
        "required": ["type", "code", "message"],
        "properties": {
            "type": {"type": "string", "enum": sorted(set(types))},
            "code": code,
            "message": {"type": "string", "description": "the same text as the envelope's `message`"},
            "param": {"type": "string", "description": "the field at fault: `metadata.k`, `payload.items.0`"},
        },
    }


def _error_schemas() -> dict[str, Any]:
    return {
        "PublicError": {
            "type": "object",
            "description": "The public surface's error envelope.",
            "required": ["success", "message", "statusCode", "error"],
            "properties": {
                "success": {"const": False},
                "message": {"type": "string"},
                "statusCode": {"type": "integer"},
                "error": {"$ref": f"{SCHEMAS}ErrorObject"},
            },
        },
        "PlatformError": {
            "type": "object",
            "description": "The platform surface's error: the published SDK's `parseApiError` reads it.",
            "required": ["error"],
            "properties": {"error": {"$ref": f"{SCHEMAS}ErrorObject"}},
        },
        "ErrorObject": _error_object(_all_error_types()),
    }


def _all_error_types() -> set[str]:
    return {
        *(http.type for http in web_errors.ERROR_TABLE.values()),
        *PLATFORM.type_for_status.values(),
        web_errors.INTERNAL.type,
    }


# --- operations ---------------------------------------------------------------------------------
def _operation(operation: Operation, models: dict[tuple[Any, str], Any]) -> dict[str, Any]:
    traits = handler_traits(operation.function)
    spec: dict[str, Any] = {
        "operationId": operation.operation_id,
        "tags": [operation.tag],
        "summary": operation.summary,
    }
    if operation.description:
        spec["description"] = operation.description
    spec["security"] = _security(traits)
    parameters = [*_path_parameters(operation), *_query_parameters(operation), *operation.extra_headers]
    if operation.method == "POST":
        parameters.append(IDEMPOTENCY_KEY)
    if traits.signed:
        if operation.example_omits:  # the example's signature is of the whole body
            raise ValueError(
                f"{operation.route}: a signed example cannot leave out {operation.example_omits}"
            )
        parameters.append(_with_example(SIGNATURE, operation))
    if parameters:
        spec["parameters"] = parameters
    if operation.body is not None:
        spec["requestBody"] = _request_body(operation, models)
    spec["responses"] = (
        _page_responses(operation) if traits.page else _api_responses(operation, traits, models)
    )
    return spec


def _security(traits: HandlerTraits) -> list[dict[str, list[str]]]:
    if traits.needs is not None:
        return [{SECURITY: [traits.needs.value]}]
    if traits.api_keys:  # the buyer's call: a key is optional and, when sent, scopes what it sees
        return [{}, {SECURITY: [Permission.READ.value]}]
    return []


PATH_PARAMETERS = {
    "file": {"description": "a file name", "example": "pay.css"},
    "delivery_id": {
        "description": "a delivery's id (`dlv_…`, as the deliveries list shows it); anything else is a 404",
        "example": "dlv_1764000000000a1b2c3d4e5f6",
    },
}


def _path_parameters(operation: Operation) -> list[dict[str, Any]]:
    names = [part[1:-1] for part in operation.path.split("/") if part.startswith("{")]
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "minLength": 1},
            **PATH_PARAMETERS.get(name, {"description": _id_description(operation.path)}),
        }
        for name in names
    ]


def _id_description(path: str) -> str:
    if path.startswith("/api/v1/webhooks/"):
        return "the webhook's id (`wh_` and 24 hex digits); anything else is a 404"
    owner = "order" if path.startswith("/orders/") else "session"
    return f"the {owner}'s id (a UUID v4); anything else is a 404"


def _query_parameters(operation: Operation) -> list[dict[str, Any]]:
    query = operation.query
    if isinstance(query, tuple):
        queries = list(query)
    else:
        schema = _tidy(query.model_json_schema(by_alias=True, ref_template=SCHEMAS + "{model}"))
        definitions = schema.get("$defs", {})
        queries = [
            Query(name, _inline(_not_null(prop), definitions)) for name, prop in schema["properties"].items()
        ]
    return [
        {
            "name": q.name,
            "in": "query",
            "required": False,
            "schema": q.schema,
            **({"description": q.description} if q.description else {}),
        }
        for q in queries
    ]


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent or text: `X | None` is just X."""
    options = schema.get("anyOf")
    if options and {"type": "null"} in options:
        rest = [option for option in options if option != {"type": "null"}]
        schema = {key: value for key, value in schema.items() if key not in ("anyOf", "default")}
        return {**rest[0], **schema} if len(rest) == 1 else {**schema, "anyOf": rest}
    return {key: value for key, value in schema.items() if key != "default"}


def _inline(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(SCHEMAS):
        return {**definitions[ref.removeprefix(SCHEMAS)], **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _request_body(operation: Operation, models: dict[tuple[Any, str], Any]) -> dict[str, Any]:
    assert operation.body is not None
    content: dict[str, Any] = {"schema": models[(operation.body, "validation")]}
    if operation.example:
        body = _example_body(operation.example)
        content["example"] = {key: value for key, value in body.items() if key not in operation.example_omits}
    required = _refuses_an_empty_body(operation.body)
    return {
        "required": required,
        "description": "JSON" if required else "JSON; an empty body counts as `{}`.",
        "content": {JSON: content},
    }


def _refuses_an_empty_body(model: type[BaseModel]) -> bool:
    """Whether the API answers a missing body (which counts as `{}`) with a 400: the model says so
    itself, required fields or a rule across them (an update that changes nothing)."""
    try:
        model.model_validate({})
    except ValidationError:
        return True
    return False


def _example_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((ROOT / "events" / f"{name}.json").read_text())
    return event


def _example_body(name: str) -> Any:
    return json.loads(_example_event(name)["body"])


def _with_example(parameter: dict[str, Any], operation: Operation) -> dict[str, Any]:
    if operation.example is None:
        return parameter
    header = _example_event(operation.example)["headers"].get(parameter["name"].lower())
    return {**parameter, "example": header} if header else parameter


def _errors(operation: Operation, traits: HandlerTraits) -> list[type[errors.CheckoutError]]:
    raised: list[type[errors.CheckoutError]] = [*operation.raises, *ALWAYS]
    if traits.api_keys:
        raised.append(web_errors.InvalidApiKey)
    if traits.needs is not None:
        raised += [errors.AuthenticationRequired, errors.PermissionDenied]
    if traits.signed:
        raised.append(web_errors.InvalidSignature)
    if operation.body is not None:
        raised += BODY_ERRORS
    if operation.method in ("GET", "DELETE"):
        raised.append(errors.InvalidParameter)  # unknown query parameters and values are refused
        if not isinstance(operation.query, tuple):
            raised.append(errors.UnknownParameter)  # a query model names the unknown one
    if operation.method == "POST":
        raised += IDEMPOTENCY_ERRORS
    return raised


def _api_responses(
    operation: Operation, traits: HandlerTraits, models: dict[tuple[Any, str], Any]
) -> dict[str, Any]:
    headers: dict[str, Any] = {"X-Request-Id": REQUEST_ID}
    ok_headers = dict(headers)
    if operation.method == "POST":
        ok_headers[REPLAYED] = {
            "description": "`true` on the replay of a kept response",
            "required": False,
            "schema": {"type": "string", "enum": ["true"]},
        }
    assert operation.response is not None
    data = models[(operation.response, "serialization")]
    if operation.list_of:
        data = _list_of(data)
    responses: dict[str, Any] = {
        "200": {
            "description": operation.summary,
            "headers": ok_headers,
            "content": {JSON: {"schema": _success(traits.surface, data, operation.message)}},
        }
    }
    if operation.links:
        responses["200"]["links"] = {link.name: _link(link) for link in operation.links}
    by_status: dict[int, list[HttpError]] = {}
    for exc in _errors(operation, traits):
        http = http_error_for(exc(""))
        by_status.setdefault(http.status, []).append(http)
    by_status.setdefault(web_errors.INTERNAL.status, []).append(web_errors.INTERNAL)
    for status, https in sorted(by_status.items()):
        codes = sorted({http.code for http in https})
        types = sorted({traits.surface.type_for_status.get(status, http.type) for http in https})
        responses[str(status)] = {
            "description": ", ".join(f"`{code}`" for code in codes),
            "headers": headers,
            "content": {JSON: {"schema": _error_body(traits.surface, status, types, codes)}},
        }
    return responses


def _link(link: Link) -> dict[str, Any]:
    spec: dict[str, Any] = {"operationId": link.operation_id}
    if link.parameters:
        spec["parameters"] = link.parameters
    if link.body is not None:
        spec["requestBody"] = link.body
    return spec


def _success(surface: Surface, data: dict[str, Any], message: str) -> dict[str, Any]:
    if surface is PLATFORM:
        return data
    return {
        "type": "object",
        "required": ["success", "message", "data", "statusCode"],
        "properties": {
            "success": {"const": True},
            "message": {"type": "string", "examples": [message]},
            "data": data,
            "statusCode": {"const": 200},
        },
    }


def _list_of(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["object", "data", "has_more", "total_count", "url"],
        "properties": {
            "object": {"const": "list"},
            "data": {"type": "array", "items": item},
            "has_more": {"type": "boolean"},
            "total_count": {"type": "integer", "minimum": 0},
            "url": {"type": "string"},
        },
    }


def _error_body(surface: Surface, status: int, types: list[str], codes: list[str]) -> dict[str, Any]:
    error = _error_object(types, codes)
    if surface is PLATFORM:
        return {"allOf": [{"$ref": f"{SCHEMAS}PlatformError"}], "properties": {"error": error}}
    return {
        "allOf": [{"$ref": f"{SCHEMAS}PublicError"}],
        "properties": {"statusCode": {"const": status}, "error": error},
    }


SECURITY_HEADERS = {
    "Content-Security-Policy": {
        "description": "`default-src 'self'` and stricter: no inline code, no third party",
        "required": True,
        "schema": {"type": "string", "pattern": "default-src 'self'|default-src 'none'"},
    },
    "X-Content-Type-Options": {"required": True, "schema": {"const": "nosniff"}},
    "X-Request-Id": REQUEST_ID,
}


def _page_responses(operation: Operation) -> dict[str, Any]:
    html = {HTML: {"schema": {"type": "string"}}}
    ok: dict[str, Any]
    if operation.content == "openapi":
        ok = {JSON: {"schema": {"type": "object", "required": ["openapi", "paths"]}}}
    elif operation.content == "asset":
        ok = {
            "text/javascript; charset=utf-8": {"schema": {"type": "string"}},
            "text/css; charset=utf-8": {"schema": {"type": "string"}},
            "image/svg+xml": {"schema": {"type": "string"}},
        }
    else:
        ok = html
    responses: dict[str, Any] = {
        "200": {"description": operation.summary, "headers": SECURITY_HEADERS, "content": ok}
    }
    if operation.content == "asset":
        responses["304"] = {
            "description": "not modified (`If-None-Match` names the current file)",
            "headers": SECURITY_HEADERS,
        }
    if operation.raises:
        responses["404"] = {"description": "the not-found page", "headers": SECURITY_HEADERS, "content": html}
    responses["500"] = {"description": "the error page", "headers": SECURITY_HEADERS, "content": html}
    if any(raised is not RouteNotFound for raised in operation.raises):  # it reads the store
        responses["503"] = {
            "description": "the error page (the store is out of reach; retry)",
            "headers": SECURITY_HEADERS,
            "content": html,
        }
    return responses


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write(path: Path = DOCUMENT_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(build()))
    return path
