"""The botocore data the DynamoDB client reads, trimmed to DynamoDB and shipped with the layer.

Making a client, botocore lists every service it knows (some 400 folders) to check the name, parses
`endpoints.json` (1.2 MB, every service in every Region) for its endpoint resolver, and the
DynamoDB model with all its documentation: about 40 ms of a ~60 ms client, which the first request
of every container pays (docs/decisions.md, Cold start). The client reads, from this folder alone:
`endpoints.json` with only DynamoDB's entries (every partition and Region kept), the DynamoDB model
without its documentation strings (botocore uses them for docstrings only), and the small files
(`partitions.json`, `_retry.json`, `sdk-default-configuration.json`, DynamoDB's endpoint rules,
paginators and waiters) as they are.

The folder is generated from the installed botocore, whose version the layer pins (`make lock`
regenerates it): `python -m checkout.adapters.dynamodb.service_data`. tests/unit checks it is what
the installed botocore gives, so a botocore upgrade cannot leave it stale.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

from botocore.loaders import Loader

DATA = Path(__file__).resolve().parent / "botocore_data"
SERVICE = "dynamodb"
API_VERSION = "2012-08-10"
_SHARED = ("partitions.json", "_retry.json", "sdk-default-configuration.json")
_SERVICE_FILES = ("endpoint-rule-set-1.json", "paginators-1.json", "waiters-2.json")
_DOCUMENTATION = frozenset({"documentation", "documentationUrl"})


def loader() -> Loader:
    """A loader that searches this folder only."""
    return Loader(extra_search_paths=[str(DATA)], include_default_search_paths=False)


def trimmed(botocore_data: Path) -> dict[str, Any]:
    """Relative path -> content of every file the folder holds, from botocore's own data folder."""
    files: dict[str, Any] = {}
    endpoints = _read(botocore_data / "endpoints.json")
    for partition in endpoints["partitions"]:
        partition["services"] = {
            name: entry for name, entry in partition["services"].items() if name == SERVICE
        }
    files["endpoints.json"] = endpoints
    for name in _SHARED:
        files[name] = _read(botocore_data / name)
    service = botocore_data / SERVICE / API_VERSION
    files[f"{SERVICE}/{API_VERSION}/service-2.json"] = _without_documentation(
        _read(service / "service-2.json")
    )
    for name in _SERVICE_FILES:
        files[f"{SERVICE}/{API_VERSION}/{name}"] = _read(service / name)
    return files


def render(content: Any) -> str:
    return json.dumps(content, separators=(",", ":")) + "\n"  # botocore's own key order


def write(botocore_data: Path, into: Path = DATA) -> None:
    shutil.rmtree(into, ignore_errors=True)
    for relative, content in trimmed(botocore_data).items():
        path = into / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(content))


def installed_botocore_data() -> Path:
    import botocore

    return Path(botocore.__file__).resolve().parent / "data"


def _read(path: Path) -> Any:
    """A botocore data file, plain or gzipped (botocore ships both)."""
    if path.exists():
        return json.loads(path.read_text())
    return json.loads(gzip.decompress(path.with_name(path.name + ".gz").read_bytes()))


def _without_documentation(content: Any) -> Any:
    if isinstance(content, dict):
        return {
            key: _without_documentation(value) for key, value in content.items() if key not in _DOCUMENTATION
        }
    if isinstance(content, list):
        return [_without_documentation(value) for value in content]
    return content


if __name__ == "__main__":
    write(installed_botocore_data())
    print(f"wrote {DATA}")
