"""Who may do what (DESIGN 8): merchants act through keys; buyers hold ids; open mode stands in."""

from __future__ import annotations

import pytest

from checkout.domain.access import Caller, Permission
from checkout.domain.errors import AuthenticationRequired, PermissionDenied


def test_a_merchant_acts_for_itself_with_the_permission_it_has() -> None:
    caller = Caller.merchant("acct_a", Permission.WRITE)

    assert caller.acting_merchant(Permission.READ) == "acct_a"
    assert caller.acting_merchant(Permission.WRITE) == "acct_a"
    with pytest.raises(PermissionDenied):
        caller.acting_merchant(Permission.ADMIN)


def test_an_anonymous_caller_needs_a_key_to_act_for_a_merchant() -> None:
    with pytest.raises(AuthenticationRequired):
        Caller.anonymous().acting_merchant(Permission.READ)


def test_in_open_mode_an_anonymous_caller_acts_for_the_stand_in() -> None:
    assert Caller.anonymous("acct_local").acting_merchant(Permission.ADMIN) == "acct_local"


def test_a_merchant_sees_only_its_own_objects_and_a_buyer_what_it_holds() -> None:
    assert Caller.merchant("acct_a", Permission.READ).sees("acct_a")
    assert not Caller.merchant("acct_a", Permission.ADMIN).sees("acct_b")
    assert Caller.anonymous().sees("acct_b")
    assert Caller.anonymous("acct_local").sees("acct_b")  # the id is the capability
