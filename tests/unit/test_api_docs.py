"""GET /openapi.json and GET /docs: the committed document, and the same document as a page that
loads nothing (its one stylesheet inline, allowed by its hash) and escapes every value."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest

from apidoc.document import DOCUMENT_PATH
from checkout.web.apidocs import _type, docs_page
from tests.builders import http_event
from tests.support import invoke_page


@pytest.fixture
def function_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TABLE_NAME", "checkout-unit")


def test_the_document_is_served_as_committed(function_env: None) -> None:
    response = invoke_page("openapi_document", http_event("openapi_document"))

    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.body == DOCUMENT_PATH.read_bytes()
    assert json.loads(response.body)["openapi"] == "3.1.0"


def test_the_page_shows_every_operation_and_schema(function_env: None) -> None:
    response = invoke_page("api_docs", http_event("api_docs"))
    document = json.loads(DOCUMENT_PATH.read_text())

    assert response.status == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    for methods in document["paths"].values():
        for operation in methods.values():
            assert f'id="op-{operation["operationId"]}"' in response.text
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in response.text


def test_the_page_loads_nothing_and_its_stylesheet_is_allowed_by_its_hash(function_env: None) -> None:
    response = invoke_page("api_docs", http_event("api_docs"))
    policy = response.headers["content-security-policy"]
    style = re.search(r"<style>(.*?)</style>", response.text, re.S)

    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy
    assert policy.startswith("default-src 'none'")
    assert not re.search(r"<script|<link|<img|src=|@import|url\(", response.text)
    assert not re.search(r'href="(?!#|openapi\.json")', response.text), "only links within the page"


def test_values_from_the_document_are_escaped() -> None:
    shown = _type({"type": "string", "pattern": "^<script>&$"})

    assert "<script>" not in shown and "&lt;script&gt;&amp;" in shown
    assert "<script" not in docs_page()
