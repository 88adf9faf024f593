"""API Gateway HTTP API payload v2.0: the event a request becomes, and the HTTP response a
function's result becomes."""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from devstack.specs import HttpRoute

_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/x-www-form-urlencoded")
# host[:port] where host is a DNS name, an IPv4 address or a bracketed IPv6 address.
_HOST = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(?::(\d{1,5}))?$")


def _is_text(content_type: str) -> bool:
    media_type = content_type.split(";")[0].strip().lower()
    return media_type.startswith(_TEXT_TYPES) or media_type.endswith(("+json", "+xml"))


def is_sane_host(value: str) -> bool:
    found = _HOST.match(value)
    return found is not None and (found.group(1) is None or int(found.group(1)) <= 65535)


def _domain_of(host: str) -> str:
    return host[: host.index("]") + 1] if host.startswith("[") else host.split(":", 1)[0]


def new_request_id() -> str:
    """An id shaped like API Gateway's `requestContext.requestId` (and its `apigw-requestid`)."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes[:12]).decode().rstrip("=") + "="


def new_trace_id() -> str:
    """An X-Ray trace header, as API Gateway adds one to every request."""
    return f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)}"


def build_event(
    route: HttpRoute,
    method: str,
    target: str,
    headers: list[tuple[str, str]],
    body: bytes,
    source_ip: str,
    path_parameters: dict[str, str],
    request_id: str | None = None,
    default_host: str = "127.0.0.1",
) -> dict[str, Any]:
    """An API Gateway HTTP API payload v2.0 event, as AWS would send it.

    API Gateway only forwards requests whose Host names the API, so the event's host and
    `domainName` are always sane: a malformed Host becomes `default_host` (which also gives the
    domain name of a request without one: HTTP/1.0).
    """
    parts = urlsplit(target)
    merged: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        key = name.lower()
        if key == "cookie":
            cookies += [cookie.strip() for cookie in value.split(";") if cookie.strip()]
            continue
        merged[key] = f"{merged[key]},{value}" if key in merged else value
    if "host" in merged and not is_sane_host(merged["host"]):
        merged["host"] = default_host
    domain = _domain_of(merged.get("host", default_host))
    query: dict[str, str] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": parts.path,
        "rawQueryString": parts.query,
        "headers": merged,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": domain,
            "domainPrefix": domain.split(".")[0],
            "http": {
                "method": method,
                "path": parts.path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": merged.get("user-agent", ""),
            },
            "requestId": request_id or new_request_id(),
            "routeKey": route.route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body:
        if _is_text(merged.get("content-type", "")):
            try:
                event["body"] = body.decode("utf-8")
            except UnicodeDecodeError:
                event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
        else:
            event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
    return event


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


_FRAMING_HEADERS = {"content-length", "connection", "transfer-encoding", "keep-alive"}


def response_from_result(result: Any) -> HttpResponse | None:
    """The response API Gateway makes of a function's payload v2.0 result, or None when the
    result is malformed (API Gateway then answers 500 itself)."""
    if not isinstance(result, dict) or "statusCode" not in result:
        # No statusCode: API Gateway takes the whole result as a JSON body with status 200.
        body = json.dumps(result, separators=(",", ":")).encode()
        return HttpResponse(200, [("content-type", "application/json")], body)
    try:
        status = int(result["statusCode"])
        raw = result.get("body") or ""
        if not isinstance(raw, str) or not 100 <= status <= 599:
            return None
        payload = base64.b64decode(raw, validate=True) if result.get("isBase64Encoded") else raw.encode()
        headers = [
            (str(name), str(value))
            for name, value in (result.get("headers") or {}).items()
            if str(name).lower() not in _FRAMING_HEADERS
        ]
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers += [(str(name), str(value)) for value in values]
        headers += [("set-cookie", str(cookie)) for cookie in result.get("cookies") or []]
    except (TypeError, ValueError, AttributeError, binascii.Error):
        return None
    return HttpResponse(status, headers, payload)
