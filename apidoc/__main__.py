"""`python -m apidoc` (`make openapi`): writes the OpenAPI document where the functions serve it from."""

from __future__ import annotations

from apidoc.document import ROOT, write

if __name__ == "__main__":
    print(f"wrote {write().relative_to(ROOT)}")
