"""Checkout sessions domain: models, state machines, repository and HTTP glue."""
