"""Fixtures shared by every test: a clean AWS-ish environment and fresh service caches."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from checkout import composition


@pytest.fixture
def clean_services() -> Iterator[None]:
    composition.reset()
    yield
    composition.reset()
