"""Cold start: a function imports only what it uses; nothing talks to AWS at import time."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.builders import DEPOSIT_ENV
from tests.support import ROOT, function_specs

_PROBE = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("app", {path!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
from checkout.adapters.dynamodb.client import default_client
print(",".join(sorted({{name.split(".")[0] for name in sys.modules}})))
print("client" if default_client.cache_info().currsize else "no-client")
"""


# What the template leaves to the deploy (the table, the deposit contract, the secret), given locally.
_LOCAL = {
    "PYTHONPATH": str(ROOT / "layers" / "checkout"),
    "TABLE_NAME": "cold",
    "ORDER_EVENTS_SECRET": "x",
    **DEPOSIT_ENV,
}


def loaded_after_import(function: str) -> tuple[set[str], str]:
    path = str(function_specs()[function].module_path)
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(path=path)],
        env={**function_specs()[function].environment, **_LOCAL, "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    modules, client = result.stdout.strip().splitlines()
    return {name.split(".")[0] for name in modules.split(",") if name}, client


@pytest.mark.parametrize("function", sorted(function_specs()))
def test_import_creates_no_client_and_skips_boto3(function: str) -> None:
    modules, client = loaded_after_import(function)
    assert "boto3" not in modules  # botocore alone; boto3 drags s3transfer in
    assert "fastapi" not in modules
    assert client == "no-client"


@pytest.mark.parametrize(
    "function",
    ["get_checkout_session", "expire_checkout_session", "get_order", "sync_sessions", "hosted_page"],
)
def test_functions_that_never_derive_addresses_never_load_keccak(function: str) -> None:
    modules, _ = loaded_after_import(function)
    assert "Crypto" not in modules


@pytest.mark.parametrize("function", ["hosted_page", "hosted_page_assets"])
def test_the_hosted_page_draws_qr_codes_only_when_it_shows_one(function: str) -> None:
    modules, _ = loaded_after_import(function)
    assert "segno" not in modules
