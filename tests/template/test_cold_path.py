"""Cold start: a function imports only what it uses; nothing talks to AWS at import time."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support import container_environment, function_specs

_PROBE = """
import importlib.util, inspect, sys
spec = importlib.util.spec_from_file_location("app", {path!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
from checkout.adapters.dynamodb.client import default_client
client = "client" if default_client.cache_info().currsize else "no-client"
if {with_services!r}:  # as its first request does: the composition factories its module names
    from checkout import composition
    for name, factory in list(vars(module).items()):
        cached = getattr(composition, name, None) is factory and hasattr(factory, "cache_info")
        if cached and not inspect.signature(factory).parameters:
            factory()
    for name in {factories!r}:  # the ones a function calls through the module
        getattr(composition, name)()
print(",".join(sorted(sys.modules)))
print(client)
"""


def loaded_after_import(
    function: str, packages_only: bool = True, with_services: bool = False, factories: tuple[str, ...] = ()
) -> tuple[set[str], str]:
    """The packages (or, with `packages_only=False`, every module) a function's import loads (with
    `with_services`, and building the services its first request uses: the composition factories
    its module names, and `factories`), and whether its import made a DynamoDB client."""
    path = str(function_specs()[function].module_path)
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(path=path, with_services=with_services, factories=factories)],
        env=container_environment(function),
        capture_output=True,
        text=True,
        check=True,
    )
    modules, client = result.stdout.strip().splitlines()[-2:]
    names = {name for name in modules.split(",") if name}
    return ({name.split(".")[0] for name in names} if packages_only else names), client


@pytest.mark.parametrize("function", sorted(function_specs()))
def test_import_creates_no_client_and_skips_boto3(function: str) -> None:
    modules, client = loaded_after_import(function)
    assert "boto3" not in modules  # botocore alone; boto3 drags s3transfer in
    assert "fastapi" not in modules
    assert client == "no-client"


# Deriving deposit addresses, or checking an EIP-55 checksum in a request, needs keccak.
CHECK_ADDRESSES = {"create_order", "platform_create_checkout_session", "record_order_event"}


@pytest.mark.parametrize("function", sorted(set(function_specs()) - CHECK_ADDRESSES))
def test_functions_that_never_derive_or_check_addresses_never_load_keccak(function: str) -> None:
    modules, _ = loaded_after_import(function, with_services=True)
    assert "sha3" not in modules


# The functions that parse no create body: their services take parsed requests by annotation only.
READ_OR_EXPIRE = [
    "get_checkout_session",
    "expire_checkout_session",
    "get_order",
    "hosted_page",
    "platform_get_checkout_session",
    "platform_expire_checkout_session",
    "platform_list_checkout_sessions",
]


@pytest.mark.parametrize("function", READ_OR_EXPIRE)
def test_functions_that_create_nothing_never_load_the_create_request_models(function: str) -> None:
    modules, _ = loaded_after_import(function, packages_only=False, with_services=True)
    assert not modules & {"checkout.requests.sessions", "checkout.requests.orders", "checkout.domain.orders"}


@pytest.mark.parametrize("function", sorted(function_specs()))
def test_no_function_loads_starlette_or_anyio(function: str) -> None:
    # API Gateway has routed the request already, and Mangum hands it over whole: a plain ASGI app
    # (checkout/web/asgi.py) reads it, without Starlette's application, router, request or response.
    modules, _ = loaded_after_import(function)
    assert not modules & {"starlette", "anyio"}


WEBHOOK_MANAGEMENT = sorted(
    name for name in function_specs() if "webhook" in name and name.startswith("platform_")
)
# The session and order records and views: a function's import loads only the ones it answers with.
SESSION_AND_ORDER_MODULES = {
    "checkout.domain.records",
    "checkout.web.session_views",
    "checkout.web.order_views",
    "checkout.web.order_details_views",
    "checkout.web.platform_views",
}


@pytest.mark.parametrize("function", WEBHOOK_MANAGEMENT)
def test_functions_that_manage_webhooks_load_neither_sessions_nor_orders_nor_their_storage(
    function: str,
) -> None:
    modules, _ = loaded_after_import(function, packages_only=False, with_services=True)
    assert not modules & SESSION_AND_ORDER_MODULES
    assert not modules & {"checkout.domain.ports", "checkout.adapters.dynamodb.repository"}


@pytest.mark.parametrize("function", ["deliver_webhooks", "retry_webhooks"])
def test_functions_that_send_webhooks_load_neither_sessions_nor_orders_nor_their_storage(
    function: str,
) -> None:
    modules, _ = loaded_after_import(
        function, packages_only=False, with_services=True, factories=("deliveries",)
    )
    assert "checkout.adapters.dynamodb.webhook_store" in modules
    assert not modules & SESSION_AND_ORDER_MODULES
    assert not modules & {"checkout.domain.ports", "checkout.adapters.dynamodb.repository"}


SESSION_AND_ORDER_FUNCTIONS = [
    *READ_OR_EXPIRE,
    "create_checkout_session",
    "create_order",
    "record_order_event",
    "platform_create_checkout_session",
]


@pytest.mark.parametrize("function", SESSION_AND_ORDER_FUNCTIONS)
def test_functions_that_store_sessions_and_orders_load_no_webhook_records_or_storage(function: str) -> None:
    modules, _ = loaded_after_import(function, packages_only=False, with_services=True)
    assert "checkout.adapters.dynamodb.repository" in modules
    assert not modules & {
        "checkout.domain.webhook_records",
        "checkout.domain.webhook_ports",
        "checkout.adapters.dynamodb.webhook_store",
    }


@pytest.mark.parametrize("function", ["create_checkout_session", "expire_checkout_session"])
def test_functions_that_answer_with_a_bare_session_load_no_order_view(function: str) -> None:
    modules, _ = loaded_after_import(function, packages_only=False)
    assert "checkout.web.session_views" in modules
    assert not modules & {"checkout.web.order_views", "checkout.web.order_details_views"}


def test_create_order_answers_with_the_order_alone_so_loads_no_transaction_or_session_view() -> None:
    modules, _ = loaded_after_import("create_order", packages_only=False)
    assert "checkout.web.order_views" in modules
    assert not modules & {"checkout.web.order_details_views", "checkout.web.session_views"}


@pytest.mark.parametrize("function", sorted(set(function_specs()) - {"sync_sessions"}))
def test_only_the_function_that_records_events_may_load_their_payloads(function: str) -> None:
    modules, _ = loaded_after_import(function, packages_only=False)
    assert "checkout.web.transition_payloads" not in modules


@pytest.mark.parametrize("function", ["hosted_page", "hosted_page_assets"])
def test_the_hosted_page_draws_qr_codes_only_when_it_shows_one(function: str) -> None:
    modules, _ = loaded_after_import(function)
    assert "segno" not in modules


_GC_PROBE = """
import gc, importlib.util
from devstack.lambda_runtime import LambdaContext
spec = importlib.util.spec_from_file_location("app", {path!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print("gc:", "collecting" if gc.isenabled() else "paused", gc.get_freeze_count())
# An event no function understands, and no time left: the invocation fails or does nothing, at once.
try:
    module.handler({{}}, LambdaContext("probe", timeout_seconds=0))
except Exception:
    pass
print("gc:", "collecting" if gc.isenabled() else "paused", gc.get_freeze_count())
"""


def collector_around_first_invocation(function: str, in_lambda: bool) -> tuple[str, str, int]:
    """What a function's container does with the cyclic garbage collector: after its module is
    imported (the init phase), and after its first invocation."""
    lambda_env = {"AWS_LAMBDA_FUNCTION_NAME": function} if in_lambda else {}
    result = subprocess.run(
        [sys.executable, "-c", _GC_PROBE.format(path=str(function_specs()[function].module_path))],
        env={
            **container_environment(function, with_project=True),
            **lambda_env,
            "AWS_DEFAULT_REGION": "us-east-1",
            "PYTHONWARNINGS": "ignore",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    (after_init, _), (after_first, frozen) = [
        line.split()[1:] for line in result.stdout.splitlines() if line.startswith("gc: ")
    ]
    return after_init, after_first, int(frozen)


@pytest.mark.parametrize("function", sorted(function_specs()))
def test_in_lambda_the_cold_path_runs_without_the_collector_until_the_first_invocation_ends(
    function: str,
) -> None:
    after_init, after_first, frozen = collector_around_first_invocation(function, in_lambda=True)
    assert after_init == "paused"
    assert after_first == "collecting"  # even when the first invocation failed
    assert frozen > 10_000  # what the cold path built is out of the collector's way from then on


def test_outside_lambda_importing_a_function_leaves_the_collector_alone() -> None:
    after_init, after_first, frozen = collector_around_first_invocation(
        "get_checkout_session", in_lambda=False
    )
    assert (after_init, after_first, frozen) == ("collecting", "collecting", 0)
