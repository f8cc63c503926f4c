"""The Zendesk Support app, end to end in headless Chromium: the app's own iframe page, framed by
a stand-in for Zendesk's agent page (tests/integrations/http/fake_zendesk) whose fake ZAF client
serves the open ticket, records what the app invokes and sends ``client.request`` through a proxy
to the real kbassist test server, where the secure API key is added, as Zendesk's proxy does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI

from integrations.zendesk_app.package import build
from tests.integrations.http.conftest import LiveServer, running
from tests.integrations.http.fake_zendesk import Forwarded, ZendeskState, fake_zendesk

pytestmark = [pytest.mark.browser, pytest.mark.slow]

pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.webdriver.chrome.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from tests.integrations.http.test_sidebar_browser import (  # noqa: E402
    API_KEY,
    banner_text,
    browser,  # noqa: F401  (the module's Chromium, a fixture)
    chord,
    click,
    wait_for,
    wait_for_confirmation,
    wait_for_suggestion,
)

AGENT = "Maria Lopez"
REQUESTER_EMAIL = "dana.customer@example.org"
SUBJECT = "Charged twice for one invoice"
DESCRIPTION = "I was charged twice for invoice INV-1042. Please refund one of them."
LATEST = "Both charges are on my bank statement and the second one is still pending."
INTERNAL = "Pro plan customer; check the payment gateway first."


def ticket_data() -> dict[str, Any]:
    """What ZAF's client.get answers for the open ticket (comments newest first)."""

    customer = {"id": 7, "name": "Dana Customer", "email": REQUESTER_EMAIL, "role": "end-user"}
    agent = {"id": 9, "name": AGENT, "email": "maria.lopez@support.example.com", "role": "agent"}
    return {
        "ticket.subject": SUBJECT,
        "ticket.description": DESCRIPTION,
        "ticket.requester.email": REQUESTER_EMAIL,
        "ticket.requester.name": "Dana Customer",
        "ticket.comments": [
            {
                "id": 303,
                "public": True,
                "author": customer,
                "value": f"<p>{LATEST}</p><p>Dana<br>{REQUESTER_EMAIL}</p>",
            },
            {"id": 302, "public": False, "author": agent, "value": f"<p>{INTERNAL}</p>"},
            {"id": 301, "public": True, "author": customer, "value": f"<p>{DESCRIPTION}</p>"},
        ],
        "currentUser.name": AGENT,
    }


@dataclass
class Zendesk:
    url: str  # the proxy and the app's assets (127.0.0.1)
    agent_url: str  # the agent's page, on another origin (localhost)
    app: FastAPI

    @property
    def state(self) -> ZendeskState:
        state: ZendeskState = self.app.state.zendesk
        return state

    def app_url(self) -> str:
        origin = self.agent_url.rsplit("/", 1)[0]
        return f"{self.url}/assets/iframe.html?origin={quote(origin, safe='')}&app_guid=test-app"


@pytest.fixture(scope="module")
def zendesk(live: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zendesk]:
    package = build(tmp_path_factory.mktemp("zendesk") / "app")
    app = fake_zendesk(live.base_url, API_KEY, package)
    with running(app) as url:
        port = url.rsplit(":", 1)[1]
        yield Zendesk(url, f"http://localhost:{port}/agent", app)


def open_ticket(driver: WebDriver, zendesk: Zendesk, live: LiveServer, key: str) -> WebDriver:
    """The agent opens the ticket (the app's secure key setting is ``key``): the app loads in its
    frame and suggests at once; returns the driver switched into the app's frame."""
    zendesk.state.forwarded.clear()
    zendesk.state.api_key = key
    driver.switch_to.default_content()
    driver.get(zendesk.agent_url)
    driver.get_log("performance")  # only this test's requests are looked at
    config = {"appUrl": zendesk.app_url(), "data": ticket_data(),
              "settings": {"kbassist_url": live.base_url}}  # fmt: skip
    driver.execute_script("window.openApp(arguments[0])", config)
    driver.switch_to.frame(driver.find_element(By.ID, "app"))
    return driver


