"""Cold import + init of each function vs. `import boto3; boto3.client("dynamodb")`.

Each sample is a fresh interpreter (a cold Lambda), timed from inside so interpreter start-up
itself is excluded from both sides; the figure is the median of several runs. The clock is the
interpreter's CPU time: with the page cache warm, importing is CPU-bound, and CPU time does not
count the moments another process holds the core (this machine has two), so ratios stay steady.
Functions build their DynamoDB client on first use, so a second figure adds that client (the goal's
figure). The repository and the domain services load on first use too (`checkout.composition`), so
a third figure, outside the goal, is what building the services the function's module names adds to
the second: the first request pays it as well (and, with a key or an Idempotency-Key, the key
service or powertools' idempotency store on top).

Samples run with Lambda's `AWS_LAMBDA_FUNCTION_NAME`, Region and credentials set, as a container has
them (the cold path then runs without the cyclic garbage collector: checkout.coldstart; botocore
never asks the instance metadata service for credentials), and with every module's bytecode
compiled first, as the built package ships it (`make sam-build`).

A reference line measures the design's stack alone, with no code of ours: the functions' botocore
client, a pydantic model, Mangum, powertools' Logger and Metrics.
"""

from __future__ import annotations

import compileall
import importlib.metadata
import json
import os
import re
import statistics
import subprocess
import sys
from dataclasses import dataclass
from functools import cache

from devstack.settings import LOCAL_DEFAULTS
from devstack.template import ROOT, FunctionSpec, functions, load_template

BASELINE = "import boto3; boto3.client('dynamodb')"
_TIMER = """
import sys, time
{guard}
_start = time.process_time()
{body}
print(time.process_time() - _start)
"""
# Only the layer's packages (requirements/runtime.txt) can be imported, as in Lambda: this venv also
# has the tools' packages, some of which libraries pick up when present (an optional speed-up or
# backend found installed changes what an import costs).
_GUARD = """
class _LayerOnly:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}} (not in the layer)", name=name)
        return None
sys.meta_path.insert(0, _LayerOnly())
"""


@cache
def _not_in_layer() -> frozenset[str]:
    """Top-level modules of the installed distributions the layer does not ship."""
    locked = (ROOT / "requirements" / "runtime.txt").read_text()
    shipped = {_normalized(line.split("==")[0]) for line in locked.splitlines() if "==" in line}
    return frozenset(
        module
        for module, distributions in importlib.metadata.packages_distributions().items()
        if not any(_normalized(name) in shipped for name in distributions)
    )


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


_LOAD_HANDLER = """
import importlib.util
spec = importlib.util.spec_from_file_location("app", {path!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
module.handler
"""


_WITH_CLIENT = "\nfrom checkout.adapters.dynamodb.client import default_client\ndefault_client()\n"
# The composition factories the function's module imported and calls without arguments (its services).
_WITH_SERVICES = """
import inspect
from checkout import composition
for _name, _factory in list(vars(module).items()):
    if (
        getattr(composition, _name, None) is _factory
        and hasattr(_factory, "cache_info")
        and not inspect.signature(_factory).parameters
    ):
        _factory()
"""
STACK_ALONE = "stack alone"
_STACK = """
from checkout.adapters.dynamodb.client import default_client
default_client()
import pydantic
class Model(pydantic.BaseModel):
    field: int
import mangum
from aws_lambda_powertools import Logger, Metrics
Logger(service="bench"), Metrics(namespace="bench", service="bench")
"""


HTTP, NO_TABLE, OTHER = "http", "no table", "other"


def kind(name: str) -> str:
    """`NO_TABLE` for a function whose policies reach no DynamoDB table (it never makes a client),
    else `HTTP` for one behind the API, else `OTHER` (stream, schedule)."""
    spec = next(spec for spec in functions() if spec.code_uri.name == name)
    resources = load_template()["Resources"]
    properties = resources[spec.logical_id]["Properties"]
    policies = resources[properties["Role"]["Fn::GetAtt"][0]] if "Role" in properties else properties
    if '"dynamodb:' not in json.dumps(policies.get("Policies") or policies.get("Properties", {})):
        return NO_TABLE
    return HTTP if spec.routes else OTHER


