"""What a buyer reads on the hosted page: a token's symbol and decimals, a chain's name, and an
amount in token units. Orders and payment configs carry base units; only people read units."""

from __future__ import annotations

import re
from dataclasses import dataclass

CHAIN_NAMES = {
    1: "Ethereum",
    10: "OP Mainnet",
    56: "BNB Smart Chain",
    137: "Polygon",
    8333: "B3",
    8453: "Base",
    42161: "Arbitrum One",
    43114: "Avalanche C-Chain",
}
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_SYMBOL = re.compile(r"[A-Za-z0-9.]{1,11}")
MAX_DECIMALS = 36


@dataclass(frozen=True)
class KnownToken:
    """A token the page can name: `address` on `chain_id` is `symbol` with `decimals`."""

    chain_id: int
    address: str
    symbol: str
    decimals: int

    def __post_init__(self) -> None:
        if self.chain_id < 1:
            raise ValueError(f"{self.chain_id} is not a chain id")
        if not _ADDRESS.fullmatch(self.address):
            raise ValueError(f"{self.address!r} is not an address (0x and 40 hex characters)")
        if not _SYMBOL.fullmatch(self.symbol):
            raise ValueError(f"{self.symbol!r} is not a symbol (1-11 letters, digits or dots)")
        if not 0 <= self.decimals <= MAX_DECIMALS:
            raise ValueError(f"decimals must be 0-{MAX_DECIMALS}")

    def is_at(self, chain_id: int, address: str) -> bool:
        return self.chain_id == chain_id and self.address.lower() == address.lower()


# Circle's USDC on each default chain (its native deployments; on BNB Smart Chain the Binance-pegged
# one, which has 18 decimals). B3 (8333) has none listed: its amounts show in base units.
DEFAULT_TOKENS = (
    KnownToken(1, "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "USDC", 6),
    KnownToken(10, "0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85", "USDC", 6),
    KnownToken(56, "0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d", "USDC", 18),
    KnownToken(137, "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359", "USDC", 6),
    KnownToken(8453, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "USDC", 6),
    KnownToken(42161, "0xaf88d065e77c8cC2239327C5EDb3A432268e5831", "USDC", 6),
    KnownToken(43114, "0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E", "USDC", 6),
)


def parse_tokens(text: str) -> tuple[KnownToken, ...]:
    """`<chain id>:<address>:<symbol>:<decimals>`, comma-separated (the `PAYMENT_TOKENS` setting)."""
    tokens = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        fields = entry.split(":")
        if len(fields) != 4 or not fields[0].isdigit() or not fields[3].isdigit():
            raise ValueError(f"{entry!r} is not <chain id>:<address>:<symbol>:<decimals>")
        tokens.append(KnownToken(int(fields[0]), fields[1], fields[2], int(fields[3])))
    return tuple(tokens)


def find_token(tokens: tuple[KnownToken, ...], chain_id: int, address: str) -> KnownToken | None:
    return next((token for token in tokens if token.is_at(chain_id, address)), None)


def chain_name(chain_id: int) -> str:
    return CHAIN_NAMES.get(chain_id, f"chain {chain_id}")


def token_units(base_units: str, decimals: int) -> str:
    """`25000000` with 6 decimals is `25`; `1500000` is `1.5`. Exact for any uint256: digits are
    moved, never rounded (a `Decimal` keeps 28 significant digits by default)."""
    digits = str(int(base_units))
    if decimals == 0:
        return digits
    digits = digits.rjust(decimals + 1, "0")
    whole, fraction = digits[:-decimals], digits[-decimals:].rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def grouped(units: str) -> str:
    """`1234567.5` as people read it: `1,234,567.5` (the copy buttons copy the plain form)."""
    whole, dot, fraction = units.partition(".")
    return f"{int(whole):,}{dot}{fraction}"
