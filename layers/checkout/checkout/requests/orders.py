"""`POST /orders` (DESIGN 2.4), camelCase as the AnySpend SDK sends it, validated strictly.

Kept apart from the records and views so that functions which only read orders never import the
keccak implementation the address checks need.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from checkout.domain.countries import ISO_3166_ALPHA_2
from checkout.domain.ids import is_uuid4
from checkout.domain.onramp import COINBASE_NETWORKS
from checkout.requests.addresses import (
    DECIMAL_INTEGER,
    EvmAddress,
    PositiveTokenAmount,
    is_amount_below_2_256,
)
from checkout.requests.fields import (
    FREE_FORM_OBJECT,
    UUID4_PATTERN,
    ChainId,
    Identifier,
    JsonObject,
    Uuid,
)
from checkout.requests.order_link import CALLBACK_SESSION_KEY
from checkout.requests.parsing import problem, problem_at
from checkout.requests.sessions import REDIRECT_URL_SCHEMA, redirect_url

SUPPORTED_ONRAMP_VENDORS = frozenset({"coinbase"})
_PAYMENT_METHOD = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)
_COUNTRIES = sorted(ISO_3166_ALPHA_2)
# A code as written in upper or lower case, exactly the document's enum: `str.upper` alone would
# also take mixed case and Unicode look-alikes (`"\ufb06".upper() == "ST"`, `"\u0131s".upper() == "IS"`).
_COUNTRY_SPELLINGS = frozenset([*_COUNTRIES, *(code.lower() for code in _COUNTRIES)])


def _either_spelling(schema: dict[str, Any]) -> None:
    """The OpenAPI document's view of `onramp`: `paymentMethod` or `payment_method`, exactly one."""
    properties = schema["properties"]
    properties["payment_method"] = properties["paymentMethod"]
    schema["required"] = [name for name in schema["required"] if name != "paymentMethod"]
    schema["oneOf"] = [{"required": ["paymentMethod"]}, {"required": ["payment_method"]}]


