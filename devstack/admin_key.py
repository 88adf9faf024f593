"""The admin key `make dev` prints for the built-in merchant, so a merchant's client can call the
`/api/v1` surface (and manage webhooks) as soon as the stack serves.

Minted by the same code as `make api-key`. With persisted data the key is kept beside the data
(the table holds only its hash, so it could not be shown again) and printed again on the next
start while it is still live; `make dev-reset` wipes both together. In-memory runs mint a new one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from checkout.adapters.dynamodb.repository import DynamoDBRepository
from checkout.config import Settings
from checkout.domain.access import Permission
from checkout.domain.api_keys import KeyService, UnknownKey

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

LOCAL_MERCHANT = "acct_local"
LOCAL_KEY_PREFIX = "csk_test_"
KEY_FILE = "local-admin-key"


def ready_admin_key(client: DynamoDBClient, table_name: str, data_dir: Path | None) -> str:
    keys = KeyService(
        DynamoDBRepository(table_name, Settings(table_name=table_name), client), LOCAL_KEY_PREFIX
    )
    saved = None if data_dir is None else data_dir / KEY_FILE
    if saved is not None and saved.is_file():
        key = saved.read_text().strip()
        try:
            keys.caller_for(key)
            return key
        except UnknownKey:
            pass  # revoked since, or the data was replaced: mint another
    key = keys.create(LOCAL_MERCHANT, "make dev", Permission.ADMIN).secret
    if saved is not None:
        saved.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(saved, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(key + "\n")
    return key
