"""Debian's headless Chromium, driven by Selenium through Debian's chromedriver (never a driver
downloaded at run time), with every request the page makes recorded from Chrome's performance log."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL = "apt-get install chromium chromium-driver"
# A quiet browser: no first-run pages, no update checks, no sync, nothing fetched in the background.
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-features=Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions",
]


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None: they fail (never skip) with this."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.is_file()]
    if not missing:
        return None
    return f"{' and '.join(missing)} not found: the browser tests need Debian's packages ({INSTALL})"


@dataclass
class Browser:
    driver: webdriver.Chrome
    profile: Path
    seen: list[str] = field(default_factory=list)

    def requests(self) -> list[str]:
        """Every URL the browser requested since the last `forget()` (documents, assets, fetches)."""
        log = self.driver.get_log("performance")  # type: ignore[no-untyped-call]  # untyped in selenium
        for entry in log:
            message: dict[str, Any] = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self.seen.append(message["params"]["request"]["url"])
        return list(self.seen)

    def forget(self) -> None:
        self.requests()
        self.seen.clear()

    def elsewhere(self, origin: str) -> list[str]:
        """The requested URLs that are not on `origin` (scheme, host and port)."""
        return [url for url in self.requests() if origin_of(url) != origin]

    def quit(self) -> None:
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def start_browser(*, javascript: bool = True, width: int = 360, height: int = 780) -> Browser:
    """A fresh profile each time; `width` x `height` CSS pixels as a phone reports them."""
    problem = missing_browser()
    if problem:
        raise RuntimeError(problem)
    profile = Path(tempfile.mkdtemp(prefix="checkout-chromium-"))
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in [*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True},
    )
    driver.set_page_load_timeout(30)
    return Browser(driver, profile)
