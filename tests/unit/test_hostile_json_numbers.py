"""Free-form JSON numbers (issue 10): the storable rule, exact JSON text, canonical text, and
numbers read back from the store. Pure functions: no AWS API, no socket."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkout.adapters.dynamodb.codec import deserialize, number_from_text, serialize
from checkout.domain.free_form import MAX_NESTED_CONTAINERS, NotStorable, storable
from checkout.domain.json_text import canonical, dumps


def nested(levels: int, inner: Any = "leaf") -> Any:
    value = inner
    for _ in range(levels):
        value = {"k": value}
    return value


@pytest.mark.parametrize(
    "number",
    [
        "12.5",
        "1e10",
        "0",
        "-0.0",
        "12345678901234567890123456789012345678",
        "1.2345678901234567890123456789012345678",
        "1" + "0" * 45,  # one significant digit
        "1." + "0" * 45,
        "1e-130",
        "-9.9999999999999999999999999999999999999e125",
    ],
)
def test_numbers_within_the_stores_limits_are_kept_exactly(number: str) -> None:
    parsed = json.loads(f'{{"n": {number}}}', parse_float=Decimal)
    kept = storable(parsed)["n"]
    assert Decimal(kept) == Decimal(number)
    assert not isinstance(kept, float)


@pytest.mark.parametrize(
    "number",
    [
        "123456789012345678901234567890123456789",
        "1.23456789012345678901234567890123456789",
        "1e400",
        "-1e126",
        "1e-131",
        "1.5e-131",
    ],
)
def test_numbers_beyond_the_stores_limits_are_refused_at_their_path(number: str) -> None:
    parsed = json.loads(f'{{"a": [{{"n": {number}}}]}}', parse_float=Decimal)
    with pytest.raises(NotStorable) as refused:
        storable(parsed)
    assert refused.value.path == "a.0.n"
    assert "38 significant digits" in refused.value.text


def test_a_float_from_a_caller_is_read_as_the_number_its_json_said() -> None:
    assert storable({"price": 0.1}) == {"price": Decimal("0.1")}
    with pytest.raises(NotStorable):
        storable({"x": float("inf")})


def test_nesting_is_limited_to_the_stores_32_levels() -> None:
    deepest = MAX_NESTED_CONTAINERS  # 31 objects or arrays, their values the 32nd level
    assert storable(nested(deepest)) == nested(deepest)
    assert storable({"a": [nested(deepest - 2)]})
    assert storable({"a": nested(deepest - 2, {})})  # the innermost empty
    for too_deep in (nested(deepest + 1), {"a": [nested(deepest - 1)]}, {"a": nested(deepest - 1, [])}):
        with pytest.raises(NotStorable) as refused:
            storable(too_deep)
        assert refused.value.path == ""


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"": 1}, ""),
        ({"a": {"": 1}}, "a"),
        ({"a": [{"": 1}]}, "a.0"),
        ({"a\udc00": 1}, ""),
        ({"a": "\ud800"}, "a"),
    ],
)
def test_empty_keys_and_lone_surrogates_are_refused_where_they_are(value: Any, path: str) -> None:
    with pytest.raises(NotStorable) as refused:
        storable(value)
    assert refused.value.path == path


def test_exact_text_writes_decimals_as_numbers() -> None:
    value = {
        "a": Decimal("12.5"),
        "b": [Decimal("1E+10"), Decimal("1.2345678901234567890123456789012345678")],
    }
    text = dumps(value)
    assert text == '{"a":12.5,"b":[1E+10,1.2345678901234567890123456789012345678]}'
    assert json.loads(text, parse_float=Decimal) == value


def test_exact_text_is_plain_json_text_without_decimals() -> None:
    value = {"s": "caf\u00e9 \U0001f600", "n": None, "t": True, "i": 10**30, "f": 0.5, "l": [1, "x"]}
    assert dumps(value) == json.dumps(value, separators=(",", ":"))


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("NaN"), Decimal("Infinity")])
def test_exact_text_never_writes_what_json_has_no_word_for(bad: Any) -> None:
    with pytest.raises(ValueError, match=r"NaN|JSON|compliant"):
        dumps({"x": [Decimal("1.5"), bad]})


def test_canonical_text_is_one_text_per_value() -> None:
    assert canonical({"b": Decimal("2.50"), "a": 1}) == canonical(
        {"a": Decimal("1.0"), "b": Decimal("25E-1")}
    )
    assert canonical({"b": Decimal("2.50"), "a": 1}) == '{"a":1,"b":2.5}'
    assert canonical({"a": "1"}) != canonical({"a": 1})
    assert canonical({"a": [1, 2]}) != canonical({"a": [2, 1]})


storable_decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: d.is_zero() or (-130 <= d.adjusted() <= 125 and len(d.as_tuple().digits) <= 38)
)


@given(st.lists(storable_decimals | st.integers(min_value=-(10**37), max_value=10**37), max_size=5))
def test_stored_numbers_read_back_exactly_and_never_raise(numbers: list[Any]) -> None:
    stored = serialize(storable({"numbers": numbers}))
    read = deserialize(stored)["numbers"]
    assert [Decimal(n) for n in read] == [Decimal(n) for n in numbers]
    assert not any(isinstance(n, float) for n in read)
    assert json.loads(dumps(read), parse_float=Decimal) == [Decimal(n) for n in read]


@pytest.mark.parametrize(
    "text", ["1E+125", "9.9999999999999999999999999999999999999E+125", "1E-130", "-0", "10"]
)
def test_every_number_the_store_can_hold_reads_back(text: str) -> None:
    number = number_from_text(text)
    assert Decimal(number) == Decimal(text)
    assert isinstance(number, int) == (Decimal(text) == Decimal(text).to_integral_value())


def test_canonical_text_writes_an_integer_too_long_for_python_text_by_its_exponent() -> None:
    # Python will not write an int of over 4,300 digits as text; such a value is still JSON.
    assert canonical({"n": Decimal("1E+5000")}) == '{"n":1E+5000}'
    assert canonical({"n": Decimal("1" + "0" * 5000)}) == canonical({"n": Decimal("1E+5000")})


def test_canonical_text_takes_any_exponent_json_can_write() -> None:
    assert canonical({"n": Decimal("1e1000000")}) == '{"n":1E+1000000}'
    assert canonical({"n": Decimal("1e-1000000")}) != canonical({"n": Decimal("2e-1000000")})
