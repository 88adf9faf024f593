"""Redirect URL rules (DESIGN 2.2) and templating (DESIGN 2.3). Pure functions.

A redirect URL is judged by the host a browser would go to, not by what a lenient parser such as
`urllib` reports: browsers (the WHATWG URL standard) turn `\\` into `/`, percent-decode the host,
map full-width letters to ASCII, drop zero-width characters and read `0x7f.1` as 127.0.0.1, so
each of those can make "good.com" in our eyes "evil.com" in the buyer's browser. Anything whose
host is not plainly one ASCII name, a canonical IPv4 address or a bracketed IPv6 address is
refused, except a valid IDNA name, which is stored in the ASCII (punycode) form the browser uses.
"""

from __future__ import annotations

import re
import unicodedata

MAX_URL_LENGTH = 2048
PLACEHOLDERS = ("{SESSION_ID}", "{ORDER_ID}")  # aliases: both become the session id
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})
_SAMPLE_SESSION_ID = "00000000-0000-4000-8000-000000000000"  # every session id is this long
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://", re.ASCII)
_PORT = re.compile(r"[0-9]{1,5}", re.ASCII)
_ASCII_LABEL = re.compile(r"[a-z0-9_-]{1,63}", re.ASCII)
_IPV6_LITERAL = re.compile(r"[0-9A-Fa-f:.]+", re.ASCII)
_NUMERIC_LABEL = re.compile(r"[0-9]+|0[xX][0-9A-Fa-f]*", re.ASCII)
_CANONICAL_OCTET = re.compile(r"0|[1-9][0-9]{0,2}", re.ASCII)
# Categories a browser strips or cannot show: controls, format characters (zero-width space and
# joiners, the byte-order mark, soft hyphen), surrogates, and every kind of space.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"})
_UNICODE_DOTS = frozenset("\u3002\uff0e\uff61")  # read as "." by browsers
_END_OF_AUTHORITY = re.compile(r"[/?#]")


class RedirectUrlRefused(ValueError):
    """Why a URL is not an acceptable redirect target (worded to follow the field's name)."""


def checked_redirect_url(url: str, allowed_hosts: frozenset[str] | None, *, templated: bool = True) -> str:
    """The URL as it will be stored, its scheme and host in the form a browser uses (lower case,
    punycode); `RedirectUrlRefused` if it is not an acceptable redirect. With `templated`, the
    length limit applies to the URL once the session id is in it (DESIGN 2.3)."""
    if len(url) > MAX_URL_LENGTH:
        raise RedirectUrlRefused(f"must be at most {MAX_URL_LENGTH} characters")
    if any(ch.isspace() or unicodedata.category(ch) in _INVISIBLE for ch in url):
        raise RedirectUrlRefused("must not contain whitespace, control or invisible characters")
    if "\\" in url:
        raise RedirectUrlRefused("must not contain a backslash")
    scheme_match = _SCHEME.match(url)
    scheme = scheme_match.group(1).lower() if scheme_match else ""
    if scheme_match is None or scheme not in ("https", "http"):
        raise RedirectUrlRefused("must be an absolute https URL")
    rest = url[scheme_match.end() :]
    end = _END_OF_AUTHORITY.search(rest)
    authority, tail = (rest[: end.start()], rest[end.start() :]) if end else (rest, "")
    if "@" in authority:
        raise RedirectUrlRefused("must not contain credentials")
    host, port = _host_and_port(authority)
    if scheme == "http" and host not in _LOCAL_HOSTS:
        raise RedirectUrlRefused("must use https (plain http is only allowed for localhost)")
    if allowed_hosts is not None and host not in allowed_hosts:
        raise RedirectUrlRefused("host is not in the allowed redirect hosts")
    normalized = f"{scheme}://{host}{':' + port if port else ''}{tail}"
    final_length = len(resolve_redirect_url(normalized, _SAMPLE_SESSION_ID) if templated else normalized)
    if final_length > MAX_URL_LENGTH:
        raise RedirectUrlRefused(
            f"must be at most {MAX_URL_LENGTH} characters"
            + (" once the session id is in it" if templated else "")
        )
    return normalized


def _host_and_port(authority: str) -> tuple[str, str]:
    if authority.startswith("["):
        import ipaddress  # only here: the GET functions import this module for templating alone

        literal, bracket, after = authority[1:].partition("]")
        if not bracket or not _IPV6_LITERAL.fullmatch(literal):
            raise RedirectUrlRefused("must have a valid IPv6 address in brackets")
        try:
            host = f"[{ipaddress.IPv6Address(literal).compressed}]"
        except ValueError:
            raise RedirectUrlRefused("must have a valid IPv6 address in brackets") from None
        if after and not after.startswith(":"):
            raise RedirectUrlRefused("must be a valid absolute URL")
        return host, _port(after[1:]) if after else ""
    name, colon, port = authority.partition(":")
    return _domain(name), _port(port) if colon else ""


def _port(text: str) -> str:
    if not _PORT.fullmatch(text) or int(text) > 65535:
        raise RedirectUrlRefused("must have a port from 0 to 65535")
    return str(int(text))


def allowed_host(name: str) -> str:
    """An `ALLOWED_REDIRECT_HOSTS` entry as a redirect URL's host is stored (lower case, punycode),
    so `bücher.de` matches what a browser visits; RedirectUrlRefused if it cannot be a host."""
    return name.lower() if name.startswith("[") else _domain(name)


def _domain(name: str) -> str:
    if not name:
        raise RedirectUrlRefused("must be an absolute https URL")
    if "%" in name:
        raise RedirectUrlRefused("must not have a percent-encoded host")
    if any(ch in _UNICODE_DOTS for ch in name):
        raise RedirectUrlRefused("must separate the host's labels with ASCII dots")
    # Lower-cased as a browser does (UTS 46), without context: Python's `lower()` makes a final
    # capital sigma (U+03A3) final sigma (U+03C2), a browser always small sigma (U+03C3): two domains.
    labels = name.replace("\u03a3", "\u03c3").lower().split(".")
    if any(not label for label in labels):
        raise RedirectUrlRefused("must not have an empty label in its host")
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        # A browser reads such a host as an IPv4 address, written in any of several forms
        # (`2130706433`, `0x7f.1`, `0177.0.0.1`); only the one canonical form is unambiguous.
        if len(labels) != 4 or not all(
            _CANONICAL_OCTET.fullmatch(label) and int(label) <= 255 for label in labels
        ):
            raise RedirectUrlRefused("must write an IPv4 host as four decimal numbers from 0 to 255")
        return ".".join(labels)
    ascii_labels = [_ascii_label(label) for label in labels]
    host = ".".join(ascii_labels)
    if len(host) > 253:
        raise RedirectUrlRefused("must have a host of at most 253 characters")
    return host


def _ascii_label(label: str) -> str:
    """An ASCII name's label as is; an internationalised one as its punycode A-label, only if it
    is valid IDNA 2008 (which refuses full-width and other look-alike characters); an A-label only
    if it decodes to valid IDNA."""
    if label.isascii() and not label.startswith("xn--"):
        if not _ASCII_LABEL.fullmatch(label):
            raise RedirectUrlRefused("must have a host of letters, digits, '-', '_' and '.'")
        return label
    import idna  # its tables cost cold-start time, and most hosts never need them

    try:
        if label.isascii():
            idna.decode(label)
            return label
        return idna.alabel(unicodedata.normalize("NFC", label)).decode("ascii")
    except idna.IDNAError:
        raise RedirectUrlRefused(
            "must have a host that is valid IDNA (no full-width or look-alike characters)"
        ) from None


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
