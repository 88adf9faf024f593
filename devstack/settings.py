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
    "POWERTOOLS_METRICS_NAMESPACE": "Checkout",
    "POWERTOOLS_SERVICE_NAME": "checkout",
}


def setting(name: str) -> str:
    return os.environ.get(name) or LOCAL_DEFAULTS[name]


def local_environment(spec: FunctionSpec, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The template's environment for `spec` with local values: the table name, credentials for
    DynamoDB Local, and any variable already set in the shell (which wins)."""
    table_name = setting("TABLE_NAME")
    env = {name: value for name, value in spec.environment.items() if value != ""}
    env["TABLE_NAME"] = table_name
    for name in LOCAL_DEFAULTS:
        if name not in ("DYNAMODB_PORT", "PORT"):
            env.setdefault(name, setting(name))
    env.setdefault("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{setting('DYNAMODB_PORT')}")
    for name in list(env) + list(_PASSTHROUGH):
        if os.environ.get(name):
            env[name] = os.environ[name]
    env.update(overrides or {})
    return env


# Variables the template leaves to the deployment but a local run may set.
_PASSTHROUGH = (
    "ALLOWED_REDIRECT_HOSTS",
    "SUPPORTED_CHAINS",
    "DEPOSIT_FACTORY_ADDRESS",
    "DEPOSIT_INIT_CODE_HASH",
    "ORDER_TTL_SECONDS",
    "COINBASE_APP_ID",
    "AWS_ENDPOINT_URL_DYNAMODB",
)
