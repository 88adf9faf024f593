"""GET /pay/assets/{file}: the hosted page's script, stylesheet and icon, from the layer's package.
Every file the page loads comes from here: no third party. It reads no table."""

from __future__ import annotations

from checkout.startup import check_settings
from checkout.web.pages import WebResponse, asset_response, page_handler
from checkout.web.request import ApiRequest

# Init phase: the same settings check as every function (the deployment is one).
check_settings()


def hosted_page_asset(request: ApiRequest) -> WebResponse:
    return asset_response(
        request.path_parameter("file"), request.query.get("v"), request.headers.get("if-none-match")
    )


handler = page_handler(hosted_page_asset)
