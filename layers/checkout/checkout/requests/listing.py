"""`GET /api/v1/checkout-sessions` (DESIGN 10): the list's query, apart from the platform's create
so that the list function loads neither the create's rules nor the keccak they need."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from checkout.domain.listing import MAX_LIMIT, ListQuery
from checkout.domain.status import PlatformStatus
from checkout.requests.fields import Unsupported
from checkout.requests.parsing import problem
from checkout.requests.query import QueryInteger


def _epoch_ms(value: int) -> int:
    if not 0 <= value <= 2**53:
        raise problem("must be epoch milliseconds")
    return value


EpochMs = Annotated[
    QueryInteger,
    AfterValidator(_epoch_ms),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": 2**53}),
]


class ListSessionsQuery(BaseModel):
    """`GET /api/v1/checkout-sessions?status=&from=&to=&page=&limit=` (query values are text, so
    numbers are read from their plain digits; anything else is a 400)."""

    model_config = ConfigDict(extra="forbid", frozen=True)  # `from`/`to` by their names on the wire only

    status: PlatformStatus | None = None
    created_from: EpochMs | None = Field(default=None, alias="from")
    created_to: EpochMs | None = Field(default=None, alias="to")
    page: QueryInteger = Field(default=1, ge=1)
    limit: QueryInteger = Field(default=10, ge=1, le=MAX_LIMIT)
    payment_link_id: Unsupported | None = None

    def to_query(self) -> ListQuery:
        return ListQuery(
            status=self.status,
            created_from=self.created_from if self.created_from is not None else 0,
            created_to=self.created_to if self.created_to is not None else 2**53,
            page=self.page,
            limit=self.limit,
        )