class OnrampRequest(BaseModel):
    """As the SDK sends it (`paymentMethod`, `redirectUrl`) or as the seed did (`payment_method`)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, json_schema_extra=_either_spelling)

    vendor: Annotated[str, WithJsonSchema({"type": "string", "enum": sorted(SUPPORTED_ONRAMP_VENDORS)})]
    payment_method: Annotated[
        str, WithJsonSchema({"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$", "examples": ["CARD"]})
    ] = Field(validation_alias=AliasChoices("paymentMethod", "payment_method"))
    country: Annotated[
        str,
        WithJsonSchema(
            {
                "type": "string",
                "enum": sorted(_COUNTRY_SPELLINGS),
                "description": "ISO 3166-1 alpha-2, in upper or lower case",
            }
        ),
    ]
    redirect_url: Annotated[str, WithJsonSchema(REDIRECT_URL_SCHEMA)] | None = Field(
        default=None, validation_alias="redirectUrl"
    )

    @model_validator(mode="before")
    @classmethod
    def _one_spelling(cls, data: Any) -> Any:
        if isinstance(data, dict) and "paymentMethod" in data and "payment_method" in data:
            raise problem("must give paymentMethod or payment_method, not both")
        return data

    @field_validator("vendor")
    @classmethod
    def _known_vendor(cls, value: str) -> str:
        if value not in SUPPORTED_ONRAMP_VENDORS:
            raise problem(f"must be one of: {', '.join(sorted(SUPPORTED_ONRAMP_VENDORS))}")
        return value

    @field_validator("redirect_url")
    @classmethod
    def _acceptable_redirect(cls, value: str | None, info: ValidationInfo) -> str | None:
        # The same rules as a session's success_url; used as given (no session id templating).
        return None if value is None else redirect_url(value, info, templated=False)

    @field_validator("payment_method")
    @classmethod
    def _payment_method(cls, value: str) -> str:
        if not _PAYMENT_METHOD.fullmatch(value):
            raise problem("must be 1-64 letters, digits, '_' or '-'")
        return value

    @field_validator("country")
    @classmethod
    def _iso_country(cls, value: str) -> str:
        if value not in _COUNTRY_SPELLINGS:
            raise problem("must be an ISO 3166-1 alpha-2 country code, in upper or lower case")
        return value.upper()


def _order_rules(schema: dict[str, Any]) -> None:
    """What the OpenAPI document adds to the fields' own schemas: the rules across fields that a
    JSON Schema can state (a swap's expected amount, an onramp's chain, a UUID in callbackMetadata)."""
    schema["allOf"] = [
        {
            "if": {"properties": {"type": {"const": "swap"}}},
            "then": {
                "required": ["payload"],
                "properties": {
                    "payload": {
                        "type": "object",
                        "required": ["expectedDstAmount"],
                        "properties": {
                            "expectedDstAmount": {"type": "string", "pattern": "^(?:0|[1-9][0-9]*)$"}
                        },
                    }
                },
            },
        },
        {
            "if": {"properties": {"onramp": {"type": "object"}}, "required": ["onramp"]},
            "then": {"properties": {"srcChain": {"enum": sorted(COINBASE_NETWORKS)}}},
        },
    ]
    schema["properties"]["callbackMetadata"] = {
        "anyOf": [
            {
                **FREE_FORM_OBJECT,
                "properties": {
                    CALLBACK_SESSION_KEY: {
                        "anyOf": [{"type": "string", "pattern": UUID4_PATTERN}, {"type": "null"}]
                    }
                },
            },
            {"type": "null"},
        ]
    }


class CreateOrderRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, alias_generator=to_camel, json_schema_extra=_order_rules
    )

    recipient_address: EvmAddress
    src_chain: ChainId
    dst_chain: ChainId
    src_token_address: EvmAddress
    dst_token_address: EvmAddress
    src_amount: PositiveTokenAmount
    type: Literal["swap", "custom"]
    payload: JsonObject | None = None
    metadata: JsonObject | None = None
    checkout_session_id: Uuid | None = None
    onramp: OnrampRequest | None = None
    creator_address: EvmAddress | None = None
    partner_id: Identifier | None = None
    client_reference_id: Identifier | None = None
    # What the published SDK adds (DESIGN 13). After `checkout_session_id`: its check reads it.
    callback_metadata: JsonObject | None = None
    fee_on_top: bool | None = None

    @property
    def session_to_link(self) -> str | None:
        """`checkoutSessionId`, or the one in `callbackMetadata` (they agree when both are given)."""
        if self.checkout_session_id is not None:
            return self.checkout_session_id
        linked = (self.callback_metadata or {}).get(CALLBACK_SESSION_KEY)
        return linked.lower() if isinstance(linked, str) else None

    @field_validator("src_amount")
    @classmethod
    def _amount(cls, value: str) -> str:
        if not is_amount_below_2_256(value, positive=True):
            raise problem("must be a decimal integer string greater than 0 and less than 2^256")
        return value

    @field_validator("callback_metadata")
    @classmethod
    def _links_like_checkout_session_id(
        cls, value: dict[str, Any] | None, info: ValidationInfo
    ) -> dict[str, Any] | None:
        linked = (value or {}).get(CALLBACK_SESSION_KEY)
        if linked is None:
            return value
        if not isinstance(linked, str) or not is_uuid4(linked):
            raise problem_at(CALLBACK_SESSION_KEY, "must be a UUID")
        given = info.data.get("checkout_session_id")
        if given is not None and given != linked.lower():
            raise problem_at(CALLBACK_SESSION_KEY, "must be the same session as checkoutSessionId")
        return value

    @model_validator(mode="after")
    def _swap_needs_expected_amount(self) -> CreateOrderRequest:
        if self.type == "swap":
            expected = (self.payload or {}).get("expectedDstAmount")
            if not isinstance(expected, str) or not DECIMAL_INTEGER.fullmatch(expected):
                raise ValueError("a swap needs payload.expectedDstAmount as a decimal integer string")
        return self
