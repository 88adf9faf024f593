"""Property-based fuzzing of every public endpoint (issue 10), through the real handlers on moto.

Each example sends a few requests, mostly well-formed bodies with hostile values spliced in
(surrogates, invisible characters, look-alike hosts, numbers past every limit, 40 levels of
nesting, garbage bytes, odd paths and content types, signed and unsigned events), against a
world of real sessions, orders and event ids that grows as requests succeed. Every answer must be:
- never a 5xx;
- the envelope (`success`, `message`, `statusCode`, and for errors `error` with `type`, `code`
  and `message` repeated), as JSON, with an `X-Request-Id` header;
- for a 4xx, no change to what is stored: the store acknowledged no write while it ran.

Why moto rather than the local stack over HTTP: in process a request costs a few ms (thousands fit
the time budget, against hundreds over HTTP), and nothing else writes meanwhile (the local stack's
stream poller and expiry scheduler do), so "no write acknowledged during a 4xx" is exact.
DynamoDB's own limits, which moto does not enforce, are covered against DynamoDB Local by
tests/integration/test_hostile_over_http.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from checkout.web.signatures import HEADER, signature_header
from tests.builders import http_event
from tests.functional.hostile_fixtures import (
    ORDER_EVENTS_SECRET,
    RECIPIENT,
    USDC_BASE,
    WriteLog,
    moto_checkout,
    watch_writes,
)
from tests.support import invoke

TIME_BUDGET_SECONDS = 35.0  # of requests; the whole module stays well under a minute on 2 cores
EXAMPLES_PER_BATCH = 150
STATUSES = [
    "scanning_deposit_transaction",
    "waiting_stripe_payment",
    "sending_token_from_vault",
    "quoting_after_deposit",
    "relay",
    "executing",
    "executed",
    "expired",
    "refunding",
    "refunded",
    "failure",
]


# --- the tally the terminal summary prints ------------------------------------------------------
@dataclass
class Tally:
    sent: int = 0
    by_class: dict[str, int] = field(default_factory=dict)
    by_endpoint: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0

    def count(self, endpoint: str, status: int) -> None:
        self.sent += 1
        self.by_class[f"{status // 100}xx"] = self.by_class.get(f"{status // 100}xx", 0) + 1
        self.by_endpoint[endpoint] = self.by_endpoint.get(endpoint, 0) + 1

    def line(self) -> str:
        classes = ", ".join(f"{name} = {n}" for name, n in sorted(self.by_class.items()) if name != "5xx")
        return (
            f"hostile fuzz: {self.sent} requests sent to {len(self.by_endpoint)} endpoints"
            f" in {self.elapsed:.1f} s; {classes}; 5xx = {self.by_class.get('5xx', 0)}"
        )


class SummaryPlugin:
    """Prints the tally in pytest's terminal summary (shown without `-s`)."""

    def __init__(self, tally: Tally) -> None:
        self.tally = tally

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.tally.sent:
            terminalreporter.write_sep("-", "hostile fuzz")
            terminalreporter.write_line(self.tally.line())


TALLY = Tally()


@pytest.fixture(scope="module")
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    request.config.pluginmanager.register(SummaryPlugin(TALLY), "hostile-fuzz-summary")
    with pytest.MonkeyPatch.context() as monkeypatch, moto_checkout(monkeypatch):
        yield World.seeded(watch_writes())


