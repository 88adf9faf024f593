"""The hosted page (DESIGN 12) without a browser: which state a session shows, every value escaped,
the 404 page, the headers and the CSP, the page's own files."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from importlib.resources import files
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkout.domain.clock import now_ms
from checkout.domain.errors import SessionNotFound
from checkout.domain.records import PaymentConfig, SessionRecord
from checkout.domain.status import ExpiryCause, OrderStatus, SessionStatus
from checkout.web.hosted.assets import assets
from checkout.web.hosted.markup import Markup, escape, render
from checkout.web.hosted.page import EXPIRY_REASONS, PageState, checkout_page, page_state
from checkout.web.hosted.qr import qr_svg
from checkout.web.hosted.security import CONTENT_SECURITY_POLICY
from tests.builders import (
    RECIPIENT,
    USDC_BASE,
    a_session,
    an_order,
    http_event,
    linked_order_body,
    make_settings,
)
from tests.fakes import InMemoryRepository
from tests.support import PageResponse, invoke_page

PAYMENT = PaymentConfig(
    amount="25000000", token_address=USDC_BASE, chain_id=8453, recipient_address=RECIPIENT
)
HOSTILE = "\"'><script>alert(1)</script><img src=x onerror=alert(2)>&amp;"
TEMPLATES = sorted(
    entry.name.removesuffix(".html")
    for entry in (files("checkout.web.hosted") / "templates").iterdir()
    if entry.name.endswith(".html")
)


def paid_session(**fields: Any) -> SessionRecord:
    values: dict[str, Any] = {"payment": PAYMENT, "expires_at": now_ms() // 1000 + 1800}
    return a_session(**{**values, **fields})


class Parsed(HTMLParser):
    """Every tag with its attributes, and the text, as a browser's parser reads them."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def attribute(self, tag: str, key: str, value: str, wanted: str) -> str | None:
        found = (attrs.get(wanted) for name, attrs in self.tags if name == tag and attrs.get(key) == value)
        return next(found, None)


# --- states --------------------------------------------------------------------------------------
def test_the_state_follows_the_session_and_its_order() -> None:
    crypto, card = an_order(), an_order(onramp_metadata={"vendor": "coinbase"})
    assert page_state(paid_session(), None) == PageState.CHOOSE
    assert page_state(paid_session(), crypto) == PageState.CRYPTO
    assert page_state(paid_session(), card) == PageState.CARD
    for status in (SessionStatus.PROCESSING, SessionStatus.COMPLETE, SessionStatus.EXPIRED):
        assert page_state(paid_session(status=status), crypto) == PageState(status)


def test_choosing_shows_the_amount_in_token_units_the_token_and_the_chain() -> None:
    page = Parsed(checkout_page(paid_session(), None, make_settings()))
    text = " ".join(page.text)

    assert "25" in text and "USDC" in text and "Base" in text and USDC_BASE in text
    assert page.attribute("main", "id", "checkout", "data-state") == "choose"
    assert page.attribute("button", "id", "pay-crypto", "type") == "button"
    assert page.attribute("select", "id", "country", "name") == "country"
    assert page.attribute("label", "for", "country", "for") == "country"


@pytest.mark.parametrize(
    ("payment", "card"),
    [
        (PAYMENT, True),
        (PAYMENT.model_copy(update={"token_address": "0x" + "ab" * 20}), False),  # a token nobody named
        (  # USDC on BNB Smart Chain has 18 decimals; the onramp's asset is configured with 6
            PAYMENT.model_copy(
                update={"chain_id": 56, "token_address": "0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d"}
            ),
            False,
        ),
    ],
)
def test_card_is_offered_only_when_the_onramp_buys_exactly_the_token(
    payment: PaymentConfig, card: bool
) -> None:
    page = checkout_page(paid_session(payment=payment), None, make_settings())
    assert ('id="pay-card"' in page) is card


