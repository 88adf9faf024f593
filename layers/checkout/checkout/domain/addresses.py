"""EVM addresses: EIP-55 checksums and EIP-1014 CREATE2 deposit addresses (DESIGN 2.5).

keccak-256 comes from safe-pysha3 (the maintained fork of pysha3 that eth-hash uses), never
hand-rolled.
"""

from __future__ import annotations

import re
import uuid

from sha3 import keccak_256

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}", re.ASCII)
_HASH = re.compile(r"0x[0-9a-fA-F]{64}", re.ASCII)


def keccak256(data: bytes) -> bytes:
    digest: bytes = keccak_256(data).digest()  # the library has no type hints
    return digest


def to_checksum_address(address: str) -> str:
    """EIP-55: upper-case each hex letter whose nibble in keccak(lower-case hex) is >= 8."""
    if not _ADDRESS.fullmatch(address):
        raise ValueError("not a 20-byte hex address")
    lower = address[2:].lower()
    digest = keccak256(lower.encode("ascii")).hex()
    return "0x" + "".join(ch.upper() if int(digest[i], 16) >= 8 else ch for i, ch in enumerate(lower))


def address_problem(address: str) -> str | None:
    """Why `address` is not an acceptable EVM address, or None. All-lower or all-upper hex is
    accepted as is; mixed case must be a valid EIP-55 checksum (it catches typos)."""
    if not _ADDRESS.fullmatch(address):
        return "must be an EVM address (0x followed by 40 hex characters)"
    body = address[2:]
    if body != body.lower() and body != body.upper() and to_checksum_address(address) != address:
        return "has an invalid EIP-55 checksum"
    return None


def create2_address(deployer: str, salt: bytes, init_code_hash: bytes) -> str:
    """EIP-1014: keccak256(0xff ++ deployer ++ salt ++ keccak256(init_code))[12:], checksummed."""
    if len(salt) != 32 or len(init_code_hash) != 32:
        raise ValueError("salt and init code hash must be 32 bytes")
    raw = keccak256(b"\xff" + bytes.fromhex(deployer[2:]) + salt + init_code_hash)[12:]
    return to_checksum_address("0x" + raw.hex())


def order_salt(order_id: str) -> bytes:
    """The order UUID's 16 bytes, left-padded with zeros to 32."""
    return uuid.UUID(order_id).bytes.rjust(32, b"\x00")


def deposit_address(order_id: str, factory: str, init_code_hash: str) -> str:
    if not _HASH.fullmatch(init_code_hash):
        raise ValueError("DEPOSIT_INIT_CODE_HASH must be 0x followed by 64 hex characters")
    return create2_address(factory, order_salt(order_id), bytes.fromhex(init_code_hash[2:]))
