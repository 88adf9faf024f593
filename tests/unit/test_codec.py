"""Plain values to DynamoDB attribute values and back: every type the table stores, exactly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from checkout.adapters.dynamodb.codec import deserialize, serialize, to_attributes


@pytest.mark.parametrize(
    ("value", "attribute"),
    [
        ("text", {"S": "text"}),
        ("", {"S": ""}),
        (None, {"NULL": True}),
        (True, {"BOOL": True}),
        (False, {"BOOL": False}),
        (0, {"N": "0"}),
        (2**255, {"N": str(2**255)}),
        (Decimal("12.50"), {"N": "12.50"}),
        ({"k": ["v", 1]}, {"M": {"k": {"L": [{"S": "v"}, {"N": "1"}]}}}),
        (("a", False), {"L": [{"S": "a"}, {"BOOL": False}]}),
    ],
    ids=["str", "empty-str", "none", "true", "false", "zero", "big-int", "decimal", "map", "tuple"],
)
def test_each_stored_type_has_its_attribute(value: Any, attribute: dict[str, Any]) -> None:
    assert serialize(value) == attribute


def test_a_boolean_is_stored_as_a_boolean_not_as_the_number_it_also_is() -> None:
    assert deserialize(serialize(True)) is True


def test_an_unstorable_value_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="cannot store a set"):
        serialize({"a"})


def test_an_item_leaves_out_its_absent_attributes() -> None:
    assert to_attributes({"id": "s", "order_id": None}) == {"id": {"S": "s"}}


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1795545398793", 1_795_545_398_793),
        ("-3", -3),
        ("1E+2", 100),
        ("12.50", Decimal("12.50")),
        ("0.1", Decimal("0.1")),
    ],
    ids=["digits", "negative", "exponent", "decimal", "fraction"],
)
def test_a_stored_number_reads_back_as_an_int_when_integral_else_as_its_exact_decimal(
    text: str, number: int | Decimal
) -> None:
    value = deserialize({"N": text})
    assert value == number
    assert type(value) is type(number)
