"""Mangum under every HTTP function: each request's ASGI scope is built once, and its ASGI cycle
runs inline, answering as Mangum's own cycle on an event loop does."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from typing import Any

import pytest
from mangum import Mangum
from mangum.handlers import HTTPGateway

from checkout.web.asgi import Receive, Scope, Send, lambda_adapter, run_without_suspending
from devstack.lambda_runtime import context_for
from tests.builders import http_event
from tests.support import function_specs, invoke


@pytest.fixture
def scopes_built(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """One entry per scope Mangum's HTTP API handler builds."""
    built: list[object] = []
    build: Callable[[Any], Any] = HTTPGateway.scope.fget  # type: ignore[attr-defined]

    def counted(handler: Any) -> Any:
        built.append(handler)
        return build(handler)

    monkeypatch.setattr(HTTPGateway, "scope", property(counted))
    return built


@pytest.mark.parametrize("function", ["get_checkout_session", "hosted_page"], ids=["api", "page"])
def test_a_request_builds_its_scope_once(
    function: str, function_env: None, scopes_built: list[object]
) -> None:
    result = invoke(function, http_event(function))

    assert result["statusCode"] == 404  # the event's session does not exist: answered all the same
    assert len(scopes_built) == 1


async def _echo(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers with what it was sent: the method, path, query and body it read."""
    body = (await receive())["body"]
    text = f"{scope['method']} {scope['path']}?{scope['query_string'].decode()} {body.decode()}"
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"x-echo", b"1")]
    await send({"type": "http.response.start", "status": 201, "headers": headers})
    await send({"type": "http.response.body", "body": text.encode()})


async def _failing(scope: Scope, receive: Receive, send: Send) -> None:
    raise ValueError("the app broke")


async def _sleeping(scope: Scope, receive: Receive, send: Send) -> None:
    await asyncio.sleep(0)  # gives the loop a turn: a suspension


def _answers(app: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """`app`'s answer to one event through our adapter and through stock Mangum on its loop."""
    event = http_event("create_checkout_session", body={"metadata": {"k": "v"}}, query={"a": "1"})
    context = context_for(function_specs()["create_checkout_session"])
    ours = lambda_adapter(app)(copy.deepcopy(event), context)  # type: ignore[arg-type]
    stock = Mangum(app, lifespan="off")(copy.deepcopy(event), context)  # type: ignore[arg-type]
    return ours, stock


def test_a_request_is_answered_as_mangum_answers_it_on_an_event_loop() -> None:
    ours, stock = _answers(_echo)

    assert ours == stock
    assert ours["statusCode"] == 201
    assert ours["body"] == 'POST /checkout-sessions?a=1 {"metadata": {"k": "v"}}'


def test_an_app_that_fails_gets_mangums_500() -> None:
    ours, stock = _answers(_failing)

    assert ours == stock
    assert ours["statusCode"] == 500


def test_an_app_that_suspends_is_refused_naming_what_it_awaited() -> None:
    with pytest.raises(RuntimeError, match="must not suspend; it awaited None"):
        _answers(_sleeping)


def test_a_coroutine_that_suspends_is_closed() -> None:
    finished: list[bool] = []

    async def waits() -> None:
        try:
            await asyncio.sleep(0)
        finally:
            finished.append(True)

    with pytest.raises(RuntimeError):
        run_without_suspending(waits())
    assert finished == [True]  # its `finally` ran: nothing is left half-done
