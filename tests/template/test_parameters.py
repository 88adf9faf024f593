"""`sam deploy` with the template's defaults must be safe for real money (DESIGN 14): no default that
can lose funds, and no parameter value the functions would refuse at start."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from pydantic import ValidationError

from checkout.config import EMPTY_INIT_CODE_HASH, Settings
from checkout.domain.tokens import DEFAULT_TOKENS, parse_tokens
from devstack.template import load_template
from tests.template.cfn_parameters import refusals

TEMPLATE = load_template()
PARAMETERS: dict[str, Any] = TEMPLATE["Parameters"]
REQUIRED = {
    "DepositFactoryAddress": "0x4e59b44847b379578588920cA78FbF26c0B4956C",
    "DepositInitCodeHash": "0x" + "ab" * 32,
    "AlarmEmail": "payments-oncall@example.com",
}
EXPIRY = ("MinExpiresIn", "DefaultExpiresIn", "MaxExpiresIn")


def parameter_env() -> dict[str, str]:
    """Parameter name -> the environment variable the template passes it in."""
    template_envs = [TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]] + [
        resource["Properties"].get("Environment", {}).get("Variables", {})
        for resource in TEMPLATE["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Function"
    ]
    return {
        value["Ref"]: name
        for env in template_envs
        for name, value in env.items()
        if isinstance(value, dict) and value.get("Ref") in PARAMETERS
    }


def settings_for(parameters: dict[str, str]) -> Settings:
    """The settings a function would build from these parameter values (and the defaults)."""
    env = {"TABLE_NAME": "checkout-prod"}
    for parameter, variable in parameter_env().items():
        value = parameters.get(parameter, PARAMETERS[parameter].get("Default"))
        if value is not None:
            env[variable] = str(value)
    return Settings.from_env(env)


def test_the_defaults_with_the_required_values_deploy_and_start() -> None:
    assert refusals(TEMPLATE, REQUIRED) == []
    settings = settings_for(REQUIRED)
    assert settings.deposit_contract().init_code_hash == REQUIRED["DepositInitCodeHash"]


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_no_default_for_what_cannot_be_guessed(name: str) -> None:
    assert "Default" not in PARAMETERS[name]
    assert refusals(TEMPLATE, {k: v for k, v in REQUIRED.items() if k != name}) == [
        f"{name}: no value and no default"
    ]


@pytest.mark.parametrize(
    "init_code_hash",
    ["0x" + "0" * 64, EMPTY_INIT_CODE_HASH],
    ids=["zero", "empty-init-code"],
)
def test_the_template_refuses_an_init_code_hash_no_deposit_contract_has(init_code_hash: str) -> None:
    refused = refusals(TEMPLATE, {**REQUIRED, "DepositInitCodeHash": init_code_hash})

    assert len(refused) == 1 and refused[0].startswith("DepositInitCodeHash must not be")
    with pytest.raises(ValidationError):
        settings_for({**REQUIRED, "DepositInitCodeHash": init_code_hash})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DepositInitCodeHash", "0x" + "AB" * 32),  # upper case would slip past the Rules' equality
        ("DepositInitCodeHash", "0x" + "ab" * 31),
        ("DepositInitCodeHash", "ab" * 32),
        ("DepositFactoryAddress", "0x4e59b44847b379578588920cA78FbF26c0B4956"),
        ("DepositFactoryAddress", "0x" + "0" * 40),
        ("AlarmEmail", ""),
        ("AlarmEmail", "oncall"),
        ("OrderTtlSeconds", "30"),
        ("OrderTtlSeconds", "604801"),
        ("SessionRetentionDays", "0"),
        ("OpenShards", "101"),
        ("SupportedChains", "8453,base"),
        ("SupportedChains", "0,1"),
        ("AllowedRedirectHosts", "shop.example.com, evil.example"),
        ("MinExpiresIn", "5000"),
        ("CoinbaseAppId", ""),
        ("PaymentTokens", "8453:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913:USDC:37"),
        ("PaymentTokens", "8453:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913:USDC"),
        ("PaymentTokens", "0:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913:USDC:6"),
        ("PaymentTokens", "8453:0x833589:USDC:6"),
        ("PaymentTokens", "8453:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913:US DC:6"),
    ],
)
def test_the_template_refuses_values_that_lose_funds_or_fail_every_request(name: str, value: str) -> None:
    assert refusals(TEMPLATE, {**REQUIRED, name: value}) != []


def test_every_parameter_is_constrained() -> None:
    for name, spec in PARAMETERS.items():
        if spec["Type"] == "Number":
            assert "AllowedValues" in spec or {"MinValue", "MaxValue"} <= spec.keys(), name
        else:
            assert "AllowedPattern" in spec or "AllowedValues" in spec, name


def test_expiry_bounds_deploy_exactly_when_they_are_ordered() -> None:
    """Every combination of the listed values: the Rules accept it iff min <= default <= max, and
    the functions' settings agree with the Rules."""
    values = [str(value) for value in PARAMETERS["DefaultExpiresIn"]["AllowedValues"]]
    for name in EXPIRY:
        assert [str(value) for value in PARAMETERS[name]["AllowedValues"]] == values
    for low, default, high in itertools.product(values, repeat=3):
        given = {**REQUIRED, "MinExpiresIn": low, "DefaultExpiresIn": default, "MaxExpiresIn": high}
        ordered = int(low) <= int(default) <= int(high)
        assert (refusals(TEMPLATE, given) == []) == ordered, given
        try:
            settings_for(given)
            started = True
        except ValidationError:
            started = False
        assert started == ordered, given


@pytest.mark.parametrize(
    "name", [name for name, spec in PARAMETERS.items() if spec["Type"] == "Number" and "MinValue" in spec]
)
def test_the_functions_accept_every_number_the_template_accepts(name: str) -> None:
    for bound in ("MinValue", "MaxValue"):
        value = str(PARAMETERS[name][bound])
        assert refusals(TEMPLATE, {**REQUIRED, name: value}) == []
        if name in parameter_env():
            settings_for({**REQUIRED, name: value})


def test_every_parameter_reaches_a_function_or_a_resource() -> None:
    resources = str(TEMPLATE["Resources"])
    for name in set(PARAMETERS) - set(parameter_env()):
        assert str({"Ref": name}) in resources, name


@pytest.mark.parametrize(
    "tokens",
    [
        ",".join(f"{t.chain_id}:{t.address}:{t.symbol}:{t.decimals}" for t in DEFAULT_TOKENS),
        "8333:0x0000000000000000000000000000000000000001:B3.X:0",
        "8453:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913:USDC:36",
    ],
    ids=["the-default-list", "zero-decimals", "the-most-decimals"],
)
def test_payment_tokens_the_template_accepts_reach_the_hosted_page_as_given(tokens: str) -> None:
    assert refusals(TEMPLATE, {**REQUIRED, "PaymentTokens": tokens}) == []
    assert parameter_env()["PaymentTokens"] == "PAYMENT_TOKENS"
    assert settings_for({**REQUIRED, "PaymentTokens": tokens}).payment_tokens == parse_tokens(tokens)


def test_without_payment_tokens_the_page_names_the_default_list() -> None:
    assert settings_for(REQUIRED).payment_tokens == DEFAULT_TOKENS
