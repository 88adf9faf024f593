"""API keys (DESIGN 8): minted once, stored only as their SHA-256, verified with a short cache.

    csk_test_<43 base62 characters>      (32 random bytes; `csk_live_` in AWS)

A key is shown once, when it is created; afterwards only its id, name and 12-character prefix are
known. Verification costs one read per key per container per minute at most, so a revocation
takes effect within a minute, and `last_used_at` is written at most once a minute per key.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from checkout.domain.access import Caller, Permission
from checkout.domain.clock import now_ms as system_now_ms
from checkout.domain.ports import Repository
from checkout.domain.records import ApiKeyRecord

KEY_PREFIXES = ("csk_live_", "csk_test_")
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_RANDOM_BYTES = 32
_KEY_SHAPE = re.compile(r"csk_(live|test)_[0-9A-Za-z]{43,64}", re.ASCII)
TOUCH_EVERY_MS = 60_000
_CACHE_ENTRIES = 1024


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def well_formed(key: str) -> bool:
    return _KEY_SHAPE.fullmatch(key) is not None


def _base62(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, digit = divmod(number, 62)
        digits.append(_BASE62[digit])
    return "".join(reversed(digits)).rjust(43, "0")


def mint_key(prefix: str) -> str:
    if prefix not in KEY_PREFIXES:
        raise ValueError(f"key prefix must be one of {KEY_PREFIXES}")
    return prefix + _base62(secrets.token_bytes(_RANDOM_BYTES))


@dataclass(frozen=True)
class NewKey:
    """A key just created: `secret` is the only time the key itself exists outside its holder."""

    record: ApiKeyRecord
    secret: str


class UnknownKey(Exception):
    """No usable key: unknown, revoked, or not this environment's kind."""


class KeyService:
    def __init__(
        self,
        repository: Repository,
        key_prefix: str,
        clock: Callable[[], int] = system_now_ms,
        cache_ms: int = 60_000,
    ) -> None:
        self.repository = repository
        self.key_prefix = key_prefix
        self.clock = clock
        self.cache_ms = cache_ms
        self._cache: OrderedDict[str, tuple[int, ApiKeyRecord | None]] = OrderedDict()
        self._touched: dict[str, int] = {}
        self._lock = threading.Lock()

    def create(self, merchant_id: str, name: str, permission: Permission) -> NewKey:
        secret = mint_key(self.key_prefix)
        now = self.clock()
        record = ApiKeyRecord(
            id="key_" + secrets.token_hex(12),
            key_hash=hash_key(secret),
            merchant_id=merchant_id,
            name=name,
            prefix=secret[:12],
            permissions=sorted(permission.implied(), key=list(Permission).index),
            created_at=now,
        )
        self.repository.create_api_key(record)
        return NewKey(record, secret)

    def revoke(self, key_id: str) -> ApiKeyRecord | None:
        return self.repository.revoke_api_key(key_id, self.clock())

    def caller_for(self, key: str) -> Caller:
        """The merchant a presented key acts for; `UnknownKey` unless it is live and this kind."""
        if not key.startswith(self.key_prefix) or not well_formed(key):
            raise UnknownKey()
        key_hash = hash_key(key)
        record = self._record(key_hash)
        if record is None or record.revoked_at is not None:
            raise UnknownKey()
        self._touch(record)
        return Caller(record.merchant_id, frozenset(Permission(p) for p in record.permissions), record.id)

    def _record(self, key_hash: str) -> ApiKeyRecord | None:
        now = self.clock()
        with self._lock:
            cached = self._cache.get(key_hash)
        if cached is not None and now - cached[0] < self.cache_ms:
            return cached[1]
        record = self.repository.get_api_key(key_hash)
        with self._lock:
            self._cache[key_hash] = (now, record)
            self._cache.move_to_end(key_hash)
            while len(self._cache) > _CACHE_ENTRIES:
                self._cache.popitem(last=False)
        return record

    def _touch(self, record: ApiKeyRecord) -> None:
        """`last_used_at`, at most once a minute per key: this container skips the write inside the
        minute, and the write's own condition keeps other containers from repeating it."""
        now = self.clock()
        last = max(self._touched.get(record.key_hash, 0), record.last_used_at or 0)
        if now - last < TOUCH_EVERY_MS:
            return
        self._touched[record.key_hash] = now
        self.repository.touch_api_key(record.key_hash, now, not_since=now - TOUCH_EVERY_MS)
