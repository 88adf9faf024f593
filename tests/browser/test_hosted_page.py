"""The hosted checkout page (DESIGN 12) in a real headless Chromium: the buyer's flows end where they
should, the page fits a 360 px phone, works as far as it can without JavaScript, and never asks
anything of a third party."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from tests.browser.chrome import Browser, origin_of
from tests.browser.shop import Shop
from tests.integration.conftest import RunningStack

WAIT_SECONDS = 30


def wait_until(driver: WebDriver, condition: Callable[[WebDriver], Any], what: str) -> Any:
    return WebDriverWait(driver, WAIT_SECONDS, poll_frequency=0.2).until(condition, message=what)


def text_of(driver: WebDriver, css: str) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, css).text)


def shown(driver: WebDriver, css: str) -> bool:
    found = driver.find_elements(By.CSS_SELECTOR, css)
    return bool(found) and found[0].is_displayed()


def test_pay_with_crypto_shows_the_deposit_address_then_returns_to_the_merchant(
    browser: Browser, shop: Shop, page_stack: RunningStack
) -> None:
    driver = browser.driver
    session = shop.session()
    driver.get(session["url"])
    assert (text_of(driver, "#amount"), text_of(driver, ".symbol"), text_of(driver, "#network")) == (
        "25",
        "USDC",
        "Base",
    )

    driver.find_element(By.ID, "pay-crypto").click()
    wait_until(driver, lambda d: shown(d, "#deposit-address"), "the deposit instructions")

    order = shop.order(session["id"])
    assert order is not None and order["onrampMetadata"] is None
    assert text_of(driver, "#deposit-address") == order["globalAddress"]
    assert driver.find_element(By.CSS_SELECTOR, ".qr svg.qr-code").is_displayed()
    assert [b.text for b in driver.find_elements(By.CSS_SELECTOR, "button.copy")] == [
        "Copy address",
        "Copy amount",
    ]
    assert "left)" in text_of(driver, ".countdown")
    driver.refresh()  # a reload shows the same order's instructions again
    assert text_of(driver, "#deposit-address") == order["globalAddress"]

    shop.pay(order["id"])
    wait_until(driver, lambda d: d.current_url == session["success_url"], "the redirect to success_url")
    assert browser.elsewhere(page_stack.base_url) == [session["success_url"]]


def test_pay_with_card_sends_the_buyer_to_the_onramp_url(browser: Browser, shop: Shop) -> None:
    driver = browser.driver
    session = shop.session()
    driver.get(session["url"])

    Select(driver.find_element(By.ID, "country")).select_by_value("GB")
    driver.find_element(By.ID, "pay-card").click()
    wait_until(driver, lambda d: d.current_url.startswith(f"{shop.elsewhere}/onramp"), "the onramp redirect")

    order = shop.order(session["id"])
    assert order is not None and order["onrampMetadata"]["country"] == "GB"
    assert driver.current_url == order["oneClickBuyUrl"]

    driver.back()  # the buyer comes back: the page offers to continue the same card payment
    wait_until(driver, lambda d: shown(d, "#continue-card"), "the card instructions")
    assert driver.find_element(By.ID, "continue-card").get_attribute("href") == order["oneClickBuyUrl"]


def test_a_session_that_expires_while_open_shows_why_and_the_way_back(browser: Browser, shop: Shop) -> None:
    driver = browser.driver
    session = shop.session(expires_in=3)
    driver.get(session["url"])
    assert shown(driver, "#pay-crypto")

    wait_until(driver, lambda d: shown(d, "#expired-reason"), "the expired page")
    assert text_of(driver, "#expired-reason") == "This checkout expired before it was paid."

    driver.find_element(By.ID, "cancel").click()
    wait_until(driver, lambda d: d.current_url == session["cancel_url"], "the way back to cancel_url")


def test_a_session_the_merchant_cancelled_says_so(browser: Browser, shop: Shop) -> None:
    session = shop.session()
    shop.expire(session["id"])

    browser.driver.get(session["url"])

    assert text_of(browser.driver, "#expired-reason") == "The merchant cancelled this checkout."
    assert browser.driver.find_element(By.ID, "cancel").get_attribute("href") == session["cancel_url"]


def test_an_unknown_id_is_the_not_found_page(browser: Browser, page_stack: RunningStack) -> None:
    url = f"{page_stack.base_url}/pay/{uuid.uuid4()}"
    browser.driver.get(url)

    assert text_of(browser.driver, "h1") == "Checkout not found"
    response = httpx.get(url)
    assert (response.status_code, response.headers["content-type"]) == (404, "text/html; charset=utf-8")


def fits(driver: WebDriver) -> bool:
    width: int = driver.execute_script("return window.innerWidth")
    overflow: int = driver.execute_script(
        "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
    )
    return width == 360 and overflow <= width


UNLABELLED = """
return Array.from(document.querySelectorAll('button, a, select, input, textarea'))
  .filter(el => el.offsetParent !== null)
  .filter(el => ['SELECT', 'INPUT', 'TEXTAREA'].includes(el.tagName)
    ? el.labels.length === 0 : !(el.textContent.trim() || el.getAttribute('aria-label')))
  .map(el => el.outerHTML);
"""


def test_every_state_fits_a_360_px_screen_with_labelled_controls(
    browser: Browser, shop: Shop, page_stack: RunningStack
) -> None:
    driver = browser.driver
    choosing = shop.session()
    paying = shop.session()
    shop.link_crypto_order(paying["id"])
    ended = shop.session()
    shop.expire(ended["id"])

    for url in [
        choosing["url"],
        paying["url"],
        ended["url"],
        f"{page_stack.base_url}/pay/{uuid.uuid4()}",
    ]:
        driver.get(url)
        assert fits(driver), url
        assert driver.execute_script(UNLABELLED) == [], url


def test_no_request_leaves_the_stacks_origin(browser: Browser, shop: Shop, page_stack: RunningStack) -> None:
    driver = browser.driver
    session = shop.session()
    driver.get(session["url"])
    driver.find_element(By.ID, "pay-crypto").click()
    wait_until(driver, lambda d: shown(d, "#deposit-address"), "the deposit instructions")
    polled = f"{page_stack.base_url}/checkout-sessions/{session['id']}?include=order"
    wait_until(driver, lambda _: polled in browser.requests(), "the page polling the session")

    requested = browser.requests()
    assert {f"{page_stack.base_url}/pay/{session['id']}", f"{page_stack.base_url}/orders", polled} <= set(
        requested
    )
    assert any("/pay/assets/pay.js?v=" in url for url in requested)
    assert {origin_of(url) for url in requested} == {page_stack.base_url}


def test_without_javascript_a_linked_order_still_shows_its_instructions(
    no_script: Browser, shop: Shop
) -> None:
    driver = no_script.driver
    choosing = shop.session()
    driver.get(choosing["url"])
    assert shown(driver, ".notice")  # says JavaScript is needed to choose
    assert not shown(driver, "#pay-crypto")

    paying = shop.session()
    order = shop.link_crypto_order(paying["id"])
    driver.get(paying["url"])

    assert text_of(driver, "#deposit-address") == order["globalAddress"]
    assert driver.find_element(By.CSS_SELECTOR, ".qr svg.qr-code").is_displayed()
    assert "UTC" in text_of(driver, "time")
