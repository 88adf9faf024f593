"""GET /docs: the OpenAPI document as a readable page, rendered on the server. The page loads
nothing (its one stylesheet is inline, allowed by its hash). It reads no table and no key."""

from __future__ import annotations

from checkout.startup import check_settings
from checkout.web.apidocs import docs_page, page_security_policy
from checkout.web.pages import WebResponse, html, page_handler
from checkout.web.request import ApiRequest

# Init phase: the same settings check as every function (the deployment is one).
check_settings()


def api_docs(request: ApiRequest) -> WebResponse:
    page = html(docs_page())
    return WebResponse(
        page.body,
        page.content_type,
        headers={"Cache-Control": "public, max-age=300", "Content-Security-Policy": page_security_policy()},
    )


handler = page_handler(api_docs)
