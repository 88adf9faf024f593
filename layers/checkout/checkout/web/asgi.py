"""The little of ASGI the functions use under Mangum: one HTTP request in, one response out.

Starlette's `Request` and `Response` did this, and brought anyio, `http.client` and their
concurrency helpers onto every cold path (~10 ms, docs/decisions.md, Cold start) for a request
that Mangum hands over whole. These read the scope as Starlette did (headers: the first of a
repeated name; query: the last of a repeated parameter, blanks kept; the path as Starlette's URL
gave it) and answer with the same headers (`content-length` unless 1xx/204/304, `content-type`
with a charset for text).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case
    body: bytes
    event: dict[str, Any]  # the Lambda event Mangum translated
    context: Any  # the Lambda context


async def read_request(scope: Scope, receive: Receive) -> HttpRequest:
    headers: dict[str, str] = {}
    for name, value in scope["headers"]:
        headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":  # a disconnect: Mangum never sends one
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return HttpRequest(
        method=scope["method"],
        path=_path(scope["path"]),
        query=dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)),
        headers=headers,
        body=b"".join(chunks),
        event=scope.get("aws.event") or {},
        context=scope.get("aws.context"),
    )


def _path(path: str) -> str:
    """As Starlette's `request.url.path`: `?`, `#` and `\\` escaped, tabs and line breaks dropped
    (the URL parser does; a decoded `%0A` in an id goes)."""
    escaped = path.replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
    return urlsplit("http://host" + escaped).path


async def send_response(
    send: Send, status: int, body: bytes | str, content_type: str, headers: Mapping[str, str]
) -> None:
    content = body.encode() if isinstance(body, str) else body
    raw = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]
    names = {name for name, _ in raw}
    if b"content-length" not in names and not (status < 200 or status in (204, 304)):
        raw.append((b"content-length", str(len(content)).encode("latin-1")))
    if b"content-type" not in names:
        if content_type.startswith("text/") and "charset=" not in content_type.lower():
            content_type += "; charset=utf-8"
        raw.append((b"content-type", content_type.encode("latin-1")))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": content})
