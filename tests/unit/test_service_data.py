"""The DynamoDB client's trimmed botocore data (checkout/adapters/dynamodb/service_data.py): what the
installed botocore gives, and a client made from it is the stock client in every way the functions
use: the same operations and shapes, the same endpoint in every partition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.config import Config
from botocore.loaders import Loader

from checkout.adapters.dynamodb.service_data import DATA, installed_botocore_data, loader, render, trimmed

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "ca-central-1", "cn-north-1", "us-gov-west-1"]
FIPS_REGIONS = ["us-east-1", "ca-central-1", "us-gov-west-1"]


def client(data_loader: Loader | None, region: str, **settings: Any) -> Any:
    session = botocore.session.get_session()
    if data_loader is not None:
        session.register_component("data_loader", data_loader)
    return session.create_client(
        "dynamodb",
        region_name=region,
        aws_access_key_id="unit",
        aws_secret_access_key="unit",
        **settings,
    )


def test_the_shipped_folder_is_what_the_installed_botocore_gives() -> None:
    expected = {relative: render(content) for relative, content in trimmed(installed_botocore_data()).items()}
    shipped = {str(path.relative_to(DATA)): path.read_text() for path in DATA.rglob("*.json")}

    assert shipped == expected, "run `python -m checkout.adapters.dynamodb.service_data` (make lock does)"


def test_it_holds_only_dynamodb() -> None:
    assert loader().list_available_services("service-2") == ["dynamodb"]


@pytest.mark.parametrize(
    ("region", "settings"),
    [(region, {}) for region in REGIONS]
    + [(region, {"config": Config(use_fips_endpoint=True)}) for region in FIPS_REGIONS],
)
def test_a_client_from_it_resolves_the_stock_clients_endpoint(region: str, settings: dict[str, Any]) -> None:
    assert (
        client(loader(), region, **settings).meta.endpoint_url
        == client(None, region, **settings).meta.endpoint_url
    )


def test_a_client_from_it_has_the_stock_clients_operations_and_shapes() -> None:
    ours = client(loader(), "us-east-1").meta.service_model
    stock = client(None, "us-east-1").meta.service_model

    assert ours.operation_names == stock.operation_names
    for name in stock.operation_names:
        for shape in ("input_shape", "output_shape"):
            mine, theirs = (
                getattr(ours.operation_model(name), shape),
                getattr(stock.operation_model(name), shape),
            )
            assert (mine and _structure(mine)) == (theirs and _structure(theirs)), (name, shape)
    assert ours.metadata == stock.metadata


def _structure(shape: Any, depth: int = 0) -> Any:
    """A shape's type, its members' structure and its constraints, without documentation."""
    if depth > 6:
        return shape.name
    described: dict[str, Any] = {"type": shape.type_name, "metadata": shape.metadata}
    if shape.type_name == "structure":
        described["members"] = {name: _structure(member, depth + 1) for name, member in shape.members.items()}
        described["required"] = shape.required_members
    elif shape.type_name == "list":
        described["member"] = _structure(shape.member, depth + 1)
    elif shape.type_name == "map":
        described["key"] = _structure(shape.key, depth + 1)
        described["value"] = _structure(shape.value, depth + 1)
    return described


def test_the_folder_is_inside_the_layer_package() -> None:
    assert Path(DATA).is_relative_to(Path(__file__).resolve().parents[2] / "layers" / "checkout" / "checkout")
