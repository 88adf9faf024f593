"""What every `Repository` promises (DESIGN 3 and 4), held against the fake and the DynamoDB adapter."""

from __future__ import annotations

import uuid

from checkout.domain.ports import (
    AlreadyLinked,
    Duplicate,
    Expired,
    ExpiryReason,
    ExpiryTarget,
    Illegal,
    Linked,
    LostRace,
    Missing,
    Moved,
    NotLinkable,
    PaymentReceived,
    Recorded,
    Repository,
    Unmoved,
)
from checkout.domain.records import (
    ApiKeyRecord,
    Customer,
    OrderRecord,
    PaymentConfig,
    SessionRecord,
    TransactionKind,
)
from checkout.domain.status import ExpiryCause, OrderStatus, SessionStatus
from tests.builders import NOW_MS, a_session, an_order, progress

DEADLINE_S = NOW_MS // 1000 + 1800
AFTER_DEADLINE_MS = (DEADLINE_S + 1) * 1000


def open_session(repository: Repository, **fields: object) -> SessionRecord:
    session = a_session(id=str(uuid.uuid4()), expires_at=DEADLINE_S, **fields)
    repository.put_session(session)
    return session


def linked_order(repository: Repository, session: SessionRecord, **fields: object) -> OrderRecord:
    order = an_order(id=str(uuid.uuid4()), checkout_session_id=session.id, **fields)
    assert repository.link_order(order) == Linked()
    return order


def current(repository: Repository, session_id: str) -> SessionRecord:
    session = repository.get_session(session_id)
    assert session is not None
    return session


# --- reads and creates ---------------------------------------------------------------------------
def test_a_stored_session_reads_back_as_it_was_stored(repository: Repository) -> None:
    session = open_session(repository, metadata={"cart": "c1"}, success_url="https://shop.example/ok")

    assert repository.get_session(session.id) == session


def test_an_unknown_id_reads_as_none(repository: Repository) -> None:
    assert repository.get_session(str(uuid.uuid4())) is None
    assert repository.get_order(str(uuid.uuid4())) is None


def test_a_standalone_order_reads_back_with_its_nested_fields(repository: Repository) -> None:
    order = an_order(id=str(uuid.uuid4()), payload={"a": {"b": [1, "x", None, True]}}, metadata={})
    repository.put_order(order)

    assert repository.get_order(order.id) == order


# --- linking -------------------------------------------------------------------------------------
def test_linking_stores_the_order_and_points_the_session_at_it(repository: Repository) -> None:
    session = open_session(repository)
    order = linked_order(repository, session)

    assert repository.get_order(order.id) == order
    assert current(repository, session.id).order_id == order.id


def test_a_second_order_finds_the_session_already_linked_and_is_not_stored(repository: Repository) -> None:
    session = open_session(repository)
    first = linked_order(repository, session)
    second = an_order(id=str(uuid.uuid4()), checkout_session_id=session.id)

    outcome = repository.link_order(second)

    assert isinstance(outcome, AlreadyLinked)
    assert outcome.current.order_id == first.id
    assert repository.get_order(second.id) is None


def test_a_session_past_its_deadline_is_not_linkable(repository: Repository) -> None:
    session = open_session(repository)
    late = an_order(id=str(uuid.uuid4()), checkout_session_id=session.id, created_at=DEADLINE_S * 1000)

    assert repository.link_order(late) == NotLinkable(session)
    assert repository.get_order(late.id) is None


def test_an_expired_session_is_not_linkable(repository: Repository) -> None:
    session = open_session(repository)
    repository.expire_session(ExpiryTarget.of(session), ExpiryReason.MERCHANT, NOW_MS)
    order = an_order(id=str(uuid.uuid4()), checkout_session_id=session.id)

    outcome = repository.link_order(order)

    assert isinstance(outcome, NotLinkable)
    assert outcome.current.status == SessionStatus.EXPIRED


def test_linking_to_an_unknown_session_is_missing_and_stores_nothing(repository: Repository) -> None:
    order = an_order(id=str(uuid.uuid4()), checkout_session_id=str(uuid.uuid4()))

    assert repository.link_order(order) == Missing()
    assert repository.get_order(order.id) is None


