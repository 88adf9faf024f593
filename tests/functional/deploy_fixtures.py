"""What a deployed function's environment looks like, for handler-level tests of the deploy pieces."""

from __future__ import annotations

import pytest

from checkout import composition
from checkout.config import ENV_NAMES
from devstack.settings import LOCAL_DEFAULTS
from devstack.template import FunctionSpec, functions

# The template's parameters without defaults, given as `sam deploy` would be.
DEPLOY_PARAMETERS = {
    "DepositFactoryAddress": LOCAL_DEFAULTS["DEPOSIT_FACTORY_ADDRESS"],
    "DepositInitCodeHash": LOCAL_DEFAULTS["DEPOSIT_INIT_CODE_HASH"],
    "AlarmEmail": "payments-oncall@example.com",
}
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:OrderEventsSecret-AbCdEf"
AWS_ONLY = {"TABLE_NAME": "checkout-functional", "ORDER_EVENTS_SECRET_ARN": SECRET_ARN}


def deployed_specs() -> dict[str, FunctionSpec]:
    """Every function, its environment resolved from the template as CloudFormation would."""
    return {
        spec.code_uri.name: spec for spec in functions(refs={**DEPLOY_PARAMETERS, "HttpApi": "abc123def4"})
    }


def deployed_environment(
    monkeypatch: pytest.MonkeyPatch, spec: FunctionSpec, **overrides: str | None
) -> None:
    """Gives this process exactly `spec`'s deployed environment (resources' attributes, such as
    the table name and the secret's ARN, filled in), with `overrides` (None unsets)."""
    for name in [*ENV_NAMES.values(), "HTTP_ROUTES"]:
        monkeypatch.delenv(name, raising=False)
    env: dict[str, str | None] = {**spec.environment, **AWS_ONLY, **overrides}
    for name, value in env.items():
        if value is None or value == "":
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    for name, value in {"AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    composition.reset()
