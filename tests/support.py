"""Helpers shared by unit and integration tests: event files, handler invocation, responses."""

from __future__ import annotations

import base64
import copy
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from devstack.lambda_runtime import Handler, context_for, load_handler
from devstack.template import FunctionSpec, functions

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events"


def load_event(name: str) -> dict[str, Any]:
    """A copy of `events/<name>.json`, the same file `sam local invoke -e` takes."""
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    return copy.deepcopy(event)


def http_event(
    name: str,
    *,
    session_id: str | None = None,
    order_id: str | None = None,
    body: Any = ...,
    raw_body: bytes | str | None = None,
    content_type: str | None = "application/json",
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The named API Gateway v2.0 event with its path, body, query or headers replaced."""
    event = load_event(name)
    for key, value in (("id", session_id), ("id", order_id)):
        if value is not None:
            old = event["pathParameters"][key]
            event["pathParameters"][key] = value
            event["rawPath"] = event["rawPath"].replace(old, value)
            event["requestContext"]["http"]["path"] = event["rawPath"]
    if body is not ... or raw_body is not None:
        data = raw_body if raw_body is not None else json.dumps(body)
        event.pop("body", None)
        event["headers"].pop("content-type", None)
        if isinstance(data, bytes):
            event["body"] = base64.b64encode(data).decode()
            event["isBase64Encoded"] = True
        else:
            event["body"] = data
            event["isBase64Encoded"] = False
        if content_type is not None:
            event["headers"]["content-type"] = content_type
    if query is not None:
        event["queryStringParameters"] = query or None
        event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
        if not query:
            del event["queryStringParameters"]
    if headers:
        event["headers"].update({k.lower(): v for k, v in headers.items()})
    return event


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def data(self) -> Any:
        return self.body["data"]

    @property
    def error(self) -> dict[str, Any]:
        error: dict[str, Any] = self.body["error"]
        return error


@cache
def function_specs() -> dict[str, FunctionSpec]:
    specs = {spec.code_uri.name: spec for spec in functions()}
    return specs


_handlers: dict[str, Handler] = {}


def handler_for(function: str) -> Handler:
    """The real handler of `functions/<function>/app.py`, loaded once like a warm Lambda."""
    if function not in _handlers:
        _handlers[function] = load_handler(function_specs()[function])
    return _handlers[function]


def invoke(function: str, event: dict[str, Any]) -> Any:
    return handler_for(function)(event, context_for(function_specs()[function]))


def invoke_http(function: str, event: dict[str, Any]) -> ApiResponse:
    result = invoke(function, event)
    headers = {name.lower(): value for name, value in result.get("headers", {}).items()}
    return ApiResponse(result["statusCode"], json.loads(result["body"]), headers)


def signed_order_event(
    body: dict[str, Any] | bytes, secrets: list[str], timestamp: int | None = None, header: str | None = None
) -> dict[str, Any]:
    """`events/record_order_event.json` with a new body, signed now (or at `timestamp`)."""
    import time

    from checkout.signatures import signature_header

    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    event = http_event("record_order_event", raw_body=raw.decode(errors="replace"))
    event["body"] = raw.decode()
    when = int(time.time()) if timestamp is None else timestamp
    event["headers"]["checkout-signature"] = (
        header if header is not None else signature_header(secrets, when, raw)
    )
    return event