# --- the world the requests aim at ---------------------------------------------------------------
@dataclass
class World:
    writes: WriteLog
    sessions: list[str] = field(default_factory=list)
    orders: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def seeded(cls, writes: WriteLog) -> World:
        world = cls(writes)
        for _ in range(4):
            world.send("create_checkout_session", http_event("create_checkout_session", body={}))
        for session_id in [*world.sessions[:2], None, None]:
            body = valid_order() | ({"checkoutSessionId": session_id} if session_id else {})
            world.send("create_order", http_event("create_order", body=body))
        return world

    def send(self, function: str, event: dict[str, Any]) -> None:
        before = len(self.writes.acknowledged)
        result = invoke(function, event)
        TALLY.elapsed = time.monotonic() - self.started
        status = int(result["statusCode"])
        TALLY.count(function, status)
        sent = f"{function} {event.get('rawPath')} {event.get('body', '')[:300]!r}"
        context = f"{sent} -> {status} {result.get('body', '')[:300]}"
        assert status < 500, context
        headers = {name.lower(): value for name, value in (result.get("headers") or {}).items()}
        assert headers.get("x-request-id"), context
        assert headers.get("content-type", "").startswith("application/json"), context
        body = json.loads(result["body"])
        assert isinstance(body, dict) and isinstance(body.get("message"), str), context
        assert body["statusCode"] == status and body["success"] is (status == 200), context
        if status == 200:
            assert "data" in body, context
            self.remember(function, body["data"])
        else:
            error = body["error"]
            assert isinstance(error["type"], str) and isinstance(error["code"], str), context
            assert error["message"] == body["message"], context
            assert self.writes.acknowledged[before:] == [], (
                f"a {status} wrote {self.writes.acknowledged[before:]}: {context}"
            )

    def remember(self, function: str, data: Any) -> None:
        if function == "create_checkout_session":
            self.sessions.append(data["id"])
        elif function == "create_order":
            self.orders.append(data["id"])


# --- hostile values ------------------------------------------------------------------------------
class RawNumber(str):
    """Number text written into the JSON as is (`1e400`, 39 digits): what `json.dumps` cannot make."""


def to_json(value: Any) -> str:
    if isinstance(value, RawNumber):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(to_json(item) for item in value) + "]"
    return json.dumps(value)


HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "\n",
    "a\nb",
    "\r\n",
    "\t",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u00ad",
    "\u2028",
    "\u202e",
    "\ud800",
    "\udfff",
    "a\udc00b",
    "\uff45\uff56\uff49\uff4c",
    "%00",
    "%0A",
    "%ZZ",
    "\\",
    "../..",
    "{SESSION_ID}",
    "x" * 600,
    "\u00e9t\u00e9",
    "\U0001f600",
    "\U0010ffff",
    "null",
    "0x",
    "[]",
    "${jndi:ldap://x}",
]
HOSTILE_NUMBERS = [
    "0",
    "-0",
    "-0.0",
    "1e400",
    "-1e400",
    "1e-400",
    "12.5",
    "1E10",
    "1e+10",
    "0.1",
    "-1.5e-7",
    "123456789012345678901234567890123456789",
    "1.23456789012345678901234567890123456789",
    "9.9999999999999999999999999999999999999e125",
    "1e126",
    "1e-130",
    "1e-131",
    "1" + "0" * 50,
    "1" * 4400,
]
HOSTILE_URLS = [
    "https://evil.com\\.good.com/",
    "https://\uff45\uff56\uff49\uff4c.com/",
    "https://%65vil.com/",
    "https://good.com\u200b/",
    "https://good.com%00.evil.com/",
    "https://[v1.x]/",
    "https://0x7f.1/",
    "https://[::1%25eth0]/",
    "https:evil.com",
    "javascript:alert(1)",
    "https://u:p@good.com/",
    "https://B\u00fccher.example/x",
    "https://good.com:99999/",
    "http://localhost:3000/ok",
    "https://shop.example/{SESSION_ID}?o={ORDER_ID}#f",
    "https://shop.example/" + "a" * 2040,
    "https://good\u3002com/",
    "https://xn--a.com/",
    "https://\ud800.com/",
    "https://good.com/\udfff",
]

texts = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=20))
raw_numbers = st.one_of(
    st.sampled_from(HOSTILE_NUMBERS),
    st.integers().map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
).map(RawNumber)
scalars = st.one_of(st.none(), st.booleans(), texts, raw_numbers)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=12,
)


