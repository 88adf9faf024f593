"""Each function checks its settings in Lambda's init phase (its module's import): a bad deployment
fails there, once, with the reason in the log, never as a 500 per request."""

from __future__ import annotations

import logging

import pytest

from checkout.startup import InvalidSettings
from devstack.lambda_runtime import load_handler
from tests.functional.deploy_fixtures import deployed_environment, deployed_specs

SPECS = deployed_specs()
# The $default route's function reads no setting but its route table (tests/functional/test_default_route.py).
USING_SETTINGS = sorted(set(SPECS) - {"default_route"})
ZERO_HASH = "0x" + "0" * 64


@pytest.mark.parametrize("function", sorted(SPECS))
def test_every_function_starts_with_the_deployed_settings(
    function: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    deployed_environment(monkeypatch, SPECS[function])

    assert callable(load_handler(SPECS[function]))


@pytest.mark.parametrize("function", USING_SETTINGS)
@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("MIN_EXPIRES_IN", "5000", "MIN_EXPIRES_IN <= DEFAULT_EXPIRES_IN"),
        ("ORDER_TTL_SECONDS", "30", "ORDER_TTL_SECONDS"),
        ("OPEN_SHARDS", "0", "OPEN_SHARDS"),
        ("SUPPORTED_CHAINS", "8453,base", "SUPPORTED_CHAINS"),
        ("ALLOWED_REDIRECT_HOSTS", "shop.example.com,not a host", "ALLOWED_REDIRECT_HOSTS: .*not a host"),
        ("TABLE_NAME", None, "TABLE_NAME"),
    ],
)
def test_a_bad_setting_stops_every_function_at_start(
    function: str,
    variable: str,
    value: str | None,
    reason: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    deployed_environment(monkeypatch, SPECS[function], **{variable: value})

    with pytest.raises(InvalidSettings, match=reason):
        load_handler(SPECS[function])

    assert any(
        record.levelno == logging.ERROR and record.getMessage().startswith("invalid settings")
        for record in caplog.records
    )


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"DEPOSIT_INIT_CODE_HASH": ZERO_HASH}, "DEPOSIT_INIT_CODE_HASH: .*init code"),
        (
            {"DEPOSIT_INIT_CODE_HASH": "0xC5D2460186F7233C927E7DB2DCC703C0E500B653CA82273B7BFAD8045D85A470"},
            "DEPOSIT_INIT_CODE_HASH",
        ),
        ({"DEPOSIT_INIT_CODE_HASH": "0x1234"}, "DEPOSIT_INIT_CODE_HASH: .*64 hex"),
        ({"DEPOSIT_INIT_CODE_HASH": None}, "DEPOSIT_INIT_CODE_HASH"),
        ({"DEPOSIT_FACTORY_ADDRESS": None}, "DEPOSIT_FACTORY_ADDRESS"),
        ({"DEPOSIT_FACTORY_ADDRESS": "0x" + "0" * 40}, "DEPOSIT_FACTORY_ADDRESS: .*zero address"),
    ],
)
def test_create_order_refuses_a_deposit_contract_that_would_lose_funds(
    overrides: dict[str, str | None], reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    deployed_environment(monkeypatch, SPECS["create_order"], **overrides)

    with pytest.raises(InvalidSettings, match=reason):
        load_handler(SPECS["create_order"])


def test_functions_that_derive_no_address_need_no_deposit_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = SPECS["get_order"]
    deployed_environment(monkeypatch, spec, DEPOSIT_FACTORY_ADDRESS=None, DEPOSIT_INIT_CODE_HASH=None)

    assert callable(load_handler(spec))


def test_the_ingress_needs_a_secret_source(monkeypatch: pytest.MonkeyPatch) -> None:
    deployed_environment(monkeypatch, SPECS["record_order_event"], ORDER_EVENTS_SECRET_ARN=None)

    with pytest.raises(InvalidSettings, match="ORDER_EVENTS_SECRET_ARN"):
        load_handler(SPECS["record_order_event"])


def test_the_reason_never_shows_a_value(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "whsec_must_never_be_logged"
    deployed_environment(
        monkeypatch, SPECS["record_order_event"], ORDER_EVENTS_SECRET=secret, OPEN_SHARDS="1000"
    )

    with pytest.raises(InvalidSettings) as refused:
        load_handler(SPECS["record_order_event"])

    assert secret not in str(refused.value)
    assert caplog.records
    assert all(secret not in str(vars(record)) for record in caplog.records)
