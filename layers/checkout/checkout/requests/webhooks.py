"""`/api/v1/webhooks` requests (DESIGN 11), as the published SDK's `CreateWebhookParams`,
`UpdateWebhookParams` and `PaginationParams` send them."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

from checkout.domain.webhook_records import EVERY_EVENT, EventType, WebhookChanges
from checkout.domain.webhook_urls import MAX_URL_LENGTH, url_problem
from checkout.requests.parsing import problem, settings_from
from checkout.requests.query import QueryInteger

MAX_EVENTS = len(EventType)
MAX_DELIVERIES_LIMIT = 100


def _destination(value: str, info: ValidationInfo) -> str:
    if found := url_problem(value, settings_from(info).webhook_allow_loopback):
        raise problem(found)
    return value


def _event_types(values: list[str]) -> list[str]:
    known = {event.value for event in EventType}
    for value in values:
        if value != EVERY_EVENT and value not in known:
            raise problem(f'must name events among {", ".join(sorted(known))}, or be ["*"]')
    if EVERY_EVENT in values and len(values) > 1:
        raise problem('must be ["*"] alone when it subscribes to every event')
    return list(dict.fromkeys(values))  # once each, in the order given


# As a redirect URL's (requests/sessions.py): the rule in words, a `format` naming it, and nothing
# stated by machine that an accepted URL could break.
WEBHOOK_URL_SCHEMA: dict[str, Any] = {
    "type": "string",
    "format": "webhook-url",
    "minLength": 1,
    "maxLength": MAX_URL_LENGTH,
    "description": "An absolute https URL, at most 2048 characters: no credentials, fragment, whitespace"
    " or control characters, and no private, loopback, link-local or reserved address (plain http only"
    " to localhost or 127.0.0.1, on a local stack).",
    "examples": ["https://shop.example.com/webhooks/checkout"],
}
EVENTS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {"type": "string", "enum": [*(event.value for event in EventType), EVERY_EVENT]},
    "if": {"contains": {"const": EVERY_EVENT}},
    "then": {"maxItems": 1},
    "else": {"maxItems": MAX_EVENTS + 1},
    "description": 'The events to send (a name given twice counts once), or `["*"]` alone for every event.',
}
WebhookUrl = Annotated[
    str, Field(min_length=1), AfterValidator(_destination), WithJsonSchema(WEBHOOK_URL_SCHEMA)
]
EventTypes = Annotated[
    list[str],
    Field(min_length=1, max_length=MAX_EVENTS + 1),
    AfterValidator(_event_types),
    WithJsonSchema(EVENTS_SCHEMA),
]
Description = Annotated[str, Field(max_length=500)]
UPDATABLE = ("url", "events", "is_active", "description")


class CreateWebhookRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    url: WebhookUrl
    events: EventTypes
    description: Description | None = None


class UpdateWebhookRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        # at least one change: a field that is present and not null
        json_schema_extra={
            "anyOf": [
                {"required": [name], "properties": {name: {"not": {"type": "null"}}}} for name in UPDATABLE
            ]
        },
    )

    url: WebhookUrl | None = None
    events: EventTypes | None = None
    is_active: bool | None = None
    description: Description | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> UpdateWebhookRequest:
        if self.url is None and self.events is None and self.is_active is None and self.description is None:
            raise problem("must set at least one of url, events, is_active, description")
        return self

    def changes(self) -> WebhookChanges:
        return WebhookChanges(
            url=self.url, events=self.events, is_active=self.is_active, description=self.description
        )


class DeliveriesQuery(BaseModel):
    """`GET /api/v1/webhooks/{id}/deliveries?page=&limit=` (query values are text)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    page: QueryInteger = Field(default=1, ge=1)
    limit: QueryInteger = Field(default=10, ge=1, le=MAX_DELIVERIES_LIMIT)
