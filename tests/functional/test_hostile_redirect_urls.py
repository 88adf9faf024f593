"""Redirect URLs judged as a browser's WHATWG URL parser would see them (DESIGN 2.2, issue 10)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.builders import http_event
from tests.functional.hostile_fixtures import (
    assert_error_envelope,
    create_session,
    moto_checkout,
)
from tests.support import invoke_http


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with moto_checkout(monkeypatch) as client:
        yield client


# --- redirect URLs --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "https://evil.com\\.good.com/",
        "https://evil.com\\@good.com/",
        "https://\uff45\uff56\uff49\uff4c.com/",
        "https://%65vil.com/",
        "https://evil%2Ecom/",
        "https://good.com\u200b/",
        "https://goo\u200bd.com/",
        "https://good.com/\u200d",
        "https://good\ufeff.com/",
        "https://good.com%00.evil.com/",
        "https://[v1.x]/",
        "https://[::1%25eth0]/",
        "https://0x7f.1/",
        "https://2130706433/",
        "https:evil.com",
        "https:/evil.com",
        "https:///evil.com",
        "https://user@good.com/",
        "https://good.com:99999/",
        "https://good..com/",
        "https://xn--a.com/",
        "http://evil.com/",
    ],
)
def test_redirect_urls_are_judged_as_a_browser_parses_them(store: Any, url: str) -> None:
    response = invoke_http(
        "create_checkout_session", http_event("create_checkout_session", body={"success_url": url})
    )
    assert_error_envelope(response, 400, "parameter_invalid")
    assert response.body["error"]["param"] == "success_url"


def test_an_internationalised_host_is_stored_in_punycode(store: Any) -> None:
    session = create_session(
        success_url="https://B\u00fccher.example/danke?x=1", cancel_url="https://\u4f8b\u3048.jp/"
    )
    assert session["success_url"] == f"https://xn--bcher-kva.example/danke?x=1&sessionId={session['id']}"
    assert session["cancel_url"] == f"https://xn--r8jz45g.jp/?sessionId={session['id']}"


def test_the_2048_character_limit_applies_after_templating(store: Any) -> None:
    base = "https://shop.example/"
    fits = base + "a" * (2048 - len(base) - len("?sessionId=") - 36)
    assert len(create_session(success_url=fits)["success_url"]) == 2048

    too_long = fits + "a"
    response = invoke_http(
        "create_checkout_session", http_event("create_checkout_session", body={"success_url": too_long})
    )
    assert_error_envelope(response, 400, "parameter_invalid")
