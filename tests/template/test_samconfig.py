"""samconfig.toml: a `dev` and a `prod` environment whose parameter overrides the template accepts
once the required values are filled in, and refuses until then."""

from __future__ import annotations

import shlex
import tomllib
from typing import Any

import pytest

from devstack.template import ROOT, load_template
from tests.template.cfn_parameters import refusals

CONFIG = tomllib.loads((ROOT / "samconfig.toml").read_text())
TEMPLATE = load_template()
REAL_VALUES = {
    "DepositFactoryAddress": "0x4e59b44847b379578588920cA78FbF26c0B4956C",
    "DepositInitCodeHash": "0x" + "ab" * 32,
    "AlarmEmail": "payments-oncall@example.com",
}


def deploy_parameters(environment: str) -> dict[str, Any]:
    parameters: dict[str, Any] = CONFIG[environment]["deploy"]["parameters"]
    return parameters


def overrides(environment: str) -> dict[str, str]:
    pairs = shlex.split(deploy_parameters(environment)["parameter_overrides"])
    return dict(pair.split("=", 1) for pair in pairs)


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_each_environment_deploys_its_own_stack(environment: str) -> None:
    parameters = deploy_parameters(environment)
    assert parameters["stack_name"] == f"checkout-{environment}"
    # The sync function is named <stack>-sync-sessions: Lambda names stop at 64 characters.
    assert len(f"{parameters['stack_name']}-sync-sessions") <= 64
    assert parameters["capabilities"] == "CAPABILITY_IAM"
    assert set(overrides(environment)) <= set(TEMPLATE["Parameters"])


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_the_placeholders_are_refused_until_real_values_replace_them(environment: str) -> None:
    given = overrides(environment)
    assert {name for name, value in given.items() if value == "SET-ME"} == set(REAL_VALUES)
    assert refusals(TEMPLATE, given) != []

    assert refusals(TEMPLATE, {**given, **REAL_VALUES}) == []


def test_prod_changes_are_reviewed_before_they_apply() -> None:
    assert deploy_parameters("prod")["confirm_changeset"] is True
    assert int(overrides("prod")["LogRetentionDays"]) >= 365
