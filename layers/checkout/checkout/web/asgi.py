"""The little of ASGI the functions use under Mangum: one HTTP request in, one response out,
and the Mangum adapter that turns such an app into a Lambda handler.

Starlette's `Request` and `Response` did this, and brought anyio, `http.client` and their
concurrency helpers onto every cold path (~10 ms, docs/decisions.md, Cold start) for a request
that Mangum hands over whole. These read the scope as Starlette did (headers: the first of a
repeated name; query: the last of a repeated parameter, blanks kept, with the repeated names told
apart for the API to refuse; the path as Starlette's URL gave it) and answer with the same
headers (`content-length` unless 1xx/204/304, `content-type` with a charset for text).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Mapping, MutableMapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from mangum import Mangum
from mangum.handlers import HTTPGateway
from mangum.protocols import HTTPCycle
from mangum.types import ASGI, LambdaContext, LambdaEvent, Response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def lambda_adapter(app: ASGI) -> Mangum:
    """`app` as a Lambda handler: Mangum, no lifespan (the init phase does the setting up), its
    HTTP API event handler building each request's scope once, not twice, and each request's ASGI
    cycle run inline rather than on an event loop."""
    return _InlineMangum(app)


class _InlineMangum(Mangum):
    """Mangum without lifespan, running each request's cycle inline (`_InlineCycle`).

    The functions' apps never suspend: a Lambda serves one request at a time, so the endpoints
    block on their storage calls (docs/decisions.md, Warm requests), and Mangum's request queue
    always holds the message the app reads. An event loop would only schedule a task, poll its
    selector twice and track the running loop. The app runs in the caller's context, as the
    Lambda handler itself does, not in a task's copy of it."""

    def __init__(self, app: ASGI) -> None:
        super().__init__(app, lifespan="off", custom_handlers=[_HttpApiEvent])

    def _setup_event_loop(self) -> None:
        """No loop to set up: nothing runs on one."""

    def __call__(self, event: LambdaEvent, context: LambdaContext) -> dict[str, Any]:
        handler = self.infer(event, context)
        response: dict[str, Any] = handler(_InlineCycle(handler.scope, handler.body)(self.app))
        return response


class _InlineCycle(HTTPCycle):
    """Mangum's HTTP cycle (its request and response messages, its 500 for an app that fails),
    run to completion in the calling thread."""

    def __call__(self, app: ASGI) -> Response:
        run_without_suspending(self.run(app))
        return {"status": self.status, "headers": self.headers, "body": self.body}


def run_without_suspending(coroutine: Coroutine[Any, Any, None]) -> None:
    """Runs `coroutine` to its end in one step.

    Nothing would resume one that suspends, so it is failed where it stopped with an error naming
    what it awaited: Mangum's cycle logs that and answers its 500, as it does for an app whose I/O
    or timer finds no running loop (those fail before they suspend). A coroutine that does not
    handle the error raises it here; one that suspends again is closed and the error raised."""
    try:
        awaited = coroutine.send(None)
    except StopIteration:
        return
    error = RuntimeError(f"An HTTP function's ASGI app must not suspend; it awaited {awaited!r}")
    try:
        coroutine.throw(error)
    except StopIteration:
        return
    coroutine.close()
    raise error


class _HttpApiEvent(HTTPGateway):
    """Mangum's own HTTP API handler, but its scope (every header encoded, the path stripped) is
    kept: Mangum builds it for the request and again to shape the response, ~15 % of its work."""

    @cached_property
    def scope(self) -> Scope:
        return super().scope


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    query: dict[str, str]
    repeated_query: frozenset[str]  # names given more than once (`query` holds the last value)
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
    pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    query = dict(pairs)
    return HttpRequest(
        method=scope["method"],
        path=_path(scope["path"]),
        query=query,
        repeated_query=_repeated(pairs) if len(query) < len(pairs) else frozenset(),
        headers=headers,
        body=b"".join(chunks),
        event=scope.get("aws.event") or {},
        context=scope.get("aws.context"),
    )


def _repeated(pairs: list[tuple[str, str]]) -> frozenset[str]:
    return frozenset(name for name, times in Counter(name for name, _ in pairs).items() if times > 1)


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
