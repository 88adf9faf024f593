"""Local configuration: the environment a function would get from the template, for local runs.

Every variable below can be overridden from the shell; the defaults are documented in the README.
"""

from __future__ import annotations

import os

from devstack.template import FunctionSpec

LOCAL_DEFAULTS = {
    "TABLE_NAME": "checkout",
    "DYNAMODB_PORT": "8000",
    "PORT": "3000",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "ORDER_EVENTS_SECRET": "whsec_local_development_secret",
    # The template has no defaults for these (a wrong value loses buyers' funds); local runs use
    # the well-known CREATE2 deployer and keccak256(b"checkout local development deposit contract").
    "DEPOSIT_FACTORY_ADDRESS": "0x4e59b44847b379578588920cA78FbF26c0B4956C",
    "DEPOSIT_INIT_CODE_HASH": "0xf5587da3e94e789f9501bf0620f72c15542f42319588314aaa0d5aca6c47c2ff",
    "POWERTOOLS_METRICS_NAMESPACE": "Checkout",
    "POWERTOOLS_SERVICE_NAME": "checkout",
}


# Where the local stack differs from the template's AWS values on purpose (the shell still wins):
# anonymous merchant calls act for the built-in merchant, so the seed's client runs unchanged (a
# key that is sent is still verified), and the keys minted here are test keys.
LOCAL_OVERRIDES = {
    "AUTH_MODE": "open",
    "API_KEY_PREFIX": "csk_test_",
}


def setting(name: str) -> str:
    return os.environ.get(name) or LOCAL_DEFAULTS[name]


def apply_local_environment(spec: FunctionSpec) -> None:
    """Gives this process the environment Lambda would give `spec` (its template `Environment`
    and Globals), plus local values for the table, credentials and DynamoDB Local. A variable
    already set in the shell wins over all of them."""
    env = {name: value for name, value in spec.environment.items() if value != ""}
    env["TABLE_NAME"] = setting("TABLE_NAME")
    env.update(LOCAL_OVERRIDES)
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{setting('PORT')}"
    for name in LOCAL_DEFAULTS.keys() - {"DYNAMODB_PORT", "PORT"}:
        env.setdefault(name, setting(name))
    env["AWS_ENDPOINT_URL_DYNAMODB"] = f"http://127.0.0.1:{setting('DYNAMODB_PORT')}"
    for name, value in env.items():
        os.environ.setdefault(name, value)
