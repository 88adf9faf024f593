"""The hosted page's states, rendered on the server from the session and its order.

The server renders every state, so a reload (or a browser without JavaScript) shows the linked
order's instructions again; the script only links orders, copies, counts down and follows the status
(reloading when the state changes, so each state has one rendering: this one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from checkout.config import Settings
from checkout.domain.errors import SessionNotFound
from checkout.domain.onramp import COINBASE_NETWORKS
from checkout.domain.records import OrderRecord, PaymentConfig, SessionRecord
from checkout.domain.status import ExpiryCause, SessionStatus
from checkout.domain.tokens import chain_name, find_token, grouped, token_units
from checkout.web.hosted.assets import asset_url
from checkout.web.hosted.markup import Markup, escape, join, render
from checkout.web.hosted.qr import qr_svg


class PageState(StrEnum):
    CHOOSE = "choose"  # open, no order yet: pay with crypto or card
    CRYPTO = "crypto"  # a crypto order is linked: its deposit instructions
    CARD = "card"  # an onramp order is linked: continue at the vendor
    PROCESSING = "processing"
    COMPLETE = "complete"
    EXPIRED = "expired"


# Where card payments are offered (Coinbase Onramp serves these, among others); US first.
CARD_COUNTRIES = (
    ("US", "United States"),
    ("AU", "Australia"),
    ("AT", "Austria"),
    ("BE", "Belgium"),
    ("BR", "Brazil"),
    ("CA", "Canada"),
    ("DK", "Denmark"),
    ("FI", "Finland"),
    ("FR", "France"),
    ("DE", "Germany"),
    ("IE", "Ireland"),
    ("IT", "Italy"),
    ("MX", "Mexico"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("PL", "Poland"),
    ("PT", "Portugal"),
    ("SG", "Singapore"),
    ("ES", "Spain"),
    ("SE", "Sweden"),
    ("CH", "Switzerland"),
    ("GB", "United Kingdom"),
)

EXPIRY_REASONS = {
    ExpiryCause.CLOCK: "This checkout expired before it was paid.",
    ExpiryCause.MERCHANT: "The merchant cancelled this checkout.",
    ExpiryCause.DEPOSIT_MISSED: "The time to send the payment ran out before it arrived.",
    ExpiryCause.PAYMENT_FAILED: "The payment could not be completed. Funds that were received are refunded.",
}
EXPIRED_WITHOUT_CAUSE = "This checkout has ended."
SUMMARY_LABELS = {PageState.PROCESSING: "Amount", PageState.COMPLETE: "Amount paid"}
STATUS_TEXT = {
    PageState.CHOOSE: "Waiting for you to choose how to pay.",
    PageState.CRYPTO: "Waiting for your payment.",
    PageState.CARD: "Waiting for your card payment.",
    PageState.PROCESSING: "Payment received. Confirming it on the network.",
}


@dataclass(frozen=True)
class Amount:
    """What the buyer pays, as people read it."""

    shown: str  # 1,234.5
    plain: str  # 1234.5: what the copy button copies, what a wallet takes
    symbol: str  # USDC, or "base units" for a token the configuration does not name
    chain: str
    config: PaymentConfig
    card: bool  # whether the onramp can buy exactly this

    @classmethod
    def of(cls, config: PaymentConfig, settings: Settings) -> Amount:
        token = find_token(settings.payment_tokens, config.chain_id, config.token_address)
        if token is None:
            return cls(
                grouped(config.amount),
                config.amount,
                "base units",
                chain_name(config.chain_id),
                config,
                False,
            )
        units = token_units(config.amount, token.decimals)
        card = (
            token.symbol == settings.coinbase_asset
            and token.decimals == settings.coinbase_asset_decimals
            and config.chain_id in COINBASE_NETWORKS
        )
        return cls(grouped(units), units, token.symbol, chain_name(config.chain_id), config, card)

    @property
    def text(self) -> str:
        return f"{self.shown} {self.symbol}"


def page_state(session: SessionRecord, order: OrderRecord | None) -> PageState:
    if session.status != SessionStatus.OPEN:
        return PageState(session.status)
    if order is None:
        return PageState.CHOOSE
    return PageState.CARD if order.onramp_metadata else PageState.CRYPTO


def checkout_page(session: SessionRecord, order: OrderRecord | None, settings: Settings) -> Markup:
    """The page of a session with a payment config (one without has no page: `url` is null)."""
    if session.payment is None:
        raise SessionNotFound("This checkout session has no hosted page", param="id")
    amount = Amount.of(session.payment, settings)
    state = page_state(session, order)
    summary = render(
        "summary",
        label=SUMMARY_LABELS.get(state, "Amount due"),
        amount=amount.shown,
        symbol=amount.symbol,
        chain=amount.chain,
        token_address=amount.config.token_address,
    )
    content = _content(state, session, order, amount, summary)
    attributes = {
        "data-state": state,
        "data-session": session.id,
        "data-chain": str(amount.config.chain_id),
        "data-token": amount.config.token_address,
        "data-amount": amount.config.amount,
        "data-recipient": amount.config.recipient_address,
        "data-success-url": session.success_url or "",
    }
    return _layout(f"Pay {amount.text}", _attributes(attributes), content)


def not_found_page() -> Markup:
    return _layout("Checkout not found", Markup(""), render("not_found"))


def error_page() -> Markup:
    return _layout("Checkout unavailable", Markup(""), render("error"))


def _layout(title: str, attributes: Markup, content: Markup) -> Markup:
    return render(
        "layout",
        title=title,
        css_url=asset_url("pay.css"),
        js_url=asset_url("pay.js"),
        icon_url=asset_url("icon.svg"),
        attributes=attributes,
        content=content,
    )


def _content(
    state: PageState, session: SessionRecord, order: OrderRecord | None, amount: Amount, summary: Markup
) -> Markup:
    status = render("status", text=STATUS_TEXT.get(state, ""))
    if state == PageState.CHOOSE:
        card = render("card_choice", countries=_country_options()) if amount.card else Markup("")
        return render("choose", summary=summary, card=card, deadline=_deadline(session.expires_at * 1000))
    if state == PageState.CRYPTO and order is not None:
        return render(
            "crypto",
            summary=summary,
            amount=amount.text,
            amount_plain=amount.plain,
            symbol=amount.symbol,
            chain=amount.chain,
            address=order.global_address,
            qr=qr_svg(order.global_address),
            deadline=_deadline(order.expired_at),
            status=status,
        )
    if state == PageState.CARD and order is not None:
        return render(
            "card",
            summary=summary,
            buy_url=order.one_click_buy_url or "",
            deadline=_deadline(order.expired_at),
            status=status,
        )
    if state == PageState.PROCESSING:
        return render("processing", summary=summary, status=status)
    if state == PageState.COMPLETE:
        onward = (
            render("success_link", url=session.success_url) if session.success_url else render("close_note")
        )
        return render("complete", summary=summary, onward=onward)
    reason = EXPIRY_REASONS[session.expired_by] if session.expired_by else EXPIRED_WITHOUT_CAUSE
    back = render("cancel_link", url=session.cancel_url) if session.cancel_url else render("close_note")
    return render("expired", reason=reason, back=back)


def _deadline(epoch_ms: int) -> Markup:
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    return render(
        "deadline",
        iso=moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        epoch_ms=str(epoch_ms),
        text=moment.strftime("%d %b %Y, %H:%M UTC"),
    )


def _country_options() -> Markup:
    return join(
        [
            render("option", value=code, label=name, selected=Markup(" selected" if index == 0 else ""))
            for index, (code, name) in enumerate(CARD_COUNTRIES)
        ]
    )


def _attributes(values: dict[str, str]) -> Markup:
    """` name="value"` pairs: the names are this module's constants, every value is escaped."""
    return join([Markup(f' {name}="{escape(value)}"') for name, value in values.items()])
