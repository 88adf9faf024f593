"""Mangum under every HTTP function: each request's ASGI scope is built once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from mangum.handlers import HTTPGateway

from tests.builders import http_event
from tests.support import invoke


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
