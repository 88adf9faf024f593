"""`POST /api/v1/checkout-sessions` (DESIGN 10), as `CreateCheckoutSessionParams` of the published
SDK sends it: the public create's fields, plus an optional payment config, the customer and UTM tags."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, Field, WithJsonSchema, model_validator

from checkout.domain.records import Customer, PaymentConfig
from checkout.requests.addresses import EvmAddress, PositiveTokenAmount
from checkout.requests.fields import ChainId, Unsupported
from checkout.requests.parsing import problem, problem_with
from checkout.requests.sessions import CreateSessionRequest

# The local part: no space, C0 or C1 control (`\x7f-\x9f`) or byte-order mark. The document states
# this pattern, and the two dialects' `\s` differ: ECMA-262's (a JSON Schema validator's) has the
# byte-order mark and not NEL (`\x85`), Python's the other way round; naming both keeps them equal.
_EMAIL = re.compile(
    r"[^@\s\ufeff\x00-\x1f\x7f-\x9f]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)
PAYMENT_FIELDS = ("amount", "token_address", "chain_id", "recipient_address")
_FIELDS = ", ".join(PAYMENT_FIELDS)


def _email(value: str) -> str:
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise problem("must be an email address")
    return value


Email = Annotated[
    str,
    AfterValidator(_email),
    WithJsonSchema({"type": "string", "maxLength": 254, "pattern": f"^{_EMAIL.pattern}$"}),
]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]


def _payment_config_rules(schema: dict[str, Any]) -> None:
    """The OpenAPI document's view of the payment config: all four fields or none (`null` is absent)."""
    schema["allOf"] = [
        {
            "if": {"properties": {name: {"not": {"type": "null"}}}, "required": [name]},
            "then": {
                "required": list(PAYMENT_FIELDS),
                "properties": {other: {"not": {"type": "null"}} for other in PAYMENT_FIELDS},
            },
        }
        for name in PAYMENT_FIELDS
    ]


class CreatePlatformSessionRequest(CreateSessionRequest):
    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, json_schema_extra=_payment_config_rules
    )

    amount: PositiveTokenAmount | None = None
    token_address: EvmAddress | None = None
    chain_id: ChainId | None = None
    recipient_address: EvmAddress | None = None
    customer_email: Email | None = None
    customer_name: ShortText | None = None
    utm_source: ShortText | None = None
    utm_medium: ShortText | None = None
    utm_campaign: ShortText | None = None
    payment_link_id: Unsupported | None = None
    product_id: Unsupported | None = None

    @model_validator(mode="after")
    def _payment_config_is_whole(self) -> CreatePlatformSessionRequest:
        given = [name for name in PAYMENT_FIELDS if getattr(self, name) is not None]
        if given and len(given) != len(PAYMENT_FIELDS):
            missing = next(name for name in PAYMENT_FIELDS if getattr(self, name) is None)
            raise problem_with(
                missing, f"is required with {given[0]}: a payment config has all four of {_FIELDS}"
            )
        return self

    def payment_config(self) -> PaymentConfig | None:
        if (
            self.amount is None
            or self.token_address is None
            or self.chain_id is None
            or self.recipient_address is None
        ):
            return None
        return PaymentConfig(
            amount=self.amount,
            token_address=self.token_address,
            chain_id=self.chain_id,
            recipient_address=self.recipient_address,
        )

    def customer(self) -> Customer:
        return Customer(email=self.customer_email, name=self.customer_name)

    def utm(self) -> dict[str, str]:
        tags = {
            "utm_source": self.utm_source,
            "utm_medium": self.utm_medium,
            "utm_campaign": self.utm_campaign,
        }
        return {name: value for name, value in tags.items() if value is not None}
