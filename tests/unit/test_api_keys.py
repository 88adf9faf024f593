"""API keys (DESIGN 8): minted once, kept only as a hash, verified with a bounded cache, stamped at
most once a minute, revocable."""

from __future__ import annotations

import hashlib
import re

import pytest

from checkout.domain.access import Caller, Permission
from checkout.domain.api_keys import KeyService, UnknownKey, hash_key, mint_key
from tests.fakes import InMemoryRepository
from tests.unit.conftest import Clock

KEY = re.compile(r"csk_test_[0-9A-Za-z]{43}")


@pytest.fixture
def keys(store: InMemoryRepository, clock: Clock) -> KeyService:
    return KeyService(store, "csk_test_", clock)


def test_a_key_is_its_kind_and_43_base62_characters_of_32_random_bytes() -> None:
    minted = {mint_key("csk_test_") for _ in range(200)}

    assert all(KEY.fullmatch(key) for key in minted)
    assert len(minted) == 200
    assert mint_key("csk_live_").startswith("csk_live_")


def test_only_the_hash_of_a_key_is_stored(keys: KeyService, store: InMemoryRepository) -> None:
    new = keys.create("acct_shop", "ci", Permission.WRITE)

    (stored,) = store.api_keys.values()
    assert stored.key_hash == hashlib.sha256(new.secret.encode()).hexdigest()
    assert new.secret not in stored.model_dump_json()
    assert stored.prefix == new.secret[:12]
    assert stored.id.startswith("key_")
    assert store.merchants.keys() == {"acct_shop"}


@pytest.mark.parametrize(
    ("permission", "granted"),
    [
        (Permission.READ, {"read"}),
        (Permission.WRITE, {"read", "write"}),
        (Permission.ADMIN, {"read", "write", "admin"}),
    ],
)
def test_each_permission_includes_the_ones_before_it(
    keys: KeyService, permission: Permission, granted: set[str]
) -> None:
    new = keys.create("acct_shop", "k", permission)

    assert set(new.record.permissions) == granted
    assert keys.caller_for(new.secret).permissions == {Permission(p) for p in granted}


def test_a_live_key_names_its_merchant(keys: KeyService) -> None:
    new = keys.create("acct_shop", "k", Permission.READ)

    assert keys.caller_for(new.secret) == Caller("acct_shop", frozenset({Permission.READ}), new.record.id)


@pytest.mark.parametrize(
    "presented",
    [
        "",
        "csk_test_short",
        "csk_live_" + "A" * 43,  # the other environment's kind
        "sk_test_" + "A" * 43,
        "csk_test_" + "A" * 43,  # well formed, unknown
        "csk_test_" + "A" * 42 + "!",
    ],
)
def test_anything_but_a_live_key_of_this_kind_is_unknown(keys: KeyService, presented: str) -> None:
    with pytest.raises(UnknownKey):
        keys.caller_for(presented)


def test_a_key_is_read_once_a_minute_per_container(
    keys: KeyService, store: InMemoryRepository, clock: Clock
) -> None:
    new = keys.create("acct_shop", "k", Permission.READ)
    for _ in range(5):
        keys.caller_for(new.secret)
    clock.now += 60_000
    keys.caller_for(new.secret)

    assert store.calls.count("get_api_key") == 2


def test_a_revoked_key_stops_working_within_the_cache_window(
    keys: KeyService, store: InMemoryRepository, clock: Clock
) -> None:
    new = keys.create("acct_shop", "k", Permission.READ)
    keys.caller_for(new.secret)

    revoked = keys.revoke(new.record.id)
    keys.caller_for(new.secret)  # still trusted from the cache, for at most a minute
    clock.now += 60_000

    assert revoked is not None and revoked.revoked_at is not None
    with pytest.raises(UnknownKey):
        keys.caller_for(new.secret)


def test_revoking_an_unknown_key_says_so(keys: KeyService) -> None:
    assert keys.revoke("key_000000000000000000000000") is None


def test_last_used_at_is_written_at_most_once_a_minute(
    keys: KeyService, store: InMemoryRepository, clock: Clock
) -> None:
    new = keys.create("acct_shop", "k", Permission.READ)
    start = clock.now
    for _ in range(10):
        keys.caller_for(new.secret)
        clock.now += 5_000  # ten calls over 50 s
    clock.now = start + 61_000
    keys.caller_for(new.secret)

    assert store.calls.count("touch_api_key") == 2
    assert store.api_keys[hash_key(new.secret)].last_used_at == start + 61_000


def test_another_container_does_not_stamp_again_within_the_minute(
    store: InMemoryRepository, clock: Clock
) -> None:
    first, second = KeyService(store, "csk_test_", clock), KeyService(store, "csk_test_", clock)
    new = first.create("acct_shop", "k", Permission.READ)
    first.caller_for(new.secret)
    clock.now += 10_000

    second.caller_for(new.secret)

    assert store.api_keys[hash_key(new.secret)].last_used_at == clock.now - 10_000
