"""Browser tier: the hosted page in Debian's headless Chromium, against its own local stack (whose
onramp points at a loopback stub), with every request the page makes recorded.

Without the browser these tests fail, never skip: the message says what to install.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.browser.chrome import Browser, missing_browser, start_browser
from tests.browser.shop import Shop, mint_key
from tests.browser.stub import StubSite
from tests.integration.conftest import RunningStack, start_stack, stop_stack


@pytest.fixture(scope="session")
def chromium() -> None:
    problem = missing_browser()
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="session")
def elsewhere() -> Iterator[StubSite]:
    site = StubSite()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def page_stack(
    chromium: None, elsewhere: StubSite, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningStack]:
    log = tmp_path_factory.mktemp("browser-stack") / "devstack.log"
    running = start_stack(log, COINBASE_ONRAMP_BASE_URL=f"{elsewhere.url}/onramp")
    yield running
    stop_stack(running)


@pytest.fixture(scope="session")
def shop(page_stack: RunningStack, elsewhere: StubSite) -> Iterator[Shop]:
    with httpx.Client(base_url=page_stack.base_url, timeout=30) as api:
        yield Shop(api, mint_key(page_stack), elsewhere.url)


@pytest.fixture(scope="session")
def phone(chromium: None) -> Iterator[Browser]:
    """A 360 px wide phone with JavaScript on; each test starts from a blank page, its requests forgotten."""
    browser = start_browser()
    yield browser
    browser.quit()


@pytest.fixture
def browser(phone: Browser) -> Browser:
    phone.driver.get("about:blank")
    phone.forget()
    return phone


@pytest.fixture(scope="session")
def no_script(chromium: None) -> Iterator[Browser]:
    browser = start_browser(javascript=False)
    yield browser
    browser.quit()
