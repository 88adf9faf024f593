"""What the Lambda layer installs is exactly what the tests ran against."""

from __future__ import annotations

import re

from tests.support import ROOT


def pins(path: str) -> dict[str, str]:
    found = {}
    for line in (ROOT / path).read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line.strip()):
            found[match.group(1).lower().replace("_", "-")] = match.group(2)
    return found


def test_every_layer_requirement_is_pinned_to_the_locked_version() -> None:
    layer, lock = pins("layers/checkout/requirements.txt"), pins("requirements.lock")
    assert layer, "the layer pins its requirements"
    assert {name: lock.get(name) for name in layer} == layer