# --- expiry --------------------------------------------------------------------------------------
def test_the_merchant_expires_an_open_session_before_its_deadline(repository: Repository) -> None:
    session = open_session(repository)

    assert repository.expire_session(ExpiryTarget.of(session), ExpiryReason.MERCHANT, NOW_MS) == Expired(
        NOW_MS
    )
    assert current(repository, session.id).status == SessionStatus.EXPIRED


def test_the_clock_expires_only_after_the_deadline(repository: Repository) -> None:
    session = open_session(repository)
    target = ExpiryTarget.of(session)

    assert repository.expire_session(target, ExpiryReason.CLOCK, NOW_MS) == LostRace(session)
    assert repository.expire_session(target, ExpiryReason.CLOCK, AFTER_DEADLINE_MS) == Expired(
        AFTER_DEADLINE_MS
    )


def test_the_merchant_cannot_expire_after_the_deadline(repository: Repository) -> None:
    session = open_session(repository)

    outcome = repository.expire_session(ExpiryTarget.of(session), ExpiryReason.MERCHANT, AFTER_DEADLINE_MS)

    assert outcome == LostRace(session)


def test_a_session_that_gained_an_order_since_it_was_read_loses_the_race(repository: Repository) -> None:
    session = open_session(repository)
    order = linked_order(repository, session)

    outcome = repository.expire_session(ExpiryTarget.of(session), ExpiryReason.MERCHANT, NOW_MS)

    assert isinstance(outcome, LostRace)
    assert outcome.current.order_id == order.id
    assert outcome.current.status == SessionStatus.OPEN


def test_an_order_awaiting_its_deposit_expires_with_its_session(repository: Repository) -> None:
    session = open_session(repository)
    order = linked_order(repository, session)

    outcome = repository.expire_session(
        ExpiryTarget.of(current(repository, session.id)), ExpiryReason.MERCHANT, NOW_MS
    )

    assert outcome == Expired(NOW_MS)
    stored = repository.get_order(order.id)
    assert stored is not None and stored.status == OrderStatus.EXPIRED


def test_a_session_whose_payment_arrived_is_never_expired(repository: Repository) -> None:
    session = open_session(repository)
    order = linked_order(repository, session)
    assert (
        repository.record_order_event(progress(order.id, OrderStatus.SENDING_TOKEN_FROM_VAULT)) == Recorded()
    )

    outcome = repository.expire_session(
        ExpiryTarget.of(current(repository, session.id)), ExpiryReason.CLOCK, AFTER_DEADLINE_MS
    )

    assert outcome == PaymentReceived()
    assert current(repository, session.id).status == SessionStatus.OPEN


def test_a_final_session_loses_the_race_to_expire(repository: Repository) -> None:
    session = open_session(repository)
    repository.expire_session(ExpiryTarget.of(session), ExpiryReason.MERCHANT, NOW_MS)

    outcome = repository.expire_session(ExpiryTarget.of(session), ExpiryReason.MERCHANT, NOW_MS)

    assert isinstance(outcome, LostRace)
    assert outcome.current.status == SessionStatus.EXPIRED


def test_expiring_an_unknown_session_is_missing(repository: Repository) -> None:
    target = ExpiryTarget(str(uuid.uuid4()), DEADLINE_S, None)

    assert repository.expire_session(target, ExpiryReason.MERCHANT, NOW_MS) == Missing()


# --- following the order -------------------------------------------------------------------------
def test_a_session_follows_its_order_forward(repository: Repository) -> None:
    session = open_session(repository)

    processing = repository.follow_order(session.id, SessionStatus.PROCESSING, DEADLINE_S, NOW_MS)
    complete = repository.follow_order(session.id, SessionStatus.COMPLETE, DEADLINE_S, NOW_MS + 5)

    assert isinstance(processing, Moved) and processing.session.status == SessionStatus.PROCESSING
    assert isinstance(complete, Moved)
    assert complete.session.status == SessionStatus.COMPLETE
    assert complete.session.completed_at == NOW_MS + 5
    assert current(repository, session.id) == complete.session


