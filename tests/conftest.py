"""Fixtures shared by every test: a clean AWS-ish environment and fresh service caches."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from checkout import services


@pytest.fixture
def clean_services() -> Iterator[None]:
    services.reset()
    yield
    services.reset()
