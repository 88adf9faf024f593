"""One-click onramp URLs, built locally from configuration: no network call at order time."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from checkout.config import Settings
from checkout.domain.tokens import token_units

# Coinbase Onramp network names for the chains this service supports.
COINBASE_NETWORKS = {
    1: "ethereum",
    10: "optimism",
    56: "bsc",
    137: "polygon",
    8453: "base",
    42161: "arbitrum",
    43114: "avalanche-c-chain",
}


class OnrampUnavailable(ValueError):
    """The vendor has no network for the order's source chain."""


def coinbase_one_click_buy_url(
    settings: Settings,
    *,
    deposit_address: str,
    chain_id: int,
    amount_base_units: str,
    payment_method: str,
    country: str,
    redirect_url: str | None,
) -> str:
    """A Coinbase Onramp buy URL that sends the bought asset straight to the deposit address.

    Every value is URL-encoded by `urlencode`; the amount is converted from base units using
    the configured asset's decimals.
    """
    network = COINBASE_NETWORKS.get(chain_id)
    if network is None:
        raise OnrampUnavailable(f"coinbase onramp is not available on chain {chain_id}")
    params = {
        "appId": settings.coinbase_app_id,
        "addresses": json.dumps({deposit_address: [network]}, separators=(",", ":")),
        "assets": json.dumps([settings.coinbase_asset], separators=(",", ":")),
        "defaultAsset": settings.coinbase_asset,
        "defaultNetwork": network,
        "presetCryptoAmount": token_units(amount_base_units, settings.coinbase_asset_decimals),
        "defaultPaymentMethod": payment_method.upper(),
        "fiatCurrency": "USD",
        "country": country,
    }
    if redirect_url:
        params["redirectUrl"] = redirect_url
    return f"{settings.coinbase_onramp_base_url}?{urlencode(params)}"
