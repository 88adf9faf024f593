"""On-chain values callers send: EVM addresses and token amounts. Imports keccak (for EIP-55), so
only the functions that take them load it."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

from checkout.domain.addresses import address_problem, to_checksum_address
from checkout.requests.parsing import problem

DECIMAL_INTEGER = re.compile(r"0|[1-9][0-9]*", re.ASCII)
MAX_AMOUNT = 2**256


def _evm_address(value: str) -> str:
    if reason := address_problem(value):
        raise problem(reason)
    return to_checksum_address(value)


def _amount(value: str) -> str:
    if not DECIMAL_INTEGER.fullmatch(value) or not 0 < int(value) < MAX_AMOUNT:
        raise problem("must be a decimal integer string greater than 0 and less than 2^256")
    return value


EvmAddress = Annotated[str, AfterValidator(_evm_address)]
"""An EVM address, returned EIP-55 checksummed (a mixed-case one must already be)."""

TokenAmount = Annotated[str, AfterValidator(_amount)]
"""Token base units: a canonical decimal integer string, 0 < amount < 2^256."""
