"""What a function writes is JSON lines only (its logs and EMF metrics), from its first invocation on."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support import ROOT, container_environment, function_specs

_INVOKE = """
import importlib.util, json, pathlib
from devstack.lambda_runtime import LambdaContext
spec = importlib.util.spec_from_file_location("app", {path!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
event = json.loads(pathlib.Path({event!r}).read_text())
print(json.dumps({{"statusCode": module.handler(event, LambdaContext("probe"))["statusCode"]}}))
"""


def test_an_invocation_that_records_no_metric_writes_no_plain_text_warning() -> None:
    # `$default` answers a 405 here and records no business metric, which powertools warns about on stderr;
    # `-W default` shows every warning that nothing in the function itself silences.
    spec = function_specs()["default_route"]
    script = _INVOKE.format(path=str(spec.module_path), event=str(ROOT / "events" / "default_route.json"))
    result = subprocess.run(
        [sys.executable, "-W", "default", "-c", script],
        env={**container_environment("default_route", with_project=True), "AWS_DEFAULT_REGION": "us-east-1"},
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stderr == ""
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[-1] == {"statusCode": 405}
