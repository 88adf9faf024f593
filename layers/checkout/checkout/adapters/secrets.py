"""Where the order-events HMAC secrets come from: the environment locally, Secrets Manager in AWS."""

from __future__ import annotations

from checkout.config import Settings

# A rotation (a new value put on the secret) reaches every warm container within this time.
SECRET_CACHE_SECONDS = 300


class SecretNotConfigured(RuntimeError):
    """The configured secret holds no usable value."""


def order_event_secrets(settings: Settings) -> list[str]:
    """Comma-separated secrets (several during a rotation). In AWS the value is the stack's
    Secrets Manager secret, read through powertools Parameters and cached per container."""
    source = settings.order_events_secret_source()
    if isinstance(source, str):
        # Imported here: it loads boto3, which no other function needs on its cold path.
        from aws_lambda_powertools.utilities import parameters

        raw = parameters.get_secret(source, max_age=SECRET_CACHE_SECONDS)
        if not isinstance(raw, str):
            raise SecretNotConfigured("the order-events secret must be a string secret")
    else:
        raw = source.get_secret_value()
    secrets = [secret.strip() for secret in raw.split(",") if secret.strip()]
    if not secrets:
        raise SecretNotConfigured("the order-events secret is empty")
    return secrets
