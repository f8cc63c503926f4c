"""The review page in headless Chromium: a reviewer loads the queue with an admin key, opens a
draft, sees its sources beside the Markdown, edits and approves it (the published file has the
edit), and cannot reject without a reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from assistant.settings import ApiKey, HttpSettings
from assistant.types import Audience
from tests.assistant.drafts.conftest import portal_tickets
from tests.integrations.http.conftest import KEYS, MAX_REQUEST_BYTES, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.common.exceptions import (  # noqa: E402
    StaleElementReferenceException,
)
from selenium.webdriver.chrome.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from tests.fakes.chromium import chromium  # noqa: E402

WAIT_S = 20.0
ADMIN_KEY = "review-admin-key"


@pytest.fixture(scope="module")
def server_settings() -> dict[str, Any]:
    keys = {**KEYS, ADMIN_KEY: ApiKey(teams=["tier1"], role="admin")}
    return {"http": HttpSettings(api_keys=keys, max_request_bytes=MAX_REQUEST_BYTES)}


@pytest.fixture(scope="module")
def draft_ids(live: LiveServer) -> list[str]:
    """Two open drafts: the one generated, and a copy of it (one to approve, one to reject)."""
    lines = [json.dumps(t) for t in portal_tickets()]
    (live.kb / "tickets" / "portal.jsonl").write_text("\n".join(lines) + "\n")
    assert live.services.ingestor.sync([live.kb]).ok
    drafts = live.services.drafts
    [created] = drafts.generate(min_tickets=3).created
    copy = drafts.show(created, Audience.agent()).model_copy(
        update={"id": "copy0000000a", "doc_id": "kb-draft-copy0000000a"}
    )
    drafts.drafts.add(copy)
    return [created, copy.id]


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    with chromium(1400, 1000, WAIT_S) as driver:
        yield driver


def _wait(driver: WebDriver, condition: Any, what: str) -> Any:
    return WebDriverWait(driver, WAIT_S).until(condition, message=what)


def _open(driver: WebDriver, base_url: str, draft_id: str) -> None:
    driver.get(f"{base_url}/review")
    key = driver.find_element(By.ID, "rv-key")
    key.clear()
    key.send_keys(ADMIN_KEY)
    driver.find_element(By.ID, "rv-load").click()
    selector = f'button.rv-item[data-id="{draft_id}"]'

    def click_item(d: WebDriver) -> bool:  # the list may be redrawn under the click
        found = d.find_elements(By.CSS_SELECTOR, selector)
        if found:
            found[0].click()
        return bool(found)

    WebDriverWait(driver, WAIT_S, ignored_exceptions=(StaleElementReferenceException,)).until(
        click_item, message="the draft in the list"
    )
    _wait(
        driver,
        lambda d: "## Resolution" in d.find_element(By.ID, "rv-markdown").get_property("value"),
        "the draft's Markdown",
    )


def test_a_reviewer_edits_and_approves_a_draft_beside_its_sources(
    browser: WebDriver, base_url: str, draft_ids: list[str], live: LiveServer
) -> None:
    draft_id = draft_ids[0]
    _open(browser, base_url, draft_id)
    sources = browser.find_elements(By.CSS_SELECTOR, "#rv-source-list .rv-source")
    assert len(sources) == 3 and "Resend invite" in sources[0].text
    editor = browser.find_element(By.ID, "rv-markdown")
    editor.send_keys(Keys.CONTROL, Keys.END)
    editor.send_keys("\nChecked by the review page.\n")
    browser.find_element(By.ID, "rv-approve").click()
    banner = browser.find_element(By.ID, "rv-banner")
    status = _wait(
        browser,
        lambda d: (
            "Published" in d.find_element(By.ID, "rv-status").text
            and d.find_element(By.ID, "rv-status").text
        ),
        "the published status",
    )
    assert not banner.is_displayed()
    assert f"kb-draft-{draft_id}" in status
    assert browser.find_element(By.ID, "rv-approve").get_property("disabled")
    path = live.services.settings.publish_path / f"kb-draft-{draft_id}.md"
    assert "Checked by the review page." in path.read_text()


def test_rejecting_needs_a_reason_then_records_it(
    browser: WebDriver, base_url: str, draft_ids: list[str], live: LiveServer
) -> None:
    draft_id = draft_ids[-1]
    _open(browser, base_url, draft_id)
    browser.find_element(By.ID, "rv-reject").click()
    banner = browser.find_element(By.ID, "rv-banner")
    _wait(browser, lambda d: banner.is_displayed(), "the missing-reason banner")
    assert "reason" in banner.text
    browser.find_element(By.ID, "rv-reason").send_keys("Covered by the onboarding macro")
    browser.find_element(By.ID, "rv-reject").click()
    _wait(browser, lambda d: "Rejected" in d.find_element(By.ID, "rv-status").text, "rejected")
    draft = live.services.drafts.show(draft_id, Audience.agent("tier1"))
    assert draft.state == "rejected" and draft.reason == "Covered by the onboarding macro"
