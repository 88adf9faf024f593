"""Local configuration: the environment a function would get from the template, for local runs.

Every variable below can be overridden from the shell; the defaults are documented in the README.
"""

from __future__ import annotations

import os

from devstack.specs import FunctionSpec
from devstack.template import ROOT

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
_STACK_ONLY = {"DYNAMODB_PORT", "PORT"}


# Where the local stack differs from the template's AWS values on purpose (the shell still wins):
# anonymous merchant calls act for the built-in merchant, so the seed's client runs unchanged (a
# key that is sent is still verified), the keys minted here are test keys, and webhooks may go to
# plain http receivers on this machine.
LOCAL_OVERRIDES = {
    "AUTH_MODE": "open",
    "API_KEY_PREFIX": "csk_test_",
    "WEBHOOK_ALLOW_LOOPBACK": "true",
}


def setting(name: str) -> str:
    return os.environ.get(name) or LOCAL_DEFAULTS[name]


def local_environment(spec: FunctionSpec) -> dict[str, str]:
    """The environment Lambda would give `spec` (its template `Environment` and Globals), plus
    local values for the table, credentials and DynamoDB Local. A variable set in the shell wins
    over all of them."""
    env = {name: value for name, value in spec.environment.items() if value != ""}
    env["TABLE_NAME"] = setting("TABLE_NAME")
    env.update(LOCAL_OVERRIDES)
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{setting('PORT')}"
    for name in LOCAL_DEFAULTS.keys() - _STACK_ONLY:
        env.setdefault(name, setting(name))
    env["AWS_ENDPOINT_URL_DYNAMODB"] = f"http://127.0.0.1:{setting('DYNAMODB_PORT')}"
    env.update({name: value for name, value in os.environ.items() if name in env})
    return env


def apply_local_environment(spec: FunctionSpec) -> None:
    """Gives this process `spec`'s local environment (`make invoke` runs the handler in-process)."""
    for name, value in local_environment(spec).items():
        os.environ.setdefault(name, value)


def instance_environment(spec: FunctionSpec, dynamodb_endpoint: str, table_name: str) -> dict[str, str]:
    """The environment of one of `spec`'s instances: the shell's (PATH, overrides), this
    function's own local environment, never another function's, and Lambda's own variables."""
    env = {**os.environ, **local_environment(spec)}
    env["TABLE_NAME"] = table_name
    env["AWS_ENDPOINT_URL_DYNAMODB"] = dynamodb_endpoint
    env.update(
        {
            "AWS_LAMBDA_FUNCTION_NAME": spec.logical_id,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.logical_id}",
            "AWS_LAMBDA_LOG_STREAM_NAME": "local",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
            "LAMBDA_TASK_ROOT": str(spec.code_uri),
            "_HANDLER": spec.handler,
            "PYTHONUNBUFFERED": "1",  # a function's print() and logs appear as they happen
            # Like Lambda: the layers' folders on the path (then this project, for the worker itself).
            "PYTHONPATH": os.pathsep.join(
                [*map(str, spec.layers), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
        }
    )
    env.setdefault("POWERTOOLS_TRACE_DISABLED", "true")  # no X-Ray daemon here
    return env
