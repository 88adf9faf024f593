"""`Repository` on DynamoDB: every intention is one conditional write or one transaction.

A failed condition comes back with the item as it is now (`ReturnValuesOnConditionCheckFailure=
ALL_OLD`), which is how each outcome is told apart without a second read. A transaction that loses
to a concurrent one on the same items wrote nothing, so it is retried as is: its conditions, not
the retry, decide.
"""

from __future__ import annotations

import heapq
import random
import time
from collections.abc import Iterator
from typing import Any

from checkout.adapters.dynamodb import conditional_writes as writes
from checkout.adapters.dynamodb.codec import from_attributes, record_from_item, to_attributes
from checkout.adapters.dynamodb.items import (
    TRANSACTION_ENTITY,
    api_key_id_item,
    api_key_item,
    event_item,
    order_item,
    session_item,
    transaction_from_item,
)
from checkout.adapters.dynamodb.keys import (
    MERCHANT_SESSIONS_INDEX,
    OPEN_SESSIONS_INDEX,
    ORDER_SORT_KEY,
    all_merchant_list_keys,
    all_open_shards,
    api_key_id_key,
    api_key_key,
    merchant_key,
    order_key,
    order_partition,
    session_key,
)
from checkout.adapters.dynamodb.table import CONTENTION_ATTEMPTS, ConditionFailed, Table, translated_errors
from checkout.domain.errors import StorageUnavailable
from checkout.domain.ports import (
    MAX_TRANSACTIONS_LISTED,
    AlreadyLinked,
    DueSession,
    Duplicate,
    EventOutcome,
    Expired,
    ExpiryOutcome,
    ExpiryReason,
    ExpiryTarget,
    FollowOutcome,
    Illegal,
    Linked,
    LinkOutcome,
    LostRace,
    Missing,
    Moved,
    NotLinkable,
    OrderProgress,
    PaymentReceived,
    Recorded,
    Reused,
    SessionSummary,
    Unmoved,
)
from checkout.domain.records import ApiKeyRecord, OrderDetails, OrderRecord, SessionRecord
from checkout.domain.status import ExpiryCause, OrderStatus, SessionStatus

_LIST_PAGE = 200  # index entries per query page while walking a merchant's sessions
_BATCH_GET = 100


