"""Redirect URL rules (DESIGN 2.2) and templating (DESIGN 2.3). Pure functions."""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048
PLACEHOLDERS = ("{SESSION_ID}", "{ORDER_ID}")  # aliases: both become the session id
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})


def redirect_url_problem(url: str, allowed_hosts: frozenset[str] | None) -> str | None:
    """Returns why `url` is not an acceptable redirect target, or None when it is."""
    if len(url) > MAX_URL_LENGTH:
        return f"must be at most {MAX_URL_LENGTH} characters"
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return "must not contain whitespace or control characters"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "must be a valid absolute URL"
    if parts.scheme not in ("https", "http") or not host:
        return "must be an absolute https URL"
    if parts.scheme == "http" and host not in _LOCAL_HOSTS:
        return "must use https (plain http is only allowed for localhost)"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "must not contain credentials"
    if allowed_hosts is not None and host.lower() not in allowed_hosts:
        return "host is not in the allowed redirect hosts"
    return None


def resolve_redirect_url(template: str, session_id: str) -> str:
    """Replaces the placeholders with the session id, or appends `sessionId=<id>`.

    The parameter goes before any fragment, joined with `?` or `&` as the URL needs.
    """
    if any(placeholder in template for placeholder in PLACEHOLDERS):
        resolved = template
        for placeholder in PLACEHOLDERS:
            resolved = resolved.replace(placeholder, session_id)
        return resolved
    base, hash_mark, fragment = template.partition("#")
    if "?" not in base:
        separator = "?"
    elif base.endswith(("?", "&")):
        separator = ""
    else:
        separator = "&"
    return f"{base}{separator}sessionId={session_id}{hash_mark}{fragment}"
