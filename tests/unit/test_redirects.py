"""Redirect templating (DESIGN 2.3): placeholders, or `sessionId=` appended before any fragment."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkout.domain.redirects import resolve_redirect_url

SID = "5b0f2a4e-8c1d-4f3a-9b2e-7d6c5a4b3f21"


@pytest.mark.parametrize(
    ("template", "resolved"),
    [
        ("https://s.example/ok", f"https://s.example/ok?sessionId={SID}"),
        ("https://s.example/ok?a=1", f"https://s.example/ok?a=1&sessionId={SID}"),
        ("https://s.example/ok?", f"https://s.example/ok?sessionId={SID}"),
        ("https://s.example/ok?a=1&", f"https://s.example/ok?a=1&sessionId={SID}"),
        ("https://s.example/ok#pay", f"https://s.example/ok?sessionId={SID}#pay"),
        ("https://s.example/ok?a=1#x?y&z", f"https://s.example/ok?a=1&sessionId={SID}#x?y&z"),
        ("https://s.example/ok#", f"https://s.example/ok?sessionId={SID}#"),
        ("https://s.example/{SESSION_ID}", f"https://s.example/{SID}"),
        ("https://s.example/ok?o={ORDER_ID}", f"https://s.example/ok?o={SID}"),
        (
            "https://s.example/{SESSION_ID}?o={ORDER_ID}#{SESSION_ID}",
            f"https://s.example/{SID}?o={SID}#{SID}",
        ),
    ],
)
def test_resolution(template: str, resolved: str) -> None:
    assert resolve_redirect_url(template, SID) == resolved


_path = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_/", max_size=20)
_query = st.lists(
    st.tuples(st.text("abcxyz", min_size=1, max_size=5), st.text("abc123", max_size=5)), max_size=3
).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs))
_fragment = st.text(alphabet="abc?&=/#", max_size=10)


@given(path=_path, query=_query, fragment=st.none() | _fragment, session=st.uuids(version=4))
def test_without_placeholders_the_id_becomes_a_query_parameter(
    path: str, query: str, fragment: str | None, session: uuid.UUID
) -> None:
    template = (
        f"https://shop.example/{path}"
        + (f"?{query}" if query else "")
        + (f"#{fragment}" if fragment is not None else "")
    )

    resolved = resolve_redirect_url(template, str(session))

    parts = urlsplit(resolved)
    assert parse_qs(parts.query)["sessionId"] == [str(session)]
    assert parts.path == f"/{path}"
    assert resolved.partition("#")[2] == (fragment or "")
    assert resolved.startswith(template.partition("#")[0])


@given(
    before=st.text(alphabet="abc/?=&", max_size=10),
    after=st.text(alphabet="abc/?=&#", max_size=10),
    placeholder=st.sampled_from(["{SESSION_ID}", "{ORDER_ID}"]),
    session=st.uuids(version=4),
)
def test_placeholders_are_aliases_for_the_session_id(
    before: str, after: str, placeholder: str, session: uuid.UUID
) -> None:
    resolved = resolve_redirect_url(f"https://s.example/{before}{placeholder}{after}", str(session))
    assert resolved == f"https://s.example/{before}{session}{after}"