@pytest.fixture
def ticket(browser: WebDriver, zendesk: Zendesk, live: LiveServer) -> WebDriver:  # noqa: F811
    return open_ticket(browser, zendesk, live, API_KEY)


def in_zendesk(driver: WebDriver, script: str) -> Any:
    """Run ``script`` on the agent's page (outside the app's frame)."""
    driver.switch_to.default_content()
    try:
        return driver.execute_script(script)
    finally:
        driver.switch_to.frame(driver.find_element(By.ID, "app"))


def suggestion_requests(zendesk: Zendesk) -> list[Forwarded]:
    return [f for f in zendesk.state.forwarded if f.url.endswith("/v1/suggestions")]


def test_the_ticket_is_read_and_the_suggestion_shown_without_the_requesters_email(
    ticket: WebDriver, zendesk: Zendesk, live: LiveServer
) -> None:
    sid = wait_for_suggestion(ticket)
    assert ticket.find_elements(By.CSS_SELECTOR, "#kb-citations > li"), "no citations"
    assert ticket.find_element(By.ID, "kb-answer").text.strip()
    assert ticket.find_element(By.ID, "kb-insert").is_displayed()
    assert not ticket.find_element(By.ID, "kb-identity").is_displayed()  # the agent is known

    [sent] = suggestion_requests(zendesk)
    assert sent.method == "POST" and sent.secure
    assert sent.headers["Authorization"] == "Bearer {{setting.api_key}}"
    assert sent.headers["X-Kbassist-Channel"] == "zendesk"
    body = json.loads(sent.data or "{}")
    assert body["asker"] == AGENT
    assert body["ticket"]["subject"] == SUBJECT
    description = body["ticket"]["description"]
    assert description.startswith(DESCRIPTION) and description.count(DESCRIPTION) == 1
    assert LATEST in description  # the latest public comment
    assert INTERNAL not in description  # an internal note is not the customer's words
    for forwarded in zendesk.state.forwarded:
        assert REQUESTER_EMAIL not in json.dumps(forwarded.__dict__)
        assert "@" not in (forwarded.data or "")  # no e-mail address at all

    asked = in_zendesk(ticket, "return window.zendesk.calls")
    paths = [p for c in asked if c["call"] == "get" for p in c["args"][0]]
    assert {"ticket.subject", "ticket.description", "ticket.comments"} <= set(paths)
    assert not [p for p in paths if "requester" in p or "email" in p], paths

    record, _ = live.services.service.get(sid)
    assert record.channel == "zendesk"


def test_insert_reply_appends_the_plain_draft_and_accept_is_recorded_on_zendesk(
    ticket: WebDriver, zendesk: Zendesk, live: LiveServer
) -> None:
    sid = wait_for_suggestion(ticket)
    reply = ticket.find_element(By.ID, "kb-reply").get_attribute("value") or ""
    assert reply.strip(), "no reply draft"
    click(ticket, ticket.find_element(By.ID, "kb-insert"))
    wait_for(ticket, lambda d: "Inserted" in d.find_element(By.ID, "kb-copy-status").text, "insert")
    invoked = in_zendesk(ticket, "return window.zendesk.invoked")
    appended = [args for name, *args in invoked if name == "ticket.comment.appendText"]
    assert appended == [[reply]]
    record, _ = live.services.service.get(sid)
    assert reply.strip() == record.suggestion.reply_draft.strip()  # the draft, as plain text
    assert "**" not in reply and "](" not in reply

    chord(ticket, Keys.ALT, "a")
    wait_for_confirmation(ticket, "Accepted ✓")
    record, decisions = live.services.service.get(sid)
    assert record.channel == "zendesk"
    assert [(d.action, d.agent) for d in decisions] == [("accept", AGENT)]


