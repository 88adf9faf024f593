"""Reads `template.yaml`: the one source of truth for the table, the functions and their triggers."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from devstack.specs import (
    ANY_METHOD,
    DEFAULT_MEMORY_MB,
    DEFAULT_ROUTE,
    DEFAULT_TIMEOUT_S,
    INTEGRATION_TIMEOUT_MS,
    FunctionSpec,
    HttpRoute,
)

__all__ = ["ROOT", "TEMPLATE_PATH", "FunctionSpec", "HttpRoute", "functions", "load_template"]

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that keeps CloudFormation short-form tags as their long-form dicts."""


def _tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


_CfnLoader.add_multi_constructor("!", _tag)


@lru_cache(maxsize=4)
def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open() as handle:
        document = yaml.load(handle, Loader=_CfnLoader)
    if not isinstance(document, dict):
        raise ValueError(f"{path} is not a template")
    return document


def parameter_defaults(template: dict[str, Any]) -> dict[str, str]:
    return {name: str(spec.get("Default", "")) for name, spec in template.get("Parameters", {}).items()}


# What the pseudo parameters are locally (a `Sub` of them makes a plausible AWS value).
PSEUDO_PARAMETERS = {
    "AWS::Region": "us-east-1",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::Partition": "aws",
    "AWS::AccountId": "123456789012",
    "AWS::StackName": "checkout",
}


def _resolve(value: Any, refs: dict[str, str]) -> str:
    """Resolves the intrinsic functions the template's environment uses, for local runs."""
    if isinstance(value, dict) and "Ref" in value:
        return refs.get(value["Ref"], PSEUDO_PARAMETERS.get(value["Ref"], ""))
    if isinstance(value, dict) and "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
        return re.sub(
            r"\$\{([\w:.]+)\}",
            lambda m: refs.get(m.group(1), PSEUDO_PARAMETERS.get(m.group(1), "")),
            value["Fn::Sub"],
        )
    if isinstance(value, dict):
        return ""  # an attribute that only exists in AWS (e.g. a queue ARN)
    return str(value)


def _rate_seconds(expression: str) -> int:
    found = re.fullmatch(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)", expression.strip())
    if not found:
        raise ValueError(f"unsupported schedule {expression!r}")
    unit = {"minute": 60, "hour": 3600, "day": 86400}[found.group(2).rstrip("s")]
    return int(found.group(1)) * unit


def _http_route(properties: dict[str, Any], logical_id: str) -> HttpRoute:
    """SAM's HttpApi event: no Path (or `$default`) is the catch-all route; no Method is ANY."""
    method = str(properties.get("Method", ANY_METHOD)).upper()
    if method == "X-AMAZON-APIGATEWAY-ANY-METHOD":
        method = ANY_METHOD
    return HttpRoute(
        method,
        str(properties.get("Path", DEFAULT_ROUTE)),
        logical_id,
        int(properties.get("TimeoutInMillis", INTEGRATION_TIMEOUT_MS)),
    )


def _layer_folders(layers: list[Any], template: dict[str, Any], base_dir: Path) -> tuple[Path, ...]:
    """The content folders of the template's own layers (`!Ref SomeLayer`); ARNs have none here."""
    resources = template.get("Resources", {})
    folders = []
    for layer in layers:
        resource = resources.get(layer["Ref"]) if isinstance(layer, dict) and "Ref" in layer else None
        if resource and resource.get("Type") == "AWS::Serverless::LayerVersion":
            folders.append(base_dir / resource["Properties"]["ContentUri"])
    return tuple(folders)


def functions(
    refs: dict[str, str] | None = None, template: dict[str, Any] | None = None, base_dir: Path = ROOT
) -> list[FunctionSpec]:
    """Every `AWS::Serverless::Function` with its triggers and resolved environment.

    `refs` gives values for `Ref`s (the table name, parameters); parameter defaults fill the rest.
    `CodeUri` and layer folders are relative to `base_dir`, the template's folder.
    """
    template = template or load_template()
    refs = {**parameter_defaults(template), **(refs or {})}
    globals_ = template.get("Globals", {}).get("Function", {})
    global_env = globals_.get("Environment", {}).get("Variables", {})
    specs = []
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        env_source = {**global_env, **props.get("Environment", {}).get("Variables", {})}
        routes, stream, schedule = [], None, None
        for event in props.get("Events", {}).values():
            if event["Type"] == "HttpApi":
                routes.append(_http_route(event.get("Properties") or {}, logical_id))
            elif event["Type"] == "DynamoDB":
                stream = event["Properties"]
            elif event["Type"] == "Schedule":
                schedule = _rate_seconds(event["Properties"]["Schedule"])
        reserved = props.get("ReservedConcurrentExecutions")
        specs.append(
            FunctionSpec(
                logical_id=logical_id,
                code_uri=base_dir / props["CodeUri"],
                handler=props["Handler"],
                timeout=int(props.get("Timeout", globals_.get("Timeout", DEFAULT_TIMEOUT_S))),
                environment={name: _resolve(value, refs) for name, value in env_source.items()},
                routes=tuple(routes),
                stream=stream,
                schedule_seconds=schedule,
                memory_mb=int(props.get("MemorySize", globals_.get("MemorySize", DEFAULT_MEMORY_MB))),
                layers=_layer_folders(
                    [*globals_.get("Layers", []), *props.get("Layers", [])], template, base_dir
                ),
                reserved_concurrency=None if reserved is None else int(_resolve(reserved, refs)),
            )
        )
    return specs


def table_resources(template: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Every `AWS::DynamoDB::Table` resource's properties, by logical id."""
    template = template or load_template()
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::DynamoDB::Table"
    }


MAIN_TABLE = "Table"


def local_table_names(main_table: str, template: dict[str, Any] | None = None) -> dict[str, str]:
    """A local name for every table: the main one as given, the others after it
    (`IdempotencyTable` → `<main>-idempotency`). Also the values of their `Ref`s locally."""
    return {
        logical_id: main_table if logical_id == MAIN_TABLE else f"{main_table}-{_kebab(logical_id)}"
        for logical_id in table_resources(template)
    }


def _kebab(logical_id: str) -> str:
    words = re.findall(r"[A-Z][a-z0-9]*", logical_id.removesuffix("Table"))
    return "-".join(word.lower() for word in words)


def table_definition(
    table_name: str, template: dict[str, Any] | None = None, logical_id: str = MAIN_TABLE
) -> dict[str, Any]:
    """`CreateTable` arguments built from the template's table resource `logical_id`."""
    props = table_resources(template)[logical_id]
    definition: dict[str, Any] = {
        "TableName": table_name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if indexes := props.get("GlobalSecondaryIndexes"):
        definition["GlobalSecondaryIndexes"] = indexes
    if stream := props.get("StreamSpecification"):
        definition["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": stream["StreamViewType"],
        }
    return definition


def table_ttl_attribute(template: dict[str, Any] | None = None, logical_id: str = MAIN_TABLE) -> str | None:
    ttl = table_resources(template)[logical_id].get("TimeToLiveSpecification", {})
    return str(ttl["AttributeName"]) if ttl.get("Enabled") else None
