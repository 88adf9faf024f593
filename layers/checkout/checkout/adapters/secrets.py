"""Where the order-events HMAC secrets come from: the environment locally, SSM in AWS."""

from __future__ import annotations

from checkout.config import Settings

SECRET_CACHE_SECONDS = 300


class SecretNotConfigured(RuntimeError):
    """Neither ORDER_EVENTS_SECRET nor ORDER_EVENTS_SECRET_PARAMETER is set."""


def order_event_secrets(settings: Settings) -> list[str]:
    """Comma-separated secrets (several during a rotation). In AWS the value is an SSM
    SecureString read through powertools Parameters, cached for five minutes per container."""
    if settings.order_events_secret is not None:
        raw = settings.order_events_secret.get_secret_value()
    elif settings.order_events_secret_parameter:
        # Imported here: it loads boto3, which no other function needs on its cold path.
        from aws_lambda_powertools.utilities import parameters

        raw = str(
            parameters.get_parameter(
                settings.order_events_secret_parameter, decrypt=True, max_age=SECRET_CACHE_SECONDS
            )
        )
    else:
        raise SecretNotConfigured("set ORDER_EVENTS_SECRET or ORDER_EVENTS_SECRET_PARAMETER")
    secrets = [secret.strip() for secret in raw.split(",") if secret.strip()]
    if not secrets:
        raise SecretNotConfigured("the order-events secret is empty")
    return secrets