def test_an_open_session_may_jump_straight_to_complete(repository: Repository) -> None:
    session = open_session(repository)

    outcome = repository.follow_order(session.id, SessionStatus.COMPLETE, DEADLINE_S, NOW_MS)

    assert isinstance(outcome, Moved) and outcome.session.status == SessionStatus.COMPLETE


def test_a_session_never_follows_backwards(repository: Repository) -> None:
    session = open_session(repository)
    repository.follow_order(session.id, SessionStatus.COMPLETE, DEADLINE_S, NOW_MS)

    outcome = repository.follow_order(session.id, SessionStatus.PROCESSING, DEADLINE_S, NOW_MS + 1)

    assert isinstance(outcome, Unmoved)
    assert outcome.current.status == SessionStatus.COMPLETE


def test_following_an_unknown_session_is_missing(repository: Repository) -> None:
    assert (
        repository.follow_order(str(uuid.uuid4()), SessionStatus.PROCESSING, DEADLINE_S, NOW_MS) == Missing()
    )


# --- order events --------------------------------------------------------------------------------
def a_standalone_order(repository: Repository) -> OrderRecord:
    order = an_order(id=str(uuid.uuid4()))
    repository.put_order(order)
    return order


def test_an_event_moves_the_order_and_records_its_transaction(repository: Repository) -> None:
    order = a_standalone_order(repository)

    outcome = repository.record_order_event(
        progress(order.id, OrderStatus.SENDING_TOKEN_FROM_VAULT, kind="deposit")
    )

    stored = repository.get_order_details(order.id)
    assert outcome == Recorded()
    assert stored is not None
    assert stored.order.status == OrderStatus.SENDING_TOKEN_FROM_VAULT
    assert [tx.tx_hash for tx in stored.of_kind("deposit")] == ["0x" + "ab" * 32]


def test_each_transaction_kind_is_kept_where_it_belongs(repository: Repository) -> None:
    order = a_standalone_order(repository)
    steps: list[tuple[OrderStatus, TransactionKind]] = [
        (OrderStatus.SENDING_TOKEN_FROM_VAULT, "deposit"),
        (OrderStatus.RELAY, "relay"),
        (OrderStatus.EXECUTED, "execute"),
    ]
    for number, (status, kind) in enumerate(steps):
        assert (
            repository.record_order_event(progress(order.id, status, kind=kind, at_ms=NOW_MS + number))
            == Recorded()
        )

    stored = repository.get_order_details(order.id)
    assert stored is not None
    assert [len(stored.of_kind(kind)) for kind in ("deposit", "relay", "execute")] == [1, 1, 1]
    assert stored.order.filled_at == NOW_MS + 2
    assert stored.order.execute_tx_hash == "0x" + "ab" * 32  # the order itself names its execution


def test_the_same_status_again_only_adds_its_transaction(repository: Repository) -> None:
    order = a_standalone_order(repository)
    for number in range(2):
        event = progress(
            order.id,
            OrderStatus.SENDING_TOKEN_FROM_VAULT,
            kind="deposit",
            at_ms=NOW_MS + number,
            tx_hash=f"0x{number:064x}",
        )
        assert repository.record_order_event(event) == Recorded()

    stored = repository.get_order_details(order.id)
    assert stored is not None and len(stored.of_kind("deposit")) == 2


def test_a_replayed_event_changes_nothing(repository: Repository) -> None:
    order = a_standalone_order(repository)
    event = progress(order.id, OrderStatus.SENDING_TOKEN_FROM_VAULT, kind="deposit")
    repository.record_order_event(event)
    before = repository.get_order(order.id)

    assert repository.record_order_event(event) == Duplicate()
    assert repository.get_order(order.id) == before


