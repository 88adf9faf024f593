"""The OpenAPI 3.1 document of both surfaces, generated (never written by hand) from what the code
already says: the routes of template.yaml, the request models of `checkout.requests`, the wire views
of `checkout.web`, each function's `http_handler(needs=…, surface=…)`, and the one error→HTTP table of
`checkout.web.errors`. `operations.py` adds what only a person can: a summary and which domain errors
each endpoint raises. `make openapi` writes it; tests/template fails when the committed copy drifts.
"""