def test_edit_and_override_are_recorded_on_zendesk(
    ticket: WebDriver, zendesk: Zendesk, live: LiveServer
) -> None:
    sid = wait_for_suggestion(ticket)
    chord(ticket, Keys.ALT, "e")
    editor = ticket.find_element(By.ID, "kb-answer-edit")
    wait_for(ticket, lambda d: editor.is_displayed(), "the answer did not become editable")
    editor.send_keys(Keys.CONTROL, Keys.END)
    editor.send_keys(" Refund the pending one.")
    chord(ticket, Keys.CONTROL, Keys.ENTER)
    wait_for_confirmation(ticket, "Edit saved ✓")

    chord(ticket, Keys.ALT, "o")
    text = ticket.find_element(By.ID, "kb-override-text")
    wait_for(ticket, lambda d: text.is_displayed(), "no override form")
    text.send_keys("Cancel the pending charge with the bank instead.")
    ticket.find_element(By.ID, "kb-override-reason").send_keys("it is still pending")
    chord(ticket, Keys.CONTROL, Keys.ENTER)
    wait_for_confirmation(ticket, "Override recorded ✓")

    record, decisions = live.services.service.get(sid)
    assert record.channel == "zendesk"
    assert [(d.action, d.agent) for d in decisions] == [("edit", AGENT), ("override", AGENT)]
    assert (decisions[0].text or "").endswith("Refund the pending one.")


def test_the_key_is_never_in_the_page_and_the_page_itself_calls_nothing(
    ticket: WebDriver, zendesk: Zendesk, live: LiveServer
) -> None:
    wait_for_suggestion(ticket)
    chord(ticket, Keys.ALT, "a")
    wait_for_confirmation(ticket, "Accepted ✓")

    page = ticket.execute_script(
        "return document.documentElement.outerHTML + [...document.querySelectorAll("
        "'input, textarea')].map((e) => e.value).join('\\n')"
    )
    for secret in (API_KEY, "{{setting"):
        assert secret not in page, secret
    loaded = ticket.execute_script(
        "return performance.getEntriesByType('resource').map((e) => [e.name, e.initiatorType])"
    )
    assert loaded, "the frame loaded nothing?"
    for url, kind in loaded:  # its own scripts and styles, no fetch or XHR of its own
        assert url.startswith(f"{zendesk.url}/assets/"), (url, kind)
        assert kind in ("script", "link", "css"), (url, kind)
    for entry in ticket.get_log("performance"):  # nothing the browser sent had the key
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            request = message["params"]["request"]
            assert not request["url"].startswith(live.base_url), request["url"]
            assert API_KEY not in json.dumps(request)
    assert len(suggestion_requests(zendesk)) == 1


def test_a_changed_ticket_is_read_again_without_asking(ticket: WebDriver, zendesk: Zendesk) -> None:
    wait_for_suggestion(ticket)
    in_zendesk(
        ticket,
        "window.zendesk.config.data['ticket.subject'] = 'Refund the second charge please';"
        "window.fire('ticket.updated', {})",
    )
    subject = ticket.find_element(By.ID, "kb-subject")
    wait_for(ticket, lambda d: subject.get_attribute("value") == "Refund the second charge please",
             "the subject was not read again")  # fmt: skip
    assert "Suggest again" in ticket.find_element(By.ID, "kb-status").text
    assert len(suggestion_requests(zendesk)) == 1  # the agent decides when to ask again


def test_a_rejected_key_is_a_readable_banner(
    browser: WebDriver,  # noqa: F811
    zendesk: Zendesk,
    live: LiveServer,
) -> None:
    ticket = open_ticket(browser, zendesk, live, "not-a-key")  # what the admin typed
    banner = ticket.find_element(By.ID, "kb-banner")
    wait_for(ticket, lambda d: banner.is_displayed(), "no error banner for a bad key")
    assert banner_text(ticket).startswith("Your API key was not accepted: a valid API key")
    assert not ticket.find_element(By.ID, "kb-result").is_displayed()


def test_the_package_page_outside_zendesk_says_where_to_open_it(
    browser: WebDriver,  # noqa: F811
    zendesk: Zendesk,
) -> None:
    browser.switch_to.default_content()
    browser.get(f"{zendesk.url}/package/iframe.html")  # the real, vendored SDK
    banner = browser.find_element(By.ID, "kb-banner")
    wait_for(browser, lambda d: banner.is_displayed(), "no banner outside Zendesk")
    assert "open a ticket in Zendesk Support" in banner_text(browser)
    assert browser.execute_script("return typeof window.ZAFClient.init") == "function"
