"""The webhooks' wire objects (DESIGN 11), as the published SDK's types describe them: `Webhook`,
`WebhookDelivery`, `DeletedResponse`, `ActionResponse`, `ListResponse`. The events' payloads are
in `webhook_payloads` and `transition_payloads`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from checkout.domain.webhook_records import DeliveryAttempt, Webhook
from checkout.web.list_response import list_response

if TYPE_CHECKING:
    from checkout.domain.webhook_ports import AttemptPage

LIST_URL = "/api/v1/webhooks"


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class WebhookView(_View):
    object: Literal["webhook"] = "webhook"
    id: str
    url: str
    events: list[str]
    description: str | None
    is_active: bool
    success_count: int
    failure_count: int
    last_triggered_at: int | None
    created_at: int
    updated_at: int

    @classmethod
    def of(cls, webhook: Webhook) -> WebhookView:
        return cls.model_validate(webhook, from_attributes=True)


class DeliveryView(_View):
    object: Literal["webhook_delivery"] = "webhook_delivery"
    id: str
    webhook_id: str
    event_id: str
    event_type: str
    url: str
    status: Literal["success", "failed"]
    status_code: int | None
    response_body: str | None
    error_message: str | None
    duration_ms: int
    attempted_at: int
    created_at: int

    @classmethod
    def of(cls, attempt: DeliveryAttempt) -> DeliveryView:
        return cls.model_validate(attempt, from_attributes=True)


class CreatedWebhookView(WebhookView):
    """The answer to the create that made the webhook: the only one that shows its secret."""

    secret: str


class DeletedWebhookView(_View):
    """The SDK's `DeletedResponse`."""

    object: Literal["webhook"] = "webhook"
    id: str
    deleted: Literal[True] = True


class ActionView(_View):
    """The SDK's `ActionResponse`, with the delivery the action made (the SDK passes extra fields
    through)."""

    object: Literal["action"] = "action"
    action: Literal["test", "retry"]
    success: bool
    delivery: DeliveryView


def webhook_view(webhook: Webhook, *, with_secret: bool = False) -> dict[str, Any]:
    """The signing secret goes out once: in the answer to the create that made it (`with_secret`,
    given the `WebhookRecord` that create made)."""
    view = CreatedWebhookView if with_secret else WebhookView
    return view.model_validate(webhook, from_attributes=True).model_dump(mode="json")


def webhook_list(webhooks: list[Webhook]) -> dict[str, Any]:
    # a merchant has at most a handful: all of them, every time
    return list_response([webhook_view(webhook) for webhook in webhooks], False, len(webhooks), LIST_URL)


def delivery_view(attempt: DeliveryAttempt) -> dict[str, Any]:
    return DeliveryView.of(attempt).model_dump(mode="json")


def delivery_list(webhook_id: str, page: AttemptPage) -> dict[str, Any]:
    deliveries = [delivery_view(attempt) for attempt in page.attempts]
    return list_response(deliveries, page.has_more, page.total_count, f"{LIST_URL}/{webhook_id}/deliveries")


def deleted(webhook_id: str) -> dict[str, Any]:
    return DeletedWebhookView(id=webhook_id).model_dump(mode="json")


def action(name: Literal["test", "retry"], attempt: DeliveryAttempt) -> dict[str, Any]:
    return ActionView(
        action=name, success=attempt.status == "success", delivery=DeliveryView.of(attempt)
    ).model_dump(mode="json")
