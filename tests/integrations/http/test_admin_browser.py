"""The admin dashboard, end to end: the live server over the tiny KB with a recorded history, and
headless Chromium (see test_sidebar_browser.py for how it is driven). Charts render, a gap
cluster expands to its questions, an agent key gets the 403 message, and every request the page
makes stays on 127.0.0.1."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from assistant.access import Audience
from assistant.records import DecisionIn
from assistant.settings import ApiKey, HttpSettings
from assistant.suggestion import AskRequest
from tests.integrations.http.conftest import KEYS, LiveServer
from tests.integrations.http.test_sidebar_browser import (  # noqa: F401 (the browser fixture)
    WAIT_S,
    browser,
    requested_urls,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.webdriver.chrome.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

ADMIN_KEY = "admin-secret-key"
AGENT_KEY = "tier1-secret-key"
UNCOVERED = [
    ("Is there a dark mode in the app?", "ana"),
    ("Can the app use a dark theme?", "bo"),
    ("How to switch on dark mode", "cy"),
]


@pytest.fixture(scope="module")
def server_settings() -> dict[str, Any]:
    keys = {**KEYS, ADMIN_KEY: ApiKey(teams=["tier1"], admin=True)}
    return {"http": HttpSettings(api_keys=keys)}


@pytest.fixture(scope="module")
def base(live: LiveServer) -> str:
    """The live server with a history: questions nothing answers, overridden by three agents,
    and a covered one accepted."""
    service = live.services.service
    tier1 = Audience.agent("tier1")
    for question, agent in UNCOVERED:
        record = service.suggest(AskRequest(question=question), tier1, "http", agent)
        override = DecisionIn(action="override", agent=agent, text="Not yet.", reason="no doc")
        service.decide(record.id, override, tier1)
    record = service.suggest(
        AskRequest(question="How do I reset my password?"), tier1, "http", "ana"
    )
    service.decide(record.id, DecisionIn(action="accept", agent="ana"), tier1)
    return live.base_url


def open_dashboard(driver: WebDriver, base: str, key: str) -> None:
    driver.get(f"{base}/admin")
    driver.execute_script("window.localStorage.clear()")
    field = driver.find_element(By.ID, "ad-key")
    field.clear()
    field.send_keys(key)
    wait_for(
        driver,
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded"),
        "the first load (with the key the page remembered) did not finish",
    )
    driver.get_log("performance")  # only this test's requests are looked at
    driver.execute_script("delete document.body.dataset.loaded")
    driver.find_element(By.ID, "ad-load").click()
    wait_for(
        driver,
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded"),
        "the dashboard did not finish loading",
    )


def test_an_admin_sees_charts_and_expands_a_gap_cluster(browser: WebDriver, base: str) -> None:  # noqa: F811
    open_dashboard(browser, base, ADMIN_KEY)
    body = browser.find_element(By.TAG_NAME, "body")
    assert body.get_attribute("data-loaded") == "true", browser.find_element(
        By.ID, "ad-banner"
    ).text
    assert browser.find_elements(By.CSS_SELECTOR, "#chart-volume svg rect.bar")
    for chart in ("chart-abstention", "chart-acceptance"):
        assert browser.find_elements(By.CSS_SELECTOR, f"#{chart} svg circle.dot"), chart

    toggle = browser.find_element(By.CSS_SELECTOR, "#ad-gaps .ad-gap-toggle")
    assert "dark" in toggle.text.lower()
    detail = browser.find_element(By.ID, toggle.get_attribute("aria-controls"))
    assert not detail.is_displayed()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and detail.is_displayed()
    shown = {li.text for li in detail.find_elements(By.CSS_SELECTOR, ".ad-gap-questions li")}
    assert shown == {question for question, _ in UNCOVERED}
    assert browser.find_elements(By.CSS_SELECTOR, "#ad-top-cited li")

    hosts = {
        urlsplit(url).hostname for url in requested_urls(browser) if not url.startswith("data:")
    }
    assert hosts == {"127.0.0.1"}, hosts


def test_an_agent_key_gets_the_403_message(browser: WebDriver, base: str) -> None:  # noqa: F811
    open_dashboard(browser, base, AGENT_KEY)
    banner = browser.find_element(By.ID, "ad-banner")
    assert banner.is_displayed() and "needs an admin API key" in banner.text
    assert not browser.find_elements(By.CSS_SELECTOR, "#ad-gaps .ad-gap")
    api = httpx.get(f"{base}/v1/gaps", headers={"X-API-Key": AGENT_KEY}, timeout=WAIT_S)
    assert api.status_code == 403
