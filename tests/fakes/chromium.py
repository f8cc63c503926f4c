"""Headless Chromium for the browser tests (Debian's ``chromium`` and ``chromium-driver``), with
a throw-away profile; the test is skipped when it is not installed or will not start."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.chrome.webdriver import WebDriver  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@contextmanager
def chromium(width: int, height: int, wait_s: float, logs: bool = False) -> Iterator[WebDriver]:
    """A headless browser with a ``width`` x ``height`` window; ``logs`` keeps its performance
    and console logs (what a test reads to see every request the page made)."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("Chromium is not installed: apt-get install chromium chromium-driver")
    profile = tempfile.mkdtemp(prefix="kbassist-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(arg)
    if logs:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    try:
        driver = webdriver.Chrome(
            service=Service(executable_path=str(CHROMEDRIVER)), options=options
        )
    except WebDriverException as exc:  # installed but unusable (e.g. a version mismatch)
        shutil.rmtree(profile, ignore_errors=True)
        pytest.skip(f"Chromium could not be started: {exc.msg}")
    driver.set_page_load_timeout(wait_s)
    driver.set_window_size(width, height)  # --window-size has a 500 px floor
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
