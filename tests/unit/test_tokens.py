"""Amounts as buyers read them: token units from base units, exactly, with configured decimals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from checkout.config import Settings
from checkout.domain.addresses import to_checksum_address
from checkout.domain.tokens import (
    DEFAULT_TOKENS,
    KnownToken,
    chain_name,
    find_token,
    grouped,
    parse_tokens,
    token_units,
)
from tests.builders import USDC_BASE


@pytest.mark.parametrize(
    ("base_units", "decimals", "units"),
    [
        ("25000000", 6, "25"),
        ("25500000", 6, "25.5"),
        ("1", 6, "0.000001"),
        ("1", 18, "0.000000000000000001"),
        ("1000000000000000000000", 18, "1000"),
        (
            "115792089237316195423570985008687907853269984665640564039457584007913129639935",
            18,
            "115792089237316195423570985008687907853269984665640564039457.584007913129639935",
        ),
        ("42", 0, "42"),
        ("120", 1, "12"),
    ],
)
def test_token_units_are_exact(base_units: str, decimals: int, units: str) -> None:
    assert token_units(base_units, decimals) == units


@given(st.integers(min_value=1, max_value=2**256 - 1), st.integers(min_value=0, max_value=36))
def test_token_units_scale_back_to_the_base_units(base_units: int, decimals: int) -> None:
    units = token_units(str(base_units), decimals)
    whole, _, fraction = units.partition(".")
    assert int(whole + fraction.ljust(decimals, "0")) == base_units
    assert not fraction.endswith("0")


def test_grouping_is_for_reading_only() -> None:
    assert grouped("1234567.25") == "1,234,567.25"
    assert grouped("25") == "25"


def test_the_default_tokens_are_checksummed_usdc_on_distinct_chains() -> None:
    assert len({token.chain_id for token in DEFAULT_TOKENS}) == len(DEFAULT_TOKENS)
    for token in DEFAULT_TOKENS:
        assert token.address == to_checksum_address(token.address), token  # a typo fails its checksum
        assert token.symbol == "USDC"
        assert token.decimals == (18 if token.chain_id == 56 else 6)


def test_a_token_is_found_by_chain_and_address_in_any_case() -> None:
    assert find_token(DEFAULT_TOKENS, 8453, USDC_BASE.lower()) == KnownToken(8453, USDC_BASE, "USDC", 6)
    assert find_token(DEFAULT_TOKENS, 1, USDC_BASE) is None  # the same address on another chain


def test_payment_tokens_replace_the_default_list() -> None:
    settings = Settings.from_env(
        {"TABLE_NAME": "checkout", "PAYMENT_TOKENS": f" 8453:{USDC_BASE}:USDbC:6 , "}
    )
    assert settings.payment_tokens == (KnownToken(8453, USDC_BASE, "USDbC", 6),)


@pytest.mark.parametrize(
    "text",
    [
        f"8453:{USDC_BASE}:USDC",
        f"base:{USDC_BASE}:USDC:6",
        "8453:0x1234:USDC:6",
        f"8453:{USDC_BASE}:US DC:6",
        f"8453:{USDC_BASE}:<b>:6",
        f"8453:{USDC_BASE}:USDC:37",
        f"0:{USDC_BASE}:USDC:6",
    ],
)
def test_a_malformed_token_list_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_tokens(text)
    with pytest.raises(ValidationError, match="payment_tokens"):
        Settings.from_env({"TABLE_NAME": "checkout", "PAYMENT_TOKENS": text})


def test_chains_have_names() -> None:
    assert (chain_name(8453), chain_name(1), chain_name(999)) == ("Base", "Ethereum", "chain 999")
