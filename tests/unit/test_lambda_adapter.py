"""Mangum under every HTTP function: each request's ASGI scope is built once, and its ASGI cycle
runs inline, answering as Mangum's own cycle on an event loop does."""

from __future__ import annotations

import asyncio
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


async def _failing_after_start(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    raise ValueError("the app broke mid-answer")


async def _yielding(scope: Scope, receive: Receive, send: Send) -> None:
    await asyncio.sleep(0)  # gives the loop a turn: a suspension with nothing to resume it


async def _sleeping(scope: Scope, receive: Receive, send: Send) -> None:
    await asyncio.sleep(0.01)  # needs a running loop for its timer


def _event() -> dict[str, Any]:
    return http_event("create_checkout_session", body={"metadata": {"k": "v"}}, query={"a": "1"})


def _context() -> Any:
    return context_for(function_specs()["create_checkout_session"])


def _answers(app: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """`app`'s answer to one event through our adapter and through stock Mangum on its loop."""
    ours = lambda_adapter(app)(_event(), _context())
    stock = Mangum(app, lifespan="off")(_event(), _context())
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


def test_an_app_that_fails_after_starting_its_answer_gets_mangums_500() -> None:
    ours, stock = _answers(_failing_after_start)

    assert ours == stock
    assert ours["statusCode"] == 500


@pytest.mark.parametrize(
    ("app", "reason"),
    [(_yielding, "must not suspend; it awaited None"), (_sleeping, "no running event loop")],
    ids=["suspends", "needs-a-timer"],
)
def test_an_app_that_needs_an_event_loop_gets_a_500_and_the_log_says_why(
    app: Any, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    answer = lambda_adapter(app)(_event(), _context())

    assert answer["statusCode"] == 500
    assert reason in caplog.text


def test_a_coroutine_that_suspends_is_failed_where_it_stopped() -> None:
    finished: list[bool] = []

    async def waits() -> None:
        try:
            await asyncio.sleep(0)
        finally:
            finished.append(True)

    with pytest.raises(RuntimeError, match="must not suspend"):
        run_without_suspending(waits())
    assert finished == [True]  # its `finally` ran: nothing is left half-done


def test_a_coroutine_that_suspends_again_while_failing_is_closed() -> None:
    closed: list[bool] = []

    async def keeps_waiting() -> None:
        try:
            await asyncio.sleep(0)
        except RuntimeError:
            try:
                await asyncio.sleep(0)
            except GeneratorExit:
                closed.append(True)
                raise

    with pytest.raises(RuntimeError, match="must not suspend"):
        run_without_suspending(keeps_waiting())
    assert closed == [True]
