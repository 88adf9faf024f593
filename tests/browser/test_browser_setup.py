"""The browser tier never skips: without Debian's chromium and its driver it fails, saying what to
install; with them, the driver is Debian's (no download at run time)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import chrome


@pytest.mark.parametrize("missing", ["CHROMIUM", "CHROMEDRIVER"])
def test_a_missing_browser_says_what_to_install(missing: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chrome, missing, Path("/nonexistent/bin") / missing.lower())

    problem = chrome.missing_browser()

    assert problem is not None and "apt-get install chromium chromium-driver" in problem
    with pytest.raises(RuntimeError, match="apt-get install chromium chromium-driver"):
        chrome.start_browser()


def test_the_browser_and_its_driver_are_debians(chromium: None) -> None:
    assert chrome.missing_browser() is None
    assert chrome.CHROMIUM.as_posix() == "/usr/bin/chromium"
    assert chrome.CHROMEDRIVER.as_posix() == "/usr/bin/chromedriver"
