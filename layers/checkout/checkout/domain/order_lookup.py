"""Reading an order with its transactions (GET /orders/{id}).

Apart from creating one (`orders`) so that a read loads none of what a create needs: the keccak
library, the onramp URL, the payment-config check (docs/decisions.md, Cold start).
"""

from __future__ import annotations

from checkout.domain.access import Caller
from checkout.domain.errors import OrderNotFound
from checkout.domain.ids import is_uuid4
from checkout.domain.ports import Repository
from checkout.domain.records import OrderDetails


class OrderLookup:
    def __init__(self, repository: Repository) -> None:
        self.repository = repository

    def get(self, order_id: str, caller: Caller) -> OrderDetails:
        """Another merchant's order answers as one that does not exist."""
        order = self.repository.get_order_details(order_id.lower()) if is_uuid4(order_id) else None
        if order is None or not caller.sees(order.order.merchant_id):
            raise OrderNotFound(f"No order found with id {order_id[:64]!r}", param="id")
        return order
