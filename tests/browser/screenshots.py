"""`make screenshots`: the hosted page's states as a 360 px phone shows them, in docs/screenshots/.

Runs its own local stack (in memory, on free ports) and the loopback stub site, like the browser
tests; the complete state is taken without JavaScript, which would otherwise leave it at once for
the merchant's success_url.
"""

from __future__ import annotations

import base64
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from tests.browser.chrome import Browser, start_browser
from tests.browser.shop import Shop, mint_key
from tests.browser.stub import StubSite
from tests.builders import ROOT
from tests.integration.conftest import start_stack, stop_stack

OUT = ROOT / "docs" / "screenshots"


def save(browser: Browser, name: str) -> Path:
    """The whole page, not only the viewport."""
    driver = browser.driver
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    width = int(driver.execute_script("return window.innerWidth"))
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        },
    )
    path = OUT / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def wait_for(browser: Browser, css: str) -> None:
    WebDriverWait(browser.driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, css), message=css)


def take(shop: Shop, phone: Browser, quiet: Browser, base_url: str) -> list[Path]:
    taken = []
    choosing = shop.session()
    phone.driver.get(choosing["url"])
    wait_for(phone, ".choices:not([hidden])")
    taken.append(save(phone, "1-choose"))

    phone.driver.find_element(By.ID, "pay-crypto").click()
    wait_for(phone, "#deposit-address")
    time.sleep(1.2)  # the countdown's first ticks
    taken.append(save(phone, "2-crypto"))

    paid = shop.session()
    shop.pay(shop.link_crypto_order(paid["id"])["id"])
    deadline = time.monotonic() + 30
    while shop.api.get(f"/checkout-sessions/{paid['id']}").json()["data"]["status"] != "complete":
        assert time.monotonic() < deadline, "the session did not complete"
        time.sleep(0.2)
    quiet.driver.get(paid["url"])
    taken.append(save(quiet, "3-complete"))

    expiring = shop.session(expires_in=2)
    time.sleep(2.5)
    phone.driver.get(expiring["url"])
    wait_for(phone, "#expired-reason")
    taken.append(save(phone, "4-expired"))

    phone.driver.get(f"{base_url}/pay/{uuid.uuid4()}")
    taken.append(save(phone, "5-not-found"))
    return taken


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    site = StubSite()
    stack = start_stack(
        Path(tempfile.mkdtemp()) / "devstack.log", COINBASE_ONRAMP_BASE_URL=f"{site.url}/onramp"
    )
    phone = quiet = None
    try:
        phone, quiet = start_browser(), start_browser(javascript=False)
        with httpx.Client(base_url=stack.base_url, timeout=30) as api:
            for path in take(Shop(api, mint_key(stack), site.url), phone, quiet, stack.base_url):
                print(f"wrote {path.relative_to(ROOT)}")
    finally:
        for browser in (phone, quiet):
            if browser is not None:
                browser.quit()
        stop_stack(stack)
        site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
