"""The deposit address as a QR code: SVG drawn on the server by segno (pure Python), inline in the
page, so the page needs no script or third party to show it."""

from __future__ import annotations

import io
from functools import lru_cache

from checkout.web.hosted.markup import Markup


@lru_cache(maxsize=64)
def qr_svg(text: str) -> Markup:
    """The QR code of `text` (medium error correction, a quiet zone of 4 modules), black on white
    whatever the page's colours. segno writes geometry only: `text` never appears in the markup."""
    import segno  # only pages with a deposit address pay for the import

    code = segno.make_qr(text, error="m")
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        nl=False,
        border=4,
        omitsize=True,
        dark="#000",
        light="#fff",
        svgclass="qr-code",
        lineclass=None,
    )
    return Markup(out.getvalue().decode("ascii"))