def test_a_token_nobody_named_shows_in_base_units_with_its_address() -> None:
    unknown = "0x" + "ab" * 20
    page = checkout_page(
        paid_session(payment=PAYMENT.model_copy(update={"token_address": unknown})), None, make_settings()
    )
    assert '<span id="amount">25,000,000</span> <span class="symbol">base units</span>' in page
    assert unknown in page


def test_a_linked_crypto_order_shows_its_deposit_address_with_its_qr_code_and_copy_buttons() -> None:
    order = an_order(global_address="0x67CC4f9e25B1005A749B7D939f6cc0C2a4aE3a6b")
    page = checkout_page(paid_session(order_id=order.id), order, make_settings())

    assert (
        '<code id="deposit-address" class="address">0x67CC4f9e25B1005A749B7D939f6cc0C2a4aE3a6b</code>' in page
    )
    assert qr_svg(order.global_address) in page
    parsed = Parsed(page)
    copies = [
        attrs.get("data-copy") for name, attrs in parsed.tags if name == "button" and "data-copy" in attrs
    ]
    assert copies == [order.global_address, "25"]
    assert page.count("<time") == 1 and str(order.expired_at) in page


def test_the_qr_code_is_svg_geometry_only() -> None:
    svg = qr_svg("0x67CC4f9e25B1005A749B7D939f6cc0C2a4aE3a6b")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "style" not in svg and "<script" not in svg and "0x67CC" not in svg


def test_a_linked_card_order_links_to_its_onramp_url_escaped() -> None:
    url = 'https://pay.coinbase.com/buy/select-asset?appId=a&addresses={"0x1":["base"]}'
    order = an_order(onramp_metadata={"vendor": "coinbase"}, one_click_buy_url=url)
    page = checkout_page(paid_session(order_id=order.id), order, make_settings())

    assert Parsed(page).attribute("a", "id", "continue-card", "href") == url
    assert "appId=a&amp;addresses={&quot;0x1&quot;" in page


@pytest.mark.parametrize("success_url", ["https://shop.example.com/thanks?session=1", None])
def test_complete_links_to_the_success_url_or_says_the_page_can_be_closed(success_url: str | None) -> None:
    page = checkout_page(
        paid_session(status=SessionStatus.COMPLETE, success_url=success_url), None, make_settings()
    )
    parsed = Parsed(page)

    assert parsed.attribute("main", "id", "checkout", "data-state") == "complete"
    if success_url:
        assert parsed.attribute("a", "id", "continue", "href") == success_url
        assert parsed.attribute("main", "id", "checkout", "data-success-url") == success_url
    else:
        assert "You can close this page." in page and 'id="continue"' not in page


@pytest.mark.parametrize("cause", [*ExpiryCause, None])
def test_expired_says_why_and_links_back_to_the_cancel_url(cause: ExpiryCause | None) -> None:
    session = paid_session(
        status=SessionStatus.EXPIRED, expired_by=cause, cancel_url="https://shop.example.com/cart"
    )
    parsed = Parsed(checkout_page(session, None, make_settings()))

    reason = EXPIRY_REASONS[cause] if cause else "This checkout has ended."
    assert reason in parsed.text
    assert parsed.attribute("a", "id", "cancel", "href") == "https://shop.example.com/cart"


def test_expired_without_a_cancel_url_says_the_page_can_be_closed() -> None:
    page = checkout_page(paid_session(status=SessionStatus.EXPIRED), None, make_settings())
    assert "You can close this page." in page and 'id="cancel"' not in page


def test_a_session_without_a_payment_config_has_no_page() -> None:
    with pytest.raises(SessionNotFound):
        checkout_page(a_session(), None, make_settings())


