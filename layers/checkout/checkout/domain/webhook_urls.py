"""Where a webhook may point (DESIGN 11): `https` only, plain `http` only to this machine and only
when allowed, and never into the service's own network.

A URL is checked when it is set (its form, and an address written in it) and again at every
delivery, on every address its host resolves to: a name can resolve anywhere, and differently
from one moment to the next.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048
LOOPBACK_NAMES = frozenset({"localhost"})


def address_problem(address: str, allow_loopback: bool) -> str | None:
    """Why a resolved address may not be called, or None. IPv4 and IPv6 alike; an IPv4 address
    written as IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 one it is."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if allow_loopback else "a loopback address"
    if ip.is_link_local:
        return "a link-local address (such as the instance metadata service)"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return "not a unicast internet address"
    if ip.is_private or not ip.is_global:
        return "a private address"
    if isinstance(ip, ipaddress.IPv6Address):
        # Python counts these as global: fec0::/10, the deprecated site-local (private) range, and
        # 6to4 (2002::/16), which routes to the IPv4 address it embeds.
        if ip.is_site_local:
            return "a private address (IPv6 site-local)"
        if ip.sixtofour is not None and not ip.sixtofour.is_global:
            return "a 6to4 address of a private, loopback or link-local IPv4 address"
    return None


def _literal_address(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def _resolvable_name(host: str) -> bool:
    """Whether a resolver can be asked for `host` at all: the IDNA codec (which the resolver uses)
    refuses an empty label or one longer than 63 characters, and a name longer than 253."""
    try:
        encoded = host.encode("idna")
    except UnicodeError:
        return False
    return len(encoded.rstrip(b".")) <= 253


def url_problem(url: str, allow_loopback: bool) -> str | None:
    """Why `url` cannot be a webhook destination, judged without a lookup; None when it can be."""
    if len(url) > MAX_URL_LENGTH:
        return f"must be at most {MAX_URL_LENGTH} characters"
    if not url.isprintable() or any(character.isspace() for character in url):
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "must be a valid absolute URL"
    if parts.scheme not in ("https", "http") or not host:
        return "must be an absolute https URL"
    if parts.username is not None or parts.password is not None:
        return "must not carry credentials"
    if parts.fragment:
        return "must not have a fragment"
    literal = _literal_address(host)
    if literal is None and not _resolvable_name(host):
        return "must name a host that can resolve (labels of 1 to 63 characters)"
    loopback = host in LOOPBACK_NAMES or (literal is not None and ipaddress.ip_address(literal).is_loopback)
    if parts.scheme == "http" and not (allow_loopback and loopback):
        return "must use https" + (" (plain http only to this machine)" if allow_loopback else "")
    if literal is not None and (problem := address_problem(literal, allow_loopback)):
        return f"must not point to {problem}"
    return None
