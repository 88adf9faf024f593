"""EIP-55 checksums and the EIP-1014 CREATE2 example vectors."""

from __future__ import annotations

import pytest

from checkout.domain.addresses import (
    address_problem,
    create2_address,
    deposit_address,
    keccak256,
    order_salt,
    to_checksum_address,
)

# The examples of EIP-1014 (address, salt, init_code) -> result.
EIP_1014_EXAMPLES = [
    (
        "0x0000000000000000000000000000000000000000",
        "00" * 32,
        "00",
        "0x4D1A2e2bB4F88F0250f26Ffff098B0b30B26BF38",
    ),
    (
        "0xdeadbeef00000000000000000000000000000000",
        "00" * 32,
        "00",
        "0xB928f69Bb1D91Cd65274e3c79d8986362984fDA3",
    ),
    (
        "0xdeadbeef00000000000000000000000000000000",
        "000000000000000000000000feed000000000000000000000000000000000000",
        "00",
        "0xD04116cDd17beBE565EB2422F2497E06cC1C9833",
    ),
    (
        "0x0000000000000000000000000000000000000000",
        "00" * 32,
        "deadbeef",
        "0x70f2b2914A2a4b783FaEFb75f459A580616Fcb5e",
    ),
    (
        "0x00000000000000000000000000000000deadbeef",
        "00000000000000000000000000000000000000000000000000000000cafebabe",
        "deadbeef",
        "0x60f3f640a8508fC6a86d45DF051962668E1e8AC7",
    ),
    (
        "0x00000000000000000000000000000000deadbeef",
        "00000000000000000000000000000000000000000000000000000000cafebabe",
        "deadbeef" * 11,
        "0x1d8bfDC5D46DC4f61D6b6115972536eBE6A8854C",
    ),
    (
        "0x0000000000000000000000000000000000000000",
        "00" * 32,
        "",
        "0xE33C0C7F7df4809055C3ebA6c09CFe4BaF1BD9e0",
    ),
]

# The examples of EIP-55.
EIP_55_EXAMPLES = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


@pytest.mark.parametrize(("deployer", "salt", "init_code", "expected"), EIP_1014_EXAMPLES)
def test_create2_matches_the_eip_1014_examples(
    deployer: str, salt: str, init_code: str, expected: str
) -> None:
    assert create2_address(deployer, bytes.fromhex(salt), keccak256(bytes.fromhex(init_code))) == expected


def test_keccak_is_keccak_not_sha3() -> None:
    assert keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"


@pytest.mark.parametrize("address", EIP_55_EXAMPLES)
def test_checksums_match_the_eip_55_examples(address: str) -> None:
    assert to_checksum_address(address.lower()) == address
    assert address_problem(address) is None


@pytest.mark.parametrize(
    "address", [a.lower() for a in EIP_55_EXAMPLES] + ["0x" + a[2:].upper() for a in EIP_55_EXAMPLES]
)
def test_single_case_addresses_are_accepted(address: str) -> None:
    assert address_problem(address) is None


def test_a_mixed_case_typo_fails_the_checksum() -> None:
    typo = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
    assert address_problem(typo) == "has an invalid EIP-55 checksum"


@pytest.mark.parametrize(
    "address",
    [
        "",
        "0x",
        "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0x5aAeb6053F",
        "0x" + "g" * 40,
        "0x" + "a" * 41,
        "0X" + "a" * 40,
    ],
)
def test_malformed_addresses_are_rejected(address: str) -> None:
    assert address_problem(address) == "must be an EVM address (0x followed by 40 hex characters)"


def test_the_salt_is_the_uuid_bytes_left_padded() -> None:
    salt = order_salt("5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f21")
    assert salt == bytes(16) + bytes.fromhex("5b0f2a4e8c1d4f3a9b2e7d6c5a4b3f21")


def test_the_deposit_address_is_create2_of_the_order_salt() -> None:
    order_id = "5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f21"
    factory = "0x00000000000000000000000000000000deadbeef"
    init_hash = keccak256(bytes.fromhex("deadbeef"))
    expected = create2_address(factory, order_salt(order_id), init_hash)
    assert deposit_address(order_id, factory, "0x" + init_hash.hex()) == expected
    assert expected != deposit_address(
        "6b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f21", factory, "0x" + init_hash.hex()
    )