# --- escaping ------------------------------------------------------------------------------------
def test_urls_are_escaped_in_attributes_and_metadata_never_shows() -> None:
    success = f"https://shop.example.com/ok?q={HOSTILE}"
    cancel = f"https://shop.example.com/cart#{HOSTILE}"
    session = paid_session(
        status=SessionStatus.EXPIRED, success_url=success, cancel_url=cancel, metadata={"note": HOSTILE},
        client_reference_id="ref-1",
    )  # fmt: skip
    page = checkout_page(session, None, make_settings())
    parsed = Parsed(page)

    assert HOSTILE not in page and "<script>" not in page
    assert parsed.attribute("a", "id", "cancel", "href") == cancel  # exactly the value, inside its attribute
    assert parsed.attribute("main", "id", "checkout", "data-success-url") == success
    assert [name for name, _ in parsed.tags].count("script") == 1  # the page's own, by src
    assert not any(key.startswith("on") for _, attrs in parsed.tags for key in attrs)


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_placeholder_of_every_template_is_escaped(name: str) -> None:
    identifiers = re.findall(
        r"\$([a-z][a-z0-9_]*)", (files("checkout.web.hosted") / "templates" / f"{name}.html").read_text()
    )
    rendered = render(name, **dict.fromkeys(identifiers, HOSTILE))
    assert HOSTILE not in rendered
    assert identifiers == [] or escape(HOSTILE) in rendered


@given(st.text())
def test_escaped_text_reads_back_as_itself_and_opens_nothing(text: str) -> None:
    page = render("cancel_link", url=text)
    parsed = Parsed(page)
    assert [name for name, _ in parsed.tags] == ["a"]
    assert parsed.tags[0][1]["href"] == text


def test_a_template_and_its_values_must_name_the_same_placeholders() -> None:
    with pytest.raises(KeyError):
        render("cancel_link")
    with pytest.raises(KeyError):
        render("cancel_link", url="https://a.example", extra="x")


def test_markup_is_inserted_as_is_and_text_is_not() -> None:
    assert render("status", text=Markup("<b>ok</b>")).strip().endswith("<b>ok</b></p>")
    assert "&lt;b&gt;" in render("status", text="<b>ok</b>")


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_hold_no_inline_script_style_or_handler(name: str) -> None:
    source = (files("checkout.web.hosted") / "templates" / f"{name}.html").read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)", source)
    assert "<style" not in source and " style=" not in source
    assert not re.search(r"\son[a-z]+=", source)
    assert "http://" not in source and "https://" not in source and "//" not in source.replace("://", "")


def test_the_script_and_stylesheet_request_nothing_from_elsewhere() -> None:
    for name in ("pay.js", "pay.css"):
        source = assets()[name].body.decode()
        assert not re.search(r"https?://|url\(|@import", source), name


# --- the handlers ------------------------------------------------------------------------------------
Page = Callable[[str], PageResponse]


@pytest.fixture
def page(function_env: None) -> Page:
    def get(session_id: str) -> PageResponse:
        event = http_event("hosted_page", session_id=session_id)
        return invoke_page("hosted_page", event)

    return get


