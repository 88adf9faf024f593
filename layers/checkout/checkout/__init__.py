"""Checkout sessions domain: models, state machines, repository and HTTP glue.

Every function imports this package first: in a Lambda container, the cold path (imports, init,
first invocation) then runs without the cyclic garbage collector (see `checkout.coldstart`).
"""

from checkout.coldstart import pause_in_lambda

pause_in_lambda()
