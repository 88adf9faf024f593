"""A session's payment config binds the order linked to it (DESIGN 10): the recipient must receive
exactly `amount` of `token_address` on `chain_id`. Without this, a buyer could link an order paying
themselves one unit and the merchant's session would still read `complete`."""

from __future__ import annotations

from checkout.domain.errors import OrderMismatch
from checkout.domain.records import OrderRecord, PaymentConfig


def check_order_pays(payment: PaymentConfig, order: OrderRecord) -> None:
    """Raises `OrderMismatch` (a 400 naming the field) unless `order` pays exactly `payment`."""
    if order.dst_chain != payment.chain_id:
        raise _mismatch("dstChain", f"must be {payment.chain_id}, the chain the session is paid on")
    if order.dst_token_address.lower() != payment.token_address.lower():
        raise _mismatch(
            "dstTokenAddress", f"must be {payment.token_address}, the token the session is paid in"
        )
    if order.recipient_address.lower() != payment.recipient_address.lower():
        raise _mismatch("recipientAddress", f"must be {payment.recipient_address}, the session's recipient")
    if order.type == "swap":
        received, param = order.payload.get("expectedDstAmount"), "payload.expectedDstAmount"
    elif (
        order.src_chain == order.dst_chain
        and order.src_token_address.lower() == order.dst_token_address.lower()
    ):
        received, param = order.src_amount, "srcAmount"
    else:
        raise _mismatch("type", "must be a swap (with payload.expectedDstAmount) when the token changes")
    if received != payment.amount:
        raise _mismatch(param, f"must be {payment.amount}, the amount the session asks for")


def _mismatch(param: str, requirement: str) -> OrderMismatch:
    return OrderMismatch(f"The order does not pay this checkout session: {param} {requirement}", param=param)