def asset(
    function_env: None, file: str, query: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> PageResponse:
    event = http_event("hosted_page_assets", query=query or {}, headers=headers)
    event["pathParameters"]["file"] = file
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/pay/assets/{file}"
    return invoke_page("hosted_page_assets", event)


def assert_secure_html(response: PageResponse) -> None:
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-request-id"]


def test_the_csp_allows_only_this_origin_and_no_inline_code() -> None:
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'self'"
    for name in ("script-src", "style-src", "connect-src", "img-src"):
        assert directives[name] == "'self'", name
    assert directives["frame-ancestors"] == directives["base-uri"] == directives["object-src"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY and "data:" not in CONTENT_SECURITY_POLICY


def test_the_page_of_a_session_with_a_payment_config(page: Page, store: InMemoryRepository) -> None:
    store.put_session(paid_session())

    response = page(a_session().id)

    assert response.status == 200
    assert_secure_html(response)
    assert 'data-state="choose"' in response.text


def test_the_page_shows_the_order_linked_through_the_public_api(
    page: Page, store: InMemoryRepository, function_env: None
) -> None:
    store.put_session(paid_session())
    linked = invoke_page("create_order", http_event("create_order", body=linked_order_body(a_session().id)))
    assert linked.status == 200, linked.text

    response = page(a_session().id)

    assert 'data-state="crypto"' in response.text
    assert store.orders[store.sessions[a_session().id].order_id or ""].global_address in response.text


@pytest.mark.parametrize(
    "session_id",
    ["5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f21", "not-a-uuid", "x" * 300, "%3Cscript%3E", "%0A", "a%0Ab"],
)
def test_an_unknown_or_malformed_id_is_the_404_page(page: Page, session_id: str) -> None:
    response = page(session_id)

    assert response.status == 404
    assert_secure_html(response)
    assert "Checkout not found" in response.text and session_id not in response.text


def test_a_session_without_a_payment_config_is_the_404_page(page: Page, store: InMemoryRepository) -> None:
    store.put_session(a_session(expires_at=now_ms() // 1000 + 1800))
    assert page(a_session().id).status == 404


def test_the_page_applies_the_clock_like_the_api(page: Page, store: InMemoryRepository) -> None:
    store.put_session(paid_session(expires_at=now_ms() // 1000 - 1))

    response = page(a_session().id)

    assert "This checkout expired before it was paid." in response.text
    assert store.sessions[a_session().id].status == SessionStatus.EXPIRED


def test_the_page_follows_the_order(page: Page, store: InMemoryRepository) -> None:
    order = an_order(checkout_session_id=a_session().id, status=OrderStatus.EXECUTED, created_at=now_ms())
    store.put_session(paid_session(order_id=order.id))
    store.put_order(order)

    assert 'data-state="complete"' in page(a_session().id).text
    assert store.sessions[a_session().id].status == SessionStatus.COMPLETE


def test_a_storage_failure_is_the_error_page_without_details(
    page: Page, store: InMemoryRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_: str) -> None:
        raise RuntimeError("table on fire")

    monkeypatch.setattr(store, "get_session", broken)

    response = page(a_session().id)

    assert response.status == 500
    assert_secure_html(response)
    assert "Checkout unavailable" in response.text and "fire" not in response.text


# --- the page's files ----------------------------------------------------------------------------
def test_every_asset_the_page_names_is_served_with_its_type(
    page: Page, store: InMemoryRepository, function_env: None
) -> None:
    store.put_session(paid_session())
    named = re.findall(r'(?:href|src)="assets/([\w.]+)\?v=(\w+)"', page(a_session().id).text)

    assert {name for name, _ in named} == {"pay.css", "pay.js", "icon.svg"}
    for name, version in named:
        response = asset(function_env, name, {"v": version})
        assert response.status == 200
        assert response.body == assets()[name].body
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["x-content-type-options"] == "nosniff"
    assert asset(function_env, "pay.js").headers["content-type"] == "text/javascript; charset=utf-8"
    assert asset(function_env, "pay.css").headers["content-type"] == "text/css; charset=utf-8"
    assert asset(function_env, "icon.svg").headers["content-type"] == "image/svg+xml"


def test_an_asset_of_another_version_is_served_but_not_for_good(function_env: None) -> None:
    assert asset(function_env, "pay.js", {"v": "old"}).headers["cache-control"] == "public, max-age=60"


def test_a_known_version_is_not_sent_twice(function_env: None) -> None:
    etag = asset(function_env, "pay.js").headers["etag"]
    again = asset(function_env, "pay.js", headers={"if-none-match": etag})
    assert (again.status, again.body) == (304, b"")


@pytest.mark.parametrize(
    "file", ["nope.js", "..%2Fpage.py", "page.py", "markup.py", "%2e%2e", "a%0Ab", "m%C2%9A%0A%F0%A7%9C%A0"]
)
def test_anything_else_is_the_404_page(function_env: None, file: str) -> None:
    response = asset(function_env, file)
    assert response.status == 404
    assert "Checkout not found" in response.text
    assert response.headers["x-content-type-options"] == "nosniff"  # the page's headers, even on odd paths
