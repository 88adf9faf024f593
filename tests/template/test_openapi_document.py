"""The OpenAPI document is generated, never edited: the committed copy is what `make openapi` writes
from the template, the models and the error table, and it lists exactly the template's routes."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

import apidoc.document
from apidoc.document import DOCUMENT_PATH, build, render
from apidoc.operations import OPERATIONS
from apidoc.traits import handler_traits
from checkout.domain.json_text import dumps
from checkout.requests.orders import CreateOrderRequest
from checkout.requests.parsing import parse_model
from checkout.requests.platform import CreatePlatformSessionRequest
from checkout.web.errors import ERROR_TABLE, InvalidSignature, http_error_for
from devstack.template import functions
from tests.builders import RECIPIENT, USDC_BASE, make_settings, order_body
from tests.support import ROOT


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build()


def operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def test_the_committed_document_is_what_make_openapi_generates(document: dict[str, Any]) -> None:
    assert DOCUMENT_PATH.read_text() == render(document), "the document drifted: run `make openapi`"


def test_every_template_route_is_in_the_document_and_nothing_else(document: dict[str, Any]) -> None:
    routes = {route.route_key for spec in functions() for route in spec.routes if not route.is_default}
    assert set(operations(document)) == routes


def test_each_operation_is_answered_by_the_function_the_template_routes_it_to() -> None:
    routed = {route.route_key: spec.code_uri.name for spec in functions() for route in spec.routes}
    assert {operation.route: operation.function for operation in OPERATIONS} == {
        key: function for key, function in routed.items() if key in {op.route for op in OPERATIONS}
    }


def test_the_document_is_openapi_3_1_that_schemathesis_loads(document: dict[str, Any]) -> None:
    import schemathesis

    schema = schemathesis.openapi.from_dict(document)
    assert document["openapi"] == "3.1.0"
    assert len(list(schema.get_all_operations())) == len(OPERATIONS)


def test_a_keyed_operation_names_the_permission_its_handler_needs(document: dict[str, Any]) -> None:
    for operation in OPERATIONS:
        traits = handler_traits(operation.function)
        security = operations(document)[operation.route]["security"]
        if traits.needs is not None:
            assert security == [{"apiKey": [traits.needs.value]}], operation.route
        elif traits.api_keys and not traits.page:
            assert {} in security, f"{operation.route}: a buyer's call needs no key"
        else:
            assert security == [], f"{operation.route} never reads a key"


def test_every_status_and_code_comes_from_the_error_table(document: dict[str, Any]) -> None:
    table = {(http.status, http.code) for http in ERROR_TABLE.values()} | {(500, "internal_error")}
    for key, operation in operations(document).items():
        for status, response in operation["responses"].items():
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            error = schema.get("properties", {}).get("error")
            if error is None:
                continue
            for code in error["properties"]["code"]["enum"]:
                assert (int(status), code) in table, f"{key} {status} {code}"


def test_the_surfaces_answer_errors_in_their_own_shapes(document: dict[str, Any]) -> None:
    by_route = operations(document)
    public = by_route["POST /checkout-sessions"]["responses"]["400"]["content"]["application/json"]["schema"]
    platform = by_route["POST /api/v1/checkout-sessions"]["responses"]["400"]["content"]["application/json"]
    assert public["allOf"] == [{"$ref": "#/components/schemas/PublicError"}]
    assert platform["schema"]["allOf"] == [{"$ref": "#/components/schemas/PlatformError"}]
    not_found = by_route["GET /api/v1/checkout-sessions/{id}"]["responses"]["404"]["content"]
    assert not_found["application/json"]["schema"]["properties"]["error"]["properties"]["type"]["enum"] == [
        "not_found_error"
    ]


def test_a_linked_order_can_conflict_and_a_post_can_replay(document: dict[str, Any]) -> None:
    create_order = operations(document)["POST /orders"]
    conflict = create_order["responses"]["409"]["content"]["application/json"]["schema"]
    assert conflict["properties"]["error"]["properties"]["code"]["enum"] == [
        "idempotency_key_in_progress",
        "session_has_order",
    ]
    assert "Idempotent-Replayed" in create_order["responses"]["200"]["headers"]
    assert "Idempotency-Key" in [parameter["name"] for parameter in create_order["parameters"]]


def test_the_ingress_takes_a_signature_and_no_key(document: dict[str, Any]) -> None:
    events = operations(document)["POST /order-events"]
    signature = next(p for p in events["parameters"] if p["name"] == "Checkout-Signature")
    assert signature["required"] is True and events["security"] == []
    unauthorized = events["responses"]["401"]["content"]["application/json"]["schema"]
    assert unauthorized["properties"]["error"]["properties"]["code"]["enum"] == ["invalid_signature"]
    assert http_error_for(InvalidSignature("")).status == 401


def test_the_links_lead_from_a_session_to_its_order_and_back(document: dict[str, Any]) -> None:
    by_route = operations(document)
    ids = {operation["operationId"] for operation in by_route.values()}
    for operation in by_route.values():
        for link in operation["responses"]["200"].get("links", {}).values():
            assert link["operationId"] in ids
    session_links = by_route["POST /checkout-sessions"]["responses"]["200"]["links"]
    assert session_links["GetSession"]["parameters"] == {"id": "$response.body#/data/id"}
    assert session_links["ExpireSession"]["operationId"] == "expire_checkout_session"
    assert session_links["LinkOrder"]["requestBody"] == {"checkoutSessionId": "$response.body#/data/id"}


def body_validator(document: dict[str, Any], operation: dict[str, Any]) -> Draft202012Validator:
    """A validator for `operation`'s request body, by the document's own schema."""
    registry: Registry[Any] = Registry().with_resource(
        "urn:document",
        Resource.from_contents({**document, "$schema": "https://json-schema.org/draft/2020-12/schema"}),
    )
    content = operation["requestBody"]["content"]["application/json"]
    schema = {"$ref": "urn:document#/components/schemas/" + content["schema"]["$ref"].rsplit("/", 1)[1]}
    return Draft202012Validator(schema, registry=registry)


def test_every_example_is_valid_for_its_schema(document: dict[str, Any]) -> None:
    examples = 0
    for operation in operations(document).values():
        content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        if "example" in content:
            body_validator(document, operation).validate(content["example"])
            examples += 1
    assert examples == sum(operation.example is not None for operation in OPERATIONS) > 0


_LARGEST_AMOUNT = str(2**256 - 1)  # 78 digits
_FREE_FORM_EDGES = {  # the largest and smallest magnitudes the store keeps (domain/free_form.py)
    "largest": Decimal("9" * 38 + "e88"),
    "largest_integer": 10**126 - 10**88,
    "smallest": Decimal("1e-130"),
    "negative": Decimal("-" + "9" * 38 + "e88"),
}


@pytest.mark.parametrize(
    ("route", "model", "body"),
    [
        ("POST /orders", CreateOrderRequest,
     order_body(srcAmount=_LARGEST_AMOUNT, metadata=_FREE_FORM_EDGES)),
        (
            "POST /api/v1/checkout-sessions",
            CreatePlatformSessionRequest,
            {"amount": _LARGEST_AMOUNT, "token_address": USDC_BASE, "chain_id": 8453,
             "recipient_address": RECIPIENT, "customer_email": "ada@example.com"},
        ),
    ],
    ids=["order", "platform-session"],
)  # fmt: skip
def test_the_document_admits_the_extremes_the_api_accepts(
    document: dict[str, Any], route: str, model: Any, body: dict[str, Any]
) -> None:
    """A value the API takes must be valid by the document, or schemathesis's schema-violating cases
    (ST201) find it accepted. Read as a validator reads the JSON text: numbers as floats and ints."""
    text = dumps(body)  # decimals written as numbers, digit for digit
    parse_model(model, json.loads(text, parse_float=Decimal), make_settings())
    body_validator(document, operations(document)[route]).validate(json.loads(text))


def test_request_examples_are_the_events_bodies(document: dict[str, Any]) -> None:
    create = operations(document)["POST /checkout-sessions"]["requestBody"]["content"]["application/json"]
    event = json.loads((ROOT / "events" / "create_checkout_session.json").read_text())
    assert create["example"] == json.loads(event["body"])


def test_a_signed_example_is_shown_whole_so_its_signature_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    (signed,) = [operation for operation in OPERATIONS if handler_traits(operation.function).signed]
    trimmed = dataclasses.replace(signed, example_omits=("transaction",))
    monkeypatch.setattr(apidoc.document, "OPERATIONS", (trimmed,))

    with pytest.raises(ValueError, match="a signed example cannot leave out"):
        build()
