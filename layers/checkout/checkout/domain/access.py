"""Who is calling, and what they may do (DESIGN 8).

A merchant acts through an API key whose permission includes the ones before it
(`read` < `write` < `admin`). A buyer acts anonymously: the unguessable id of a session or an
order is the capability, so an anonymous caller may read what it names but never list or manage.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from checkout.domain.errors import AuthenticationRequired, PermissionDenied

LOCAL_MERCHANT = "acct_local"


class Permission(StrEnum):
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"

    def implied(self) -> frozenset[Permission]:
        """This permission and every one it includes."""
        order = list(Permission)
        return frozenset(order[: order.index(self) + 1])


@dataclass(frozen=True)
class Caller:
    merchant_id: str | None  # None: anonymous (no key was sent)
    permissions: frozenset[Permission] = frozenset()
    key_id: str | None = None
    stand_in: str | None = None  # `AUTH_MODE=open`: the merchant an anonymous call acts for

    @classmethod
    def anonymous(cls, stand_in: str | None = None) -> Caller:
        return cls(None, stand_in=stand_in)

    @classmethod
    def merchant(cls, merchant_id: str, permission: Permission, key_id: str | None = None) -> Caller:
        return cls(merchant_id, permission.implied(), key_id)

    def acting_merchant(self, needs: Permission) -> str:
        """The merchant this call acts for, if it may do what needs `needs`; else 401 or 403."""
        if self.merchant_id is None:
            if self.stand_in is None:
                raise AuthenticationRequired("An API key is required: send Authorization: Bearer <key>")
            return self.stand_in
        if needs not in self.permissions:
            raise PermissionDenied(f"This API key does not have the {needs} permission")
        return self.merchant_id

    def sees(self, owner: str) -> bool:
        """Whether an object owned by `owner` exists for this caller: a merchant sees only its own
        (anything else is "not found", never "forbidden"); a buyer holding the id sees it."""
        return self.merchant_id is None or self.merchant_id == owner
