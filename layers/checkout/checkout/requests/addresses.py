"""EVM address fields. Apart from `fields.py` because their checksum needs keccak, which only the
functions that take addresses should load."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

from checkout.domain.addresses import address_problem, to_checksum_address
from checkout.requests.parsing import problem

DECIMAL_INTEGER = re.compile(r"0|[1-9][0-9]*", re.ASCII)
MAX_AMOUNT = 2**256
# 2^256 has 78 digits: a longer amount is refused by its length, before `int()` reads it (which
# refuses over 4,300 digits with a message of its own).
_AMOUNT = re.compile(r"0|[1-9][0-9]{0,77}", re.ASCII)


def is_amount_below_2_256(value: str, positive: bool = False) -> bool:
    """A decimal integer string below 2^256 (and above 0 if `positive`)."""
    return bool(_AMOUNT.fullmatch(value)) and (0 if positive else -1) < int(value) < MAX_AMOUNT


def _evm_address(value: str) -> str:
    if reason := address_problem(value):
        raise problem(reason)
    return to_checksum_address(value)


EvmAddress = Annotated[
    str,
    AfterValidator(_evm_address),
    WithJsonSchema(
        {
            "type": "string",
            "format": "evm-address",
            "pattern": "^0x[0-9a-fA-F]{40}$",
            "description": "An EVM address: 0x and 40 hex digits, all lower-case, all upper-case, or"
            " mixed case that is a valid EIP-55 checksum; answered EIP-55 checksummed.",
            "examples": ["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"],
        }
    ),
]
"""An EVM address, returned EIP-55 checksummed (a mixed-case one must already be)."""


def _token_amount(value: str) -> str:
    if not is_amount_below_2_256(value):
        raise problem("must be a decimal integer string less than 2^256")
    return value


TokenAmount = Annotated[
    str,
    AfterValidator(_token_amount),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^(?:0|[1-9][0-9]{0,77})$",
            "description": "Token base units: a decimal integer string below 2^256.",
        }
    ),
]
"""An amount in a token's base units: a decimal integer string below 2^256."""


def _positive_token_amount(value: str) -> str:
    if not is_amount_below_2_256(value, positive=True):
        raise problem("must be a decimal integer string greater than 0 and less than 2^256")
    return value


PositiveTokenAmount = Annotated[
    str,
    AfterValidator(_positive_token_amount),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[1-9][0-9]{0,77}$",
            "description": "Token base units: a decimal integer string, greater than 0 and below 2^256.",
            "examples": ["25000000"],
        }
    ),
]
"""An amount to pay, in a token's base units: 0 < amount < 2^256."""