class DynamoDBRepository(Table):
    """`Repository` on DynamoDB: sessions, orders, payment events and API keys (the webhooks:
    `WebhookStore`, on the same table and client)."""

    def _update(self, change: writes.StatusChange) -> dict[str, Any]:
        """One conditional update; the new item, or `ConditionFailed` with the current one."""
        with translated_errors():
            response = self.client.update_item(
                TableName=self.table_name,
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **change.render(),
            )
        return from_attributes(response["Attributes"])

    # --- reads -------------------------------------------------------------------------------
    def get_session(self, session_id: str) -> SessionRecord | None:
        item = self._get(session_key(session_id))
        return None if item is None else record_from_item(SessionRecord, item)

    def get_order(self, order_id: str) -> OrderRecord | None:
        item = self._get(order_key(order_id))
        return None if item is None else record_from_item(OrderRecord, item)

    def get_order_details(self, order_id: str) -> OrderDetails | None:
        with translated_errors():
            response = self.client.query(
                TableName=self.table_name,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": order_partition(order_id)}},
                ConsistentRead=True,
                Limit=1 + MAX_TRANSACTIONS_LISTED,  # the order item comes first: "ORDER" < "TX#"
            )
        items = [from_attributes(item) for item in response.get("Items", [])]
        order = next((item for item in items if item.get("sk") == ORDER_SORT_KEY), None)
        if order is None:
            return None
        transactions = tuple(
            transaction_from_item(item) for item in items if item.get("entity") == TRANSACTION_ENTITY
        )
        return OrderDetails(order=record_from_item(OrderRecord, order), transactions=transactions)

    def due_sessions(self, now_s: int, page_size: int) -> Iterator[list[DueSession]]:
        for shard in all_open_shards(self.settings.open_shards):
            start_key: dict[str, Any] | None = None
            while True:
                request: dict[str, Any] = {
                    "TableName": self.table_name,
                    "IndexName": OPEN_SESSIONS_INDEX,
                    "KeyConditionExpression": "open_shard = :shard AND expires_at <= :now",
                    "ExpressionAttributeValues": {":shard": {"S": shard}, ":now": {"N": str(now_s)}},
                    "Limit": page_size,
                }
                if start_key:
                    request["ExclusiveStartKey"] = start_key
                with translated_errors():
                    response = self.client.query(**request)
                items = [from_attributes(item) for item in response.get("Items", [])]
                yield [DueSession(str(i["id"]), int(i["expires_at"]), i.get("order_id")) for i in items]
                start_key = response.get("LastEvaluatedKey")
                if not start_key:
                    break

    def merchant_sessions(
        self, merchant_id: str, created_from: int, created_to: int
    ) -> Iterator[SessionSummary]:
        shards = [
            self._merchant_shard(key, created_from, created_to)
            for key in all_merchant_list_keys(merchant_id, self.settings.list_shards)
        ]
        return heapq.merge(*shards, key=lambda summary: -summary.created_at)

    def _merchant_shard(self, list_key: str, created_from: int, created_to: int) -> Iterator[SessionSummary]:
        start_key: dict[str, Any] | None = None
        while True:
            request: dict[str, Any] = {
                "TableName": self.table_name,
                "IndexName": MERCHANT_SESSIONS_INDEX,
                "KeyConditionExpression": "merchant_list = :list AND created_at BETWEEN :from AND :to",
                "ExpressionAttributeValues": to_attributes(
                    {":list": list_key, ":from": created_from, ":to": created_to}
                ),
                "ScanIndexForward": False,
                "Limit": _LIST_PAGE,
            }
            if start_key:
                request["ExclusiveStartKey"] = start_key
            with translated_errors():
                response = self.client.query(**request)
            for raw in response.get("Items", []):
                item = from_attributes(raw)
                yield SessionSummary(
                    session_id=str(item["id"]),
                    status=SessionStatus(item["status"]),
                    expired_by=ExpiryCause(item["expired_by"]) if item.get("expired_by") else None,
                    expires_at=int(item["expires_at"]),
                    created_at=int(item["created_at"]),
                )
            start_key = response.get("LastEvaluatedKey")
            if not start_key:
                return

    def get_sessions(self, session_ids: list[str]) -> list[SessionRecord]:
        if len(session_ids) > _BATCH_GET:
            raise ValueError(f"at most {_BATCH_GET} sessions at a time")
        wanted = {"Keys": [to_attributes(session_key(i)) for i in session_ids], "ConsistentRead": True}
        found: dict[str, SessionRecord] = {}
        for _ in range(CONTENTION_ATTEMPTS):
            with translated_errors():
                response = self.client.batch_get_item(RequestItems={self.table_name: wanted})  # type: ignore[dict-item]
            for raw in response.get("Responses", {}).get(self.table_name, []):
                session = record_from_item(SessionRecord, from_attributes(raw))
                found[session.id] = session
            unprocessed = response.get("UnprocessedKeys", {}).get(self.table_name)
            if not unprocessed:
                return [found[i] for i in session_ids if i in found]
            wanted = dict(unprocessed)
            time.sleep(random.uniform(0, 0.05))
        raise StorageUnavailable("The service is busy; please retry")

    # --- creates -----------------------------------------------------------------------------
    def put_session(self, session: SessionRecord) -> None:
        self._put_new(session_item(session, self.settings))

    def put_order(self, order: OrderRecord) -> None:
        self._put_new(order_item(order))

    def link_order(self, order: OrderRecord) -> LinkOutcome:
        session_id = order.checkout_session_id
        if session_id is None:
            raise ValueError("link_order needs an order with a checkout session")
        link = writes.link_session(session_id, order.id, order.created_at)
        put = {"Item": to_attributes(order_item(order)), "ConditionExpression": "attribute_not_exists(pk)"}
        cancelled = self._transact([{"Put": put}, {"Update": link.render()}])
        if cancelled is None:
            return Linked()
        if not cancelled.failed[1]:
            raise RuntimeError("order id collision")  # the order put itself failed: a fresh UUID, never
        current = cancelled.record(1, SessionRecord)
        if current is None:
            return Missing()
        return AlreadyLinked(current) if current.order_id is not None else NotLinkable(current)

    # --- status changes ----------------------------------------------------------------------
    def expire_session(self, target: ExpiryTarget, reason: ExpiryReason, now_ms: int) -> ExpiryOutcome:
        session = writes.expire_session(
            target.session_id,
            target.expires_at,
            target.order_id,
            reason is ExpiryReason.CLOCK,
            now_ms,
            self.settings,
        )
        if target.order_id is None:
            try:
                self._update(session)
            except ConditionFailed as failed:
                return (
                    Missing()
                    if failed.current is None
                    else LostRace(record_from_item(SessionRecord, failed.current))
                )
            return Expired(now_ms)
        order = writes.expire_awaiting_order(target.order_id, target.expires_at, now_ms, self.settings)
        cancelled = self._transact([{"Update": session.render()}, {"Update": order.render()}])
        if cancelled is None:
            return Expired(now_ms)
        if cancelled.failed[0]:
            current = cancelled.record(0, SessionRecord)
            return Missing() if current is None else LostRace(current)
        return PaymentReceived()

    def follow_order(
        self,
        session_id: str,
        target: SessionStatus,
        session_expires_at: int,
        now_ms: int,
        cause: ExpiryCause | None = None,
        tx_hash: str | None = None,
    ) -> FollowOutcome:
        change = writes.move_session(
            session_id, session_expires_at, target, now_ms, self.settings, cause=cause, tx_hash=tx_hash
        )
        try:
            return Moved(record_from_item(SessionRecord, self._update(change)))
        except ConditionFailed as failed:
            return (
                Missing()
                if failed.current is None
                else Unmoved(record_from_item(SessionRecord, failed.current))
            )

    def record_order_event(self, progress: OrderProgress) -> EventOutcome:
        event = {
            "Item": to_attributes(event_item(progress, self.settings)),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        change = writes.progress_order(progress, self.settings)
        items: list[dict[str, Any]] = [{"Put": event}, {"Update": change.render()}]
        if progress.transaction is not None:
            items.append({"Update": writes.record_transaction(progress.transaction, self.settings)})
        cancelled = self._transact(items)
        if cancelled is None:
            return Recorded()
        if cancelled.failed[0]:
            recorded = cancelled.current[0] or {}
            # An event recorded before fingerprints were kept cannot be compared: a replay.
            same_body = recorded.get("fingerprint", progress.fingerprint) == progress.fingerprint
            return Duplicate() if same_body else Reused()
        current = cancelled.current[1]
        if current is None:
            return Missing()
        return Illegal(OrderStatus(current["status"]), writes.RECEIVED_DEPOSIT_AT in current)

    # --- API keys ----------------------------------------------------------------------------
    def get_api_key(self, key_hash: str) -> ApiKeyRecord | None:
        item = self._get(api_key_key(key_hash))
        return None if item is None else record_from_item(ApiKeyRecord, item)

    def create_api_key(self, key: ApiKeyRecord) -> None:
        new = "attribute_not_exists(pk)"
        merchant = {
            "Key": to_attributes(merchant_key(key.merchant_id)),
            "UpdateExpression": "SET #entity = :entity, #id = :id, #created = if_not_exists(#created, :now)",
            "ExpressionAttributeNames": {"#entity": "entity", "#id": "id", "#created": "created_at"},
            "ExpressionAttributeValues": to_attributes(
                {":entity": "merchant", ":id": key.merchant_id, ":now": key.created_at}
            ),
        }
        cancelled = self._transact(
            [
                {"Put": {"Item": to_attributes(api_key_item(key)), "ConditionExpression": new}},
                {"Put": {"Item": to_attributes(api_key_id_item(key)), "ConditionExpression": new}},
                {"Update": merchant},
            ]
        )
        if cancelled is not None:
            raise RuntimeError("API key collision")  # 32 random bytes and a fresh id: never

    def revoke_api_key(self, key_id: str, now_ms: int) -> ApiKeyRecord | None:
        index = self._get(api_key_id_key(key_id))
        if index is None:
            return None
        try:
            with translated_errors():
                response = self.client.update_item(
                    TableName=self.table_name,
                    Key=to_attributes(api_key_key(str(index["key_hash"]))),
                    UpdateExpression="SET revoked_at = if_not_exists(revoked_at, :now)",
                    ConditionExpression="attribute_exists(pk)",
                    ExpressionAttributeValues={":now": {"N": str(now_ms)}},
                    ReturnValues="ALL_NEW",
                )
        except ConditionFailed:
            return None
        return record_from_item(ApiKeyRecord, from_attributes(response["Attributes"]))

    def touch_api_key(self, key_hash: str, now_ms: int, not_since: int) -> None:
        try:
            with translated_errors():
                self.client.update_item(
                    TableName=self.table_name,
                    Key=to_attributes(api_key_key(key_hash)),
                    UpdateExpression="SET last_used_at = :now",
                    ConditionExpression="attribute_exists(pk) AND "
                    "(attribute_not_exists(last_used_at) OR last_used_at <= :since)",
                    ExpressionAttributeValues={":now": {"N": str(now_ms)}, ":since": {"N": str(not_since)}},
                )
        except ConditionFailed:
            pass  # another container wrote it within the minute: nothing to do
