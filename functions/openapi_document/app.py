"""GET /openapi.json: the OpenAPI 3.1 document of both surfaces, as committed (`make openapi`).
It reads no table and no key."""

from __future__ import annotations

from checkout.startup import check_settings
from checkout.web.apidocs import document_bytes
from checkout.web.pages import WebResponse, page_handler
from checkout.web.request import ApiRequest

# Init phase: the same settings check as every function (the deployment is one).
check_settings()


def openapi_document(request: ApiRequest) -> WebResponse:
    return WebResponse(document_bytes(), "application/json", headers={"Cache-Control": "public, max-age=300"})


handler = page_handler(openapi_document)