def test_a_move_the_state_machine_forbids_is_illegal_and_burns_no_event_id(repository: Repository) -> None:
    order = a_standalone_order(repository)
    repository.record_order_event(progress(order.id, OrderStatus.EXECUTED))
    backwards = progress(order.id, OrderStatus.RELAY, event_id="evt_backwards")

    assert repository.record_order_event(backwards) == Illegal(OrderStatus.EXECUTED, True)
    assert repository.record_order_event(backwards) == Illegal(OrderStatus.EXECUTED, True)  # not a Duplicate


def test_a_failure_keeps_its_error_details(repository: Repository) -> None:
    order = a_standalone_order(repository)
    details = {"code": "slippage", "message": "Price moved"}

    repository.record_order_event(progress(order.id, OrderStatus.FAILURE, error_details=details))

    stored = repository.get_order(order.id)
    assert stored is not None and stored.error_details == details


def test_an_event_for_an_unknown_order_is_missing(repository: Repository) -> None:
    assert repository.record_order_event(progress(str(uuid.uuid4()), OrderStatus.RELAY)) == Missing()


# --- the expiry job's listing --------------------------------------------------------------------
def test_due_sessions_lists_only_open_sessions_past_their_deadline(repository: Repository) -> None:
    due = [open_session(repository) for _ in range(3)]
    expired = open_session(repository)
    repository.expire_session(ExpiryTarget.of(expired), ExpiryReason.MERCHANT, NOW_MS)
    processing = open_session(repository)
    repository.follow_order(processing.id, SessionStatus.PROCESSING, DEADLINE_S, NOW_MS)
    later = open_session(repository)
    repository.put_session(a_session(id=str(uuid.uuid4()), expires_at=DEADLINE_S + 60))

    listed = [d.session_id for page in repository.due_sessions(DEADLINE_S, page_size=2) for d in page]

    assert sorted(listed) == sorted([*(s.id for s in due), later.id])


def test_due_sessions_come_in_pages_of_at_most_the_page_size(repository: Repository) -> None:
    for _ in range(5):
        open_session(repository)

    pages = [page for page in repository.due_sessions(DEADLINE_S, page_size=2) if page]

    assert all(len(page) <= 2 for page in pages)
    assert sum(len(page) for page in pages) == 5


def test_a_due_session_carries_its_deadline_and_order(repository: Repository) -> None:
    session = open_session(repository)
    order = linked_order(repository, session)

    (due,) = [d for page in repository.due_sessions(DEADLINE_S, page_size=10) for d in page]

    assert (due.session_id, due.expires_at, due.order_id) == (session.id, DEADLINE_S, order.id)


# --- API keys ------------------------------------------------------------------------------------
def a_key(**fields: object) -> ApiKeyRecord:
    values: dict[str, object] = {
        "id": f"key_{uuid.uuid4().hex[:24]}",
        "key_hash": uuid.uuid4().hex * 2,
        "merchant_id": "acct_contract",
        "name": "contract",
        "prefix": "csk_test_abc",
        "permissions": ["read", "write"],
        "created_at": NOW_MS,
    }
    return ApiKeyRecord.model_validate({**values, **fields})


def test_a_key_is_found_by_its_hash(repository: Repository) -> None:
    key = a_key()
    repository.create_api_key(key)

    assert repository.get_api_key(key.key_hash) == key
    assert repository.get_api_key("0" * 64) is None


def test_revoking_a_key_by_its_id_keeps_the_first_revocation_time(repository: Repository) -> None:
    key = a_key()
    repository.create_api_key(key)

    first = repository.revoke_api_key(key.id, NOW_MS + 1)
    again = repository.revoke_api_key(key.id, NOW_MS + 2)

    assert first is not None and first.revoked_at == NOW_MS + 1
    assert again is not None and again.revoked_at == NOW_MS + 1
    assert repository.get_api_key(key.key_hash) == first


def test_revoking_an_unknown_key_is_none(repository: Repository) -> None:
    assert repository.revoke_api_key("key_000000000000000000000000", NOW_MS) is None


