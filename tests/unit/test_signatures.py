"""Checkout-Signature: HMAC-SHA256 over "<t>.<body>", rotation, tolerance, constant-time compare."""

from __future__ import annotations

import pytest

from checkout.web.errors import InvalidSignature
from checkout.web.signatures import sign, signature_header, verify

SECRET = "whsec_current"
OLD = "whsec_previous"
BODY = b'{"id":"evt_1","orderId":"5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f21","status":"relay"}'
NOW = 1_795_463_233


def check(
    header: str | None, body: bytes = BODY, secrets: tuple[str, ...] = (SECRET,), now: int = NOW
) -> None:
    verify(header, body, secrets, now, 300)


def test_a_valid_signature_passes() -> None:
    check(signature_header([SECRET], NOW, BODY))


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), b"1795463233." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, NOW, BODY) == expected


def test_a_tampered_body_fails() -> None:
    header = signature_header([SECRET], NOW, BODY)
    with pytest.raises(InvalidSignature, match="does not match"):
        check(header, BODY.replace(b"relay", b"executed"))


def test_a_wrong_secret_fails() -> None:
    with pytest.raises(InvalidSignature, match="does not match"):
        check(signature_header(["whsec_attacker"], NOW, BODY))


@pytest.mark.parametrize("age", [301, 3600, -301])
def test_a_timestamp_outside_300_seconds_fails(age: int) -> None:
    with pytest.raises(InvalidSignature, match="tolerance"):
        check(signature_header([SECRET], NOW - age, BODY))


@pytest.mark.parametrize("age", [0, 300, -300])
def test_a_timestamp_within_300_seconds_passes(age: int) -> None:
    check(signature_header([SECRET], NOW - age, BODY))


def test_a_timestamp_replayed_with_another_body_fails() -> None:
    header = signature_header([SECRET], NOW, b"{}")
    with pytest.raises(InvalidSignature):
        check(header)


def test_the_sender_may_sign_with_old_and_new_secrets_during_rotation() -> None:
    check(signature_header(["whsec_unknown_new", SECRET], NOW, BODY))


def test_this_side_may_accept_old_and_new_secrets_during_rotation() -> None:
    check(signature_header([OLD], NOW, BODY), secrets=(SECRET, OLD))


@pytest.mark.parametrize("header", [None, ""])
def test_a_missing_header_fails(header: str | None) -> None:
    with pytest.raises(InvalidSignature, match="Missing Checkout-Signature"):
        check(header)


@pytest.mark.parametrize(
    "header",
    [
        "garbage",
        f"t={NOW}",
        "v1=abc",
        f"t=abc,v1={sign(SECRET, NOW, BODY)}",
        f"t={NOW},t={NOW},v1=x",
        "t=-5,v1=x",
    ],
)
def test_a_malformed_header_fails(header: str) -> None:
    with pytest.raises(InvalidSignature):
        check(header)


def test_signature_case_and_whitespace_are_not_normalised_into_a_match() -> None:
    good = sign(SECRET, NOW, BODY)
    check(f"t={NOW}, v1={good}")  # whitespace between parts is tolerated
    with pytest.raises(InvalidSignature):
        check(f"t={NOW},v1={good.upper()}")


def test_parts_in_another_order_and_unknown_schemes_are_read_as_stripe_reads_them() -> None:
    good = sign(SECRET, NOW, BODY)
    check(f"v0=legacy,v1={good},t={NOW}")
    with pytest.raises(InvalidSignature, match="must have the form"):
        check(f"t={NOW},v0={good}")  # another scheme never stands in for v1
