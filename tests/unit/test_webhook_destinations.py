"""Where a webhook may point (DESIGN 11): https only (plain http to this machine only when allowed),
and never, whatever a name resolves to, into the service's own network: private, loopback,
link-local (the instance metadata address), multicast or unspecified, IPv4 and IPv6 alike."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from checkout.adapters.webhook_http import HttpSender
from checkout.domain.webhook_urls import address_problem, url_problem


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example.com/webhooks",
        "https://shop.example.com:8443/hooks?source=checkout",
        "https://93.184.216.34/hook",
        "https://[2606:2800:220:1:248:1893:25c8:1946]/hook",
        "https://xn--bcher-kva.example/hook",
    ],
)
def test_public_https_urls_are_accepted(url: str) -> None:
    assert url_problem(url, allow_loopback=False) is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://shop.example.com/hook", "must use https"),
        ("ftp://shop.example.com/hook", "must be an absolute https URL"),
        ("/relative/hook", "must be an absolute https URL"),
        ("https://user:pass@shop.example.com/hook", "must not carry credentials"),
        ("https://shop.example.com/hook#part", "must not have a fragment"),
        ("https://shop.example.com:99999/hook", "must be a valid absolute URL"),
        ("https://shop.example.com/ho ok", "must not contain spaces or control characters"),
        ("https://shop.example.com/\x00", "must not contain spaces or control characters"),
        ("https://" + "a" * 2048 + ".com", "must be at most 2048 characters"),
        ("https://" + "a" * 64 + ".com/hook", "must name a host that can resolve"),
        ("https://shop..example.com/hook", "must name a host that can resolve"),
        ("https://" + "a." * 127 + "com/hook", "must name a host that can resolve"),
        ("https://169.254.169.254/latest/meta-data", "must not point to a link-local address"),
        ("https://10.0.0.1/hook", "must not point to a private address"),
        ("https://[::1]/hook", "must not point to a loopback address"),
        ("https://127.0.0.1/hook", "must not point to a loopback address"),
        ("https://0.0.0.0/hook", "must not point to not a unicast internet address"),
        ("https://[::ffff:10.0.0.1]/hook", "must not point to a private address"),
    ],
)
def test_other_urls_are_refused_with_the_reason(url: str, problem: str) -> None:
    found = url_problem(url, allow_loopback=False)
    assert found is not None and found.startswith(problem)


def test_plain_http_to_this_machine_only_when_allowed() -> None:
    for url in ("http://127.0.0.1:8080/hook", "http://localhost:8080/hook", "http://[::1]:8080/hook"):
        assert url_problem(url, allow_loopback=True) is None
        assert url_problem(url, allow_loopback=False) is not None
    assert url_problem("http://shop.example.com/hook", allow_loopback=True) == (
        "must use https (plain http only to this machine)"
    )
    assert url_problem("http://10.0.0.1/hook", allow_loopback=True) is not None


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("169.254.169.254", "a link-local address (such as the instance metadata service)"),
        ("fe80::1", "a link-local address (such as the instance metadata service)"),
        ("10.0.0.1", "a private address"),
        ("172.16.5.4", "a private address"),
        ("192.168.1.1", "a private address"),
        ("100.64.0.1", "a private address"),  # carrier-grade NAT
        ("fc00::1", "a private address"),
        ("::ffff:192.168.1.1", "a private address"),
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("224.0.0.1", "not a unicast internet address"),
        ("ff02::1", "not a unicast internet address"),
        ("0.0.0.0", "not a unicast internet address"),
        ("::", "not a unicast internet address"),
        ("240.0.0.1", "not a unicast internet address"),
        ("64:ff9b::a9fe:a9fe", "not a unicast internet address"),  # NAT64 of the metadata address
        ("fec0::1", "a private address (IPv6 site-local)"),
        ("2002:a9fe:a9fe::", "a 6to4 address of a private, loopback or link-local IPv4 address"),
        ("2002:7f00:1::", "a 6to4 address of a private, loopback or link-local IPv4 address"),
        ("2002:a00:1::", "a 6to4 address of a private, loopback or link-local IPv4 address"),
    ],
)
def test_resolved_addresses_outside_the_internet_are_refused(address: str, problem: str) -> None:
    assert address_problem(address, allow_loopback=False) == problem


def test_loopback_addresses_pass_only_when_allowed() -> None:
    assert address_problem("127.0.0.1", allow_loopback=True) is None
    assert address_problem("::1", allow_loopback=True) is None
    assert address_problem("10.0.0.1", allow_loopback=True) == "a private address"
    assert address_problem("2002:7f00:1::", allow_loopback=True) is not None  # not this machine


def test_a_6to4_address_of_a_public_ipv4_address_is_a_public_address() -> None:
    assert address_problem("2002:808:808::1", allow_loopback=False) is None


class ConnectSpy:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def __call__(self, address: str, port: int, timeout: float) -> socket.socket:
        self.calls.append((address, port))
        raise AssertionError("no connection may be made")


def resolving_to(*addresses: str) -> Any:
    return lambda host, port: list(addresses)


@pytest.mark.parametrize(
    "addresses",
    [("169.254.169.254",), ("10.0.0.1",), ("::1",), ("93.184.216.34", "10.0.0.1"), ("::ffff:127.0.0.1",)],
)
def test_a_name_resolving_into_the_services_network_is_never_called(addresses: tuple[str, ...]) -> None:
    connect = ConnectSpy()
    sender = HttpSender(allow_loopback=False, resolver=resolving_to(*addresses), connect=connect)

    result = sender.send("https://rebind.example.com/hook", "{}", "whsec_x")

    assert connect.calls == []
    assert result.status_code is None and not result.delivered
    assert result.error is not None and result.error.startswith("not sent: rebind.example.com resolves to")


def test_a_name_that_does_not_resolve_is_not_sent() -> None:
    def fails(host: str, port: int) -> list[str]:
        raise socket.gaierror("no such name")

    connect = ConnectSpy()
    result = HttpSender(False, resolver=fails, connect=connect).send(
        "https://nowhere.example/hook", "{}", "s"
    )

    assert connect.calls == []
    assert result.error == "not sent: nowhere.example does not resolve"


def test_a_name_the_resolver_cannot_encode_is_not_sent() -> None:
    def refuses(host: str, port: int) -> list[str]:
        raise UnicodeError("encoding with 'idna' codec failed (UnicodeError: label too long)")

    result = HttpSender(False, resolver=refuses, connect=ConnectSpy()).send(
        "https://shop.example/hook", "{}", "s"
    )

    assert result.error == "not sent: shop.example does not resolve"


def test_a_url_refused_at_delivery_is_never_resolved() -> None:
    def resolver(host: str, port: int) -> list[str]:
        raise AssertionError("not resolved")

    result = HttpSender(False, resolver=resolver, connect=ConnectSpy()).send(
        "http://shop.example/h", "{}", "s"
    )

    assert result.error == "not sent: the URL must use https"


def test_the_connection_goes_to_the_address_that_was_checked() -> None:
    class Refusing(ConnectSpy):
        def __call__(self, address: str, port: int, timeout: float) -> socket.socket:
            self.calls.append((address, port))
            raise ConnectionRefusedError

    connect = Refusing()
    sender = HttpSender(False, resolver=resolving_to("93.184.216.34"), connect=connect)

    result = sender.send("https://shop.example.com:8443/hook", "{}", "s")

    assert connect.calls == [("93.184.216.34", 8443)]
    assert result.error == "connection refused"
