"""Where a session lands among the index partitions: stable, and spread by its UUID's number."""

from __future__ import annotations

import uuid

import pytest

from checkout.adapters.dynamodb.keys import merchant_list_key, open_shard

IDS = [str(uuid.UUID(int=number, version=4)) for number in (0, 1, 2**64 + 7, 2**128 - 1)]


@pytest.mark.parametrize("session_id", IDS)
@pytest.mark.parametrize("shards", [1, 4, 10])
def test_an_open_session_is_in_the_shard_its_uuid_number_picks(session_id: str, shards: int) -> None:
    assert open_shard(session_id, shards) == f"OPEN#{uuid.UUID(session_id).int % shards}"


@pytest.mark.parametrize("session_id", IDS)
def test_a_merchants_session_is_listed_in_the_partition_its_uuid_number_picks(session_id: str) -> None:
    assert merchant_list_key("acct_a", session_id, 8) == f"acct_a#{uuid.UUID(session_id).int % 8}"


def test_an_upper_case_id_lands_where_its_lower_case_form_does() -> None:
    session_id = IDS[2]
    assert open_shard(session_id.upper(), 16) == open_shard(session_id, 16)