def test_a_key_is_stamped_only_when_its_last_use_is_old_enough(repository: Repository) -> None:
    key = a_key()
    repository.create_api_key(key)

    repository.touch_api_key(key.key_hash, NOW_MS + 100, not_since=NOW_MS)
    repository.touch_api_key(key.key_hash, NOW_MS + 200, not_since=NOW_MS + 50)  # used at +100: too recent
    stamped = repository.get_api_key(key.key_hash)
    repository.touch_api_key(key.key_hash, NOW_MS + 300, not_since=NOW_MS + 150)

    assert stamped is not None and stamped.last_used_at == NOW_MS + 100
    later = repository.get_api_key(key.key_hash)
    assert later is not None and later.last_used_at == NOW_MS + 300


def test_stamping_an_unknown_key_does_nothing(repository: Repository) -> None:
    repository.touch_api_key("f" * 64, NOW_MS, not_since=NOW_MS)

    assert repository.get_api_key("f" * 64) is None


# --- a merchant's sessions -----------------------------------------------------------------------
def merchant_session(
    repository: Repository, merchant: str, created_at: int, **fields: object
) -> SessionRecord:
    session = a_session(
        id=str(uuid.uuid4()), merchant_id=merchant, created_at=created_at, expires_at=DEADLINE_S, **fields
    )
    repository.put_session(session)
    return session


def test_a_merchants_sessions_come_newest_first_across_its_index_shards(repository: Repository) -> None:
    merchant = f"acct_{uuid.uuid4().hex[:8]}"
    created = [merchant_session(repository, merchant, NOW_MS + index) for index in range(9)]
    merchant_session(repository, "acct_someone_else", NOW_MS + 100)

    listed = list(repository.merchant_sessions(merchant, 0, 2**53))

    assert [s.session_id for s in listed] == [s.id for s in reversed(created)]
    assert {(s.status, s.expires_at) for s in listed} == {(SessionStatus.OPEN, DEADLINE_S)}


def test_a_merchants_sessions_within_a_window(repository: Repository) -> None:
    merchant = f"acct_{uuid.uuid4().hex[:8]}"
    created = [merchant_session(repository, merchant, NOW_MS + index * 10) for index in range(5)]

    listed = list(repository.merchant_sessions(merchant, NOW_MS + 10, NOW_MS + 30))

    assert [s.session_id for s in listed] == [created[3].id, created[2].id, created[1].id]


def test_the_listing_sees_status_changes_and_why_a_session_expired(repository: Repository) -> None:
    merchant = f"acct_{uuid.uuid4().hex[:8]}"
    session = merchant_session(repository, merchant, NOW_MS)
    repository.expire_session(ExpiryTarget.of(session), ExpiryReason.MERCHANT, NOW_MS)

    (listed,) = repository.merchant_sessions(merchant, 0, 2**53)

    assert (listed.status, listed.expired_by) == (SessionStatus.EXPIRED, ExpiryCause.MERCHANT)


def test_sessions_are_read_in_full_in_the_order_asked(repository: Repository) -> None:
    first, second = (open_session(repository) for _ in range(2))

    assert repository.get_sessions([second.id, str(uuid.uuid4()), first.id]) == [second, first]


def test_following_records_why_a_session_expired_and_its_transaction(repository: Repository) -> None:
    session = open_session(repository)

    outcome = repository.follow_order(
        session.id, SessionStatus.EXPIRED, DEADLINE_S, NOW_MS, ExpiryCause.PAYMENT_FAILED, "0x" + "cd" * 32
    )

    assert isinstance(outcome, Moved)
    assert (outcome.session.expired_by, outcome.session.tx_hash) == (
        ExpiryCause.PAYMENT_FAILED,
        "0x" + "cd" * 32,
    )
    assert current(repository, session.id) == outcome.session


def test_a_payment_config_and_customer_are_kept(repository: Repository) -> None:
    payment = PaymentConfig(
        amount="5", token_address="0x" + "11" * 20, chain_id=8453, recipient_address="0x" + "22" * 20
    )
    session = open_session(
        repository, payment=payment, customer=Customer(email="a@b.co"), utm={"utm_source": "x"}
    )

    assert repository.get_session(session.id) == session
