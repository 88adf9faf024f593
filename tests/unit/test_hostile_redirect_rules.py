"""Redirect URL rules (DESIGN 2.2, issue 10), checked against a real WHATWG URL parser: Node's
`URL` (the parser browsers share), run once over a corpus of tricky and generated URLs. Whatever
the rules accept, a browser must send the buyer to exactly the host the rules stored."""

from __future__ import annotations

import json
import random
import subprocess

import pytest

from checkout.domain.redirects import MAX_URL_LENGTH, RedirectUrlRefused, checked_redirect_url

ATTACKS = [
    "https://evil.com\\.good.com/",
    "https://\uff45\uff56\uff49\uff4c.com/",
    "https://%65vil.com/",
    "https://good.com\u200b/",
    "https://good.com%00.evil.com/",
    "https://[v1.x]/",
    "https://evil\u3002com/",
    "https://0x7f.1/",
    "https://127.1/",
    "https://0177.0.0.1/",
    "https://2130706433/",
    "https://[::1%25eth0]/",
    "https://user:pass@good.com/",
    "https://good.com@evil.com/",
    "https:evil.com",
    "https:/evil.com",
    "https:\\\\evil.com",
    "https://good.com:/",
    "https://good.com:65536/",
    "https://g\u00adood.com/",
    "https://good.com./",
    "https://xn--a.com/",
    "https://\U0001f4a9.la/",
    "javascript://good.com/%0aalert(1)",
    "ftp://good.com/",
    "http://good.com/",
    "//good.com/",
    "https:// good.com/",
    "https://good.com/\tpath",
]

ACCEPTED = {
    "https://shop.example.com/thanks?session={SESSION_ID}": "https://shop.example.com/thanks?session={SESSION_ID}",
    "HTTPS://Shop.EXAMPLE.com:0443/A?B#C": "https://shop.example.com:443/A?B#C",
    "https://B\u00fccher.example/x": "https://xn--bcher-kva.example/x",
    "https://xn--bcher-kva.example/x": "https://xn--bcher-kva.example/x",
    "https://\u4f8b\u3048.jp": "https://xn--r8jz45g.jp",
    # A capital sigma is small sigma (U+03C3) wherever it stands, as a browser maps it; not final.
    "https://shop.\u039a\u039f\u03a3\u039c\u039f\u03a3/": "https://shop.xn--vxaeibsc/",
    "https://x.ab\u03a3/": "https://x.xn--ab-wbc/",
    "https://[2001:DB8::0:1]:8443/p": "https://[2001:db8::1]:8443/p",
    "https://192.0.2.10/ok": "https://192.0.2.10/ok",
    "http://localhost:3000/done": "http://localhost:3000/done",
    "http://127.0.0.1/done": "http://127.0.0.1/done",
    "https://my_shop.example/caf\u00e9?q=\u00e9t\u00e9#\u00e0": "https://my_shop.example/caf\u00e9?q=\u00e9t\u00e9#\u00e0",
    "https://good.com#@evil.com": "https://good.com#@evil.com",
    "https://good.com?@evil.com": "https://good.com?@evil.com",
}


@pytest.mark.parametrize("url", ATTACKS)
def test_each_attack_is_refused(url: str) -> None:
    with pytest.raises(RedirectUrlRefused):
        checked_redirect_url(url, None)


@pytest.mark.parametrize(("url", "stored"), ACCEPTED.items())
def test_acceptable_urls_are_stored_as_a_browser_sees_their_host(url: str, stored: str) -> None:
    assert checked_redirect_url(url, None) == stored
    assert checked_redirect_url(stored, None) == stored


def test_allowed_hosts_are_compared_with_the_host_a_browser_uses() -> None:
    allowed = frozenset({"xn--bcher-kva.example"})
    assert checked_redirect_url("https://B\u00fcCHER.example/", allowed) == "https://xn--bcher-kva.example/"
    with pytest.raises(RedirectUrlRefused, match="allowed"):
        checked_redirect_url("https://evil.example/", allowed)


def test_the_length_limit_counts_the_session_id_once_templated() -> None:
    base = "https://s.example/"
    fits = base + "a" * (MAX_URL_LENGTH - len(base) - len("?sessionId=") - 36)
    checked_redirect_url(fits, None)
    with pytest.raises(RedirectUrlRefused, match="session id"):
        checked_redirect_url(fits + "a", None)
    assert checked_redirect_url(fits + "a", None, templated=False) == fits + "a"
    placeholder = base + "{SESSION_ID}" + "a" * (MAX_URL_LENGTH - len(base) - 35)
    with pytest.raises(RedirectUrlRefused):
        checked_redirect_url(placeholder, None)


def generated_urls(count: int, seed: int = 10) -> list[str]:
    """URLs assembled from pieces browsers treat specially, reproducibly."""
    rng = random.Random(seed)
    schemes = ["https://", "HTTPS://", "http://", "https:", "https:/", "https:\\\\"]
    hosts = [
        "good.com",
        "GOOD.com",
        "g\u00f6od.com",
        "xn--gd-fka.com",
        "good.com.",
        "good..com",
        "\uff47ood.com",
        "g%6Fod.com",
        "go\u200bod.com",
        "good\u3002com",
        "127.0.0.1",
        "127.1",
        "0x7f.0.0.1",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "[v1.x]",
        "localhost",
        "u@good.com",
        "good.com\\@evil.com",
        "a_b.example",
        "1.2.3.256",
        "example.123",
        "xn--ls8h.la",
        "\u4f8b\u3048.jp",
        "good.com%2F@evil.com",
        "-x.com",
    ]
    ports = ["", ":443", ":0443", ":", ":99999", ":8080"]
    tails = ["", "/", "/p?q=1#f", "?x", "#y", "/\\evil", "/caf\u00e9", "/%2e%2e/", "/a b", "/{SESSION_ID}"]
    return [
        rng.choice(schemes) + rng.choice(hosts) + rng.choice(ports) + rng.choice(tails) for _ in range(count)
    ]


def whatwg_parse(urls: list[str]) -> list[dict[str, str] | None]:
    """Each URL as Node's WHATWG `URL` parses it (protocol, hostname, port, href), or None."""
    script = (
        "const urls = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(urls.map(u => { try { const x = new URL(u);"
        " return {protocol: x.protocol, hostname: x.hostname, port: x.port, href: x.href}; }"
        " catch (e) { return null; } })));"
    )
    done = subprocess.run(
        ["node", "-e", script], input=json.dumps(urls), capture_output=True, text=True, check=True, timeout=60
    )
    parsed: list[dict[str, str] | None] = json.loads(done.stdout)
    return parsed


def test_whatever_is_accepted_takes_a_browser_to_the_stored_host() -> None:
    corpus = ATTACKS + list(ACCEPTED) + generated_urls(1500)
    accepted: dict[str, str] = {}
    for url in corpus:
        try:
            accepted[url] = checked_redirect_url(url, None)
        except RedirectUrlRefused:
            continue
    originals = list(accepted)
    browser_view = whatwg_parse(originals + [accepted[url] for url in originals])
    for index, url in enumerate(originals):
        as_sent, as_stored = browser_view[index], browser_view[len(originals) + index]
        assert as_sent is not None and as_stored is not None, url
        assert as_stored == as_sent, url  # the stored URL goes exactly where the original went
        stored_host = accepted[url].split("://", 1)[1]
        assert stored_host.startswith(as_sent["hostname"]), (url, as_sent)
    assert len(accepted) > 100  # the corpus exercised acceptance, not only refusals
    assert not set(ATTACKS) & set(accepted)