@dataclass(frozen=True)
class ColdStart:
    name: str
    median_ms: float
    ratio: float
    with_client_ms: float
    with_client_ratio: float
    services_ms: float  # what building its services adds to `with_client_ms` (0: it names none)


def _function_environment() -> dict[str, str]:
    """What the functions check at start: their template environment, with the local values of
    the parameters that have no default."""
    env = {name: value for spec in functions() for name, value in spec.environment.items() if value}
    local = ("DEPOSIT_FACTORY_ADDRESS", "DEPOSIT_INIT_CODE_HASH", "ORDER_EVENTS_SECRET")
    return {
        **env,
        **{name: LOCAL_DEFAULTS[name] for name in local},
        "AWS_LAMBDA_FUNCTION_NAME": "ColdStartBench",
    }


# What a Lambda container's environment has that a client reads when it is made: the Region and
# the role's credentials (so botocore never asks the instance metadata service), and no
# AWS_CA_BUNDLE (this machine sets one; Lambda uses botocore's own).
_LAMBDA = {
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "ASIABENCHBENCHBENCH0",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_SESSION_TOKEN": "bench",
}
_NOT_IN_LAMBDA = {"PYTHONDONTWRITEBYTECODE", "AWS_CA_BUNDLE", "AWS_PROFILE", "AWS_CONFIG_FILE"}


def _sample(body: str) -> float:
    env = {
        **{name: value for name, value in os.environ.items() if name not in _NOT_IN_LAMBDA},
        **_function_environment(),
        **_LAMBDA,
        "PYTHONPATH": str(ROOT / "layers" / "checkout"),
        "TABLE_NAME": "bench",
    }
    output = subprocess.run(
        [
            sys.executable,
            "-c",
            _TIMER.format(guard=_GUARD.format(blocked=sorted(_not_in_layer())), body=body),
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    return float(output.strip().splitlines()[-1]) * 1000


def measure(runs: int = 7, specs: list[FunctionSpec] | None = None) -> tuple[float, list[ColdStart]]:
    """Samples are interleaved round by round (baseline, then each function), so background
    load on the machine hits every figure alike and the ratios stay comparable."""
    for folder in (ROOT / "layers" / "checkout", ROOT / "functions"):
        compileall.compile_dir(folder, quiet=1)  # bytecode, as the built package has it
    bodies = {"baseline": BASELINE, STACK_ALONE + "+client": _STACK}
    for spec in specs or functions():
        load = _LOAD_HANDLER.format(path=str(spec.module_path))
        bodies[spec.code_uri.name] = load
        bodies[spec.code_uri.name + "+client"] = load + _WITH_CLIENT
        bodies[spec.code_uri.name + "+services"] = load + _WITH_CLIENT + _WITH_SERVICES
    for body in bodies.values():
        _sample(body)  # warm the page cache and .pyc files, as a deployed package would be
    samples: dict[str, list[float]] = {name: [] for name in bodies}
    for _ in range(runs):
        for name, body in bodies.items():
            samples[name].append(_sample(body))
    median = {name: statistics.median(values) for name, values in samples.items()}
    baseline = median.pop("baseline")
    median[STACK_ALONE] = median[STACK_ALONE + "+client"]  # its one body has the client already
    median[STACK_ALONE + "+services"] = median[STACK_ALONE]
    results = [
        ColdStart(
            name,
            median[name],
            median[name] / baseline,
            median[name + "+client"],
            median[name + "+client"] / baseline,
            max(0.0, median[name + "+services"] - median[name + "+client"]),
        )
        for name in median
        if "+" not in name
    ]
    return baseline, results