def nested(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = {"k": value}
    return value


free_form = st.one_of(
    json_values, st.integers(28, 40).map(nested), st.dictionaries(texts, json_values, max_size=4)
)


def valid_order() -> dict[str, Any]:
    return {
        "recipientAddress": RECIPIENT,
        "srcChain": 8453,
        "dstChain": 8453,
        "srcTokenAddress": USDC_BASE,
        "dstTokenAddress": USDC_BASE,
        "srcAmount": "25000000",
        "type": "custom",
    }


def mutated(
    valid: st.SearchStrategy[dict[str, Any]], hostile: dict[str, st.SearchStrategy[Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    """A valid body with up to three fields replaced by hostile values, maybe one removed, maybe
    an unknown one added: deep enough to pass most checks and reach the store."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        body = draw(valid)
        count = draw(st.sampled_from([0, 0, 0, 1, 1, 2, 3]))  # often none: valid bodies reach the store
        for name in draw(
            st.lists(st.sampled_from(sorted(hostile)), min_size=count, max_size=count, unique=True)
        ):
            body[name] = draw(hostile[name])
        if body and draw(st.integers(0, 9)) == 0:
            body.pop(draw(st.sampled_from(sorted(body))))
        if draw(st.integers(0, 19)) == 0:
            body[draw(texts)] = draw(json_values)
        return body

    return build()


def pick(pool: list[str]) -> st.SearchStrategy[str]:
    """One of the world's ids. The pools grow during the run, so the choice is an index into them:
    the shape of what is drawn stays the same from one example to the next, as Hypothesis needs."""
    return st.integers(min_value=0, max_value=2**16).map(lambda index: pool[index % len(pool)])


VALID_URLS = ["https://shop.example/thanks", "https://shop.example/{SESSION_ID}", "http://localhost:3000/ok"]
small_text = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=12)
addresses = st.one_of(
    st.sampled_from([RECIPIENT, RECIPIENT.lower(), RECIPIENT.upper().replace("0X", "0x"), "0x123", ""]),
    st.binary(min_size=20, max_size=20).map(lambda raw: "0x" + raw.hex()),
    texts,
)
session_body = mutated(
    st.fixed_dictionaries(
        {},
        optional={
            "expires_in": st.integers(300, 86400),
            "success_url": st.sampled_from(VALID_URLS),
            "cancel_url": st.sampled_from(VALID_URLS),
            "metadata": st.dictionaries(small_text, st.text(max_size=20), max_size=3),
            "client_reference_id": small_text,
        },
    ),
    {
        "expires_in": st.one_of(st.integers(-10, 10**6), raw_numbers, texts, st.booleans()),
        "success_url": st.one_of(st.sampled_from(HOSTILE_URLS), texts),
        "cancel_url": st.one_of(st.sampled_from(HOSTILE_URLS), texts),
        "metadata": st.one_of(st.dictionaries(texts, texts, max_size=5), free_form),
        "client_reference_id": texts,
    },
)


def order_body(world: World) -> st.SearchStrategy[dict[str, Any]]:
    session_ids = st.one_of(pick(world.sessions), texts, st.uuids().map(str))
    valid_onramp = st.fixed_dictionaries(
        {"vendor": st.just("coinbase"), "paymentMethod": st.just("CARD"), "country": st.just("US")},
        optional={"redirectUrl": st.sampled_from(VALID_URLS)},
    )
    onramp = st.fixed_dictionaries(
        {
            "vendor": st.sampled_from(["coinbase", "stripe-web2", ""]) | texts,
            "paymentMethod": st.sampled_from(["CARD", ""]) | texts,
            "country": st.sampled_from(["US", "us", "XX"]) | texts,
        },
        optional={"redirectUrl": st.sampled_from(HOSTILE_URLS) | st.none(), "payment_method": texts},
    )
    valid = st.fixed_dictionaries(
        {
            "recipientAddress": st.just(RECIPIENT),
            "srcChain": st.sampled_from([8453, 1, 10]),
            "dstChain": st.just(8453),
            "srcTokenAddress": st.just(USDC_BASE),
            "dstTokenAddress": st.just(USDC_BASE),
            "srcAmount": st.integers(1, 10**30).map(str),
            "type": st.just("custom"),
        },
        optional={
            "checkoutSessionId": pick(world.sessions),
            "callbackMetadata": pick(world.sessions).map(lambda sid: {"checkoutSessionId": sid}),
            "onramp": valid_onramp,
            "metadata": st.dictionaries(small_text, small_text | st.integers(), max_size=3),
            "feeOnTop": st.booleans(),
        },
    )
    return mutated(
        valid,
        {
            "recipientAddress": addresses,
            "srcTokenAddress": addresses,
            "srcChain": st.one_of(st.sampled_from([1, 8453, 99, -1]), raw_numbers, texts),
            "srcAmount": st.one_of(
                st.sampled_from(["0", "1", str(2**256), "1.5", "-1", " 1"]), texts, raw_numbers
            ),
            "type": st.sampled_from(["swap", "custom", "deposit_first", ""]),
            "payload": st.one_of(free_form, st.just({"expectedDstAmount": "1"})),
            "metadata": free_form,
            "callbackMetadata": st.one_of(free_form, session_ids.map(lambda sid: {"checkoutSessionId": sid})),
            "checkoutSessionId": session_ids,
            "onramp": st.one_of(onramp, json_values),
            "feeOnTop": st.one_of(st.booleans(), json_values),
            "creatorAddress": addresses,
            "partnerId": texts,
            "clientReferenceId": texts,
        },
    )


tx_hashes = st.binary(min_size=32, max_size=32).map(lambda raw: "0x" + raw.hex())


def event_body(world: World) -> st.SearchStrategy[dict[str, Any]]:
    transaction = mutated(
        st.fixed_dictionaries(
            {
                "kind": st.sampled_from(["deposit", "relay", "execute", "refund"]),
                "chainId": st.sampled_from([8453, 1]),
                "txHash": st.one_of(tx_hashes, st.just("0x" + "ab" * 32)),
            },
            optional={
                "amount": st.integers(0, 10**30).map(str),
                "from": st.just(RECIPIENT),
                "status": st.sampled_from(["success", "failed"]),
            },
        ),
        {
            "kind": st.sampled_from(["mint", ""]) | texts,
            "txHash": texts,
            "chainId": st.one_of(st.sampled_from([7, -1]), raw_numbers),
            "amount": st.one_of(st.sampled_from(["1.5", str(2**256), "-1"]), raw_numbers, texts),
            "from": addresses,
            "status": st.sampled_from(["pending", ""]) | texts,
        },
    )
    valid = st.fixed_dictionaries(
        {
            "id": st.integers(0, 60).map(lambda n: f"evt_{n}"),
            "orderId": pick(world.orders),
            "status": st.sampled_from(STATUSES),
        },
        optional={"transaction": transaction, "errorDetails": st.text(max_size=10)},
    )
    return mutated(
        valid,
        {
            "id": texts,
            "orderId": st.one_of(st.uuids().map(str), texts),
            "status": texts,
            "transaction": json_values,
            "errorDetails": st.one_of(texts, free_form),
        },
    )


# --- requests ------------------------------------------------------------------------------------
ENDPOINTS = [  # the writes first: Hypothesis draws early choices more often
    "record_order_event",
    "create_order",
    "create_checkout_session",
    "get_checkout_session",
    "expire_checkout_session",
    "get_order",
]
CONTENT_TYPES = [
    *["application/json"] * 12,
    "application/json; charset=utf-8",
    "application/merge-patch+json",
    "text/plain",
    None,
]


@st.composite
def body_text(draw: st.DrawFn, body: st.SearchStrategy[dict[str, Any]]) -> str | bytes:
    # Hypothesis favours the first choices: the well-formed body comes first.
    shape = draw(st.sampled_from(["body"] * 16 + ["bytes", "json", "brackets", "oversized"]))
    if shape == "bytes":
        return draw(st.binary(max_size=64))  # not text at all
    if shape == "json":
        return to_json(draw(json_values))  # JSON, maybe not an object
    if shape == "brackets":
        return "{" * draw(st.integers(1, 3000))
    if shape == "oversized":
        return json.dumps({"padding": "x" * (64 * 1024)})
    return to_json(draw(body))


def with_body(name: str, raw: str | bytes, content_type: str | None) -> dict[str, Any]:
    # Text goes as text, bytes base64-encoded, as API Gateway does (a lone surrogate can only come
    # escaped in the JSON, which is how `to_json` writes it).
    return http_event(name, raw_body=raw, content_type=content_type)


def at_path(name: str, template: str, identifier: str, query: dict[str, str] | None = None) -> dict[str, Any]:
    """The event API Gateway sends for `identifier` in the path: raw path encoded, parameter decoded
    (a path is bytes, so a lone surrogate arrives as the replacement character)."""
    identifier = identifier.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    event = http_event(name, query=query or {})
    event["rawPath"] = event["requestContext"]["http"]["path"] = template.format(quote(identifier, safe=""))
    event["pathParameters"] = {"id": identifier}
    return event


@st.composite
def requests(draw: st.DrawFn, world: World) -> tuple[str, dict[str, Any]]:
    endpoint = draw(st.sampled_from(ENDPOINTS))
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    identifiers = st.one_of(
        pick(world.sessions), pick(world.orders), pick(world.sessions).map(str.upper), texts
    )
    if endpoint == "record_order_event":
        raw = draw(body_text(event_body(world)))
        event = with_body(endpoint, raw, content_type)
        payload = raw if isinstance(raw, bytes) else raw.encode()
        signing = draw(st.sampled_from(["valid"] * 12 + ["wrong secret", "stale", "malformed"]))
        secret = "whsec_wrong" if signing == "wrong secret" else ORDER_EVENTS_SECRET
        when = int(time.time()) - (900 if signing == "stale" else 0)
        header = "t=1,v1=00" if signing == "malformed" else signature_header([secret], when, payload)
        event["headers"][HEADER] = header
        return endpoint, event
    if endpoint == "create_order":
        event = with_body(endpoint, draw(body_text(order_body(world))), content_type)
        event["headers"]["x-fingerprint-visitor-id"] = draw(st.sampled_from(["fp1", "", "\u00e9"]))
        return endpoint, event
    if endpoint == "create_checkout_session":
        return endpoint, with_body(endpoint, draw(body_text(session_body)), content_type)
    if endpoint == "get_checkout_session":
        query = draw(st.sampled_from([{}, {"include": "order"}, {"include": "orders"}, {"x": "1"}]))
        return endpoint, at_path(endpoint, "/checkout-sessions/{}", draw(identifiers), query)
    if endpoint == "expire_checkout_session":
        return endpoint, at_path(endpoint, "/checkout-sessions/{}/expire", draw(identifiers))
    return endpoint, at_path(endpoint, "/orders/{}", draw(identifiers))


FUZZ_SETTINGS = settings(
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


def fuzz(world: World, examples: int) -> None:
    """`examples` Hypothesis examples, each a few requests against `world`."""

    @settings(FUZZ_SETTINGS, max_examples=examples)
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        for _ in range(data.draw(st.integers(1, 4), label="requests")):
            function, event = data.draw(requests(world), label="request")
            world.send(function, event)

    example()


def test_no_input_gets_a_5xx_or_leaves_the_envelope_or_changes_state_on_a_4xx(world: World) -> None:
    # Bounded in time, not in examples: batches run while the next one still fits the budget.
    # (Stopping inside a run instead would look like a flaky strategy to Hypothesis.)
    while True:
        started = time.monotonic()
        fuzz(world, EXAMPLES_PER_BATCH)
        batch_seconds = time.monotonic() - started
        if time.monotonic() - world.started + 1.2 * batch_seconds > TIME_BUDGET_SECONDS:
            break


def test_the_fuzz_reached_every_endpoint_and_every_answer_class(world: World) -> None:
    """Runs after the fuzz (same module): it really exercised the service, on any machine's pace."""
    assert TALLY.sent >= 300, TALLY.line()
    assert set(TALLY.by_endpoint) == {
        "create_checkout_session",
        "get_checkout_session",
        "expire_checkout_session",
        "create_order",
        "get_order",
        "record_order_event",
    }
    assert TALLY.by_class.get("2xx", 0) >= 20 and TALLY.by_class.get("4xx", 0) >= 100, TALLY.line()
    assert "5xx" not in TALLY.by_class
