"""The help-desk sidebar, end to end: the HTTP helper's live server (create_app over the tiny KB,
API keys required) and Debian's headless Chromium driven by Selenium.

``/usr/bin/chromedriver`` is passed explicitly, so Selenium Manager downloads nothing. Skipped
when Chromium is not installed (``apt-get install chromium chromium-driver``).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest

from tests.integrations.http.conftest import TIER1, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.webdriver.chrome.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from tests.fakes.chromium import chromium  # noqa: E402

WAIT_S = 20.0
TICKET = "I was charged twice for one invoice"
AGENT = "maria.lopez"
API_KEY = TIER1["Authorization"].removeprefix("Bearer ")


@pytest.fixture(scope="module")
def base(live: LiveServer) -> str:
    """The live server's address, with the sidebar router mounted (create_app mounts it; a
    create_app without it gets it here, as the lead mounts it)."""
    from integrations.http import sidebar

    if not any(getattr(route, "path", None) == "/sidebar" for route in live.app.routes):
        live.app.include_router(sidebar.router)
    return live.base_url


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    with chromium(380, 1000, WAIT_S, logs=True) as driver:
        yield driver


@pytest.fixture
def page(browser: WebDriver, base: str) -> WebDriver:
    """A fresh sidebar where the agent typed a name and API key (the page remembers both)."""
    browser.get(f"{base}/sidebar")
    browser.execute_script("window.localStorage.clear()")
    browser.get(f"{base}/sidebar")
    set_field(browser, "kb-agent", AGENT)
    set_field(browser, "kb-key", API_KEY)
    browser.get_log("browser")  # only this test's console messages are looked at
    browser.get_log("performance")  # and only its requests
    return browser


# -- helpers ------------------------------------------------------------------------------------


def set_field(driver: WebDriver, element_id: str, text: str) -> WebElement:
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)
    return field


def chord(driver: WebDriver, modifier: str, key: str) -> None:
    """Press key with modifier held, as a person does (Ctrl+Enter, Alt+A...)."""
    ActionChains(driver).key_down(modifier).send_keys(key).key_up(modifier).perform()


def click(driver: WebDriver, element: WebElement) -> None:
    """Scroll ``element`` clear of the sticky decision bar, as a person would, and click it."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def wait_for(driver: WebDriver, condition: Callable[[WebDriver], Any], what: str) -> Any:
    return WebDriverWait(driver, WAIT_S).until(condition, message=what)


def banner_text(driver: WebDriver) -> str:
    return str(driver.find_element(By.ID, "kb-banner-text").text)


def wait_for_suggestion(driver: WebDriver) -> str:
    """Wait until a suggestion is shown (failing at once on an error banner); return its id."""

    def shown(d: WebDriver) -> bool:
        if d.find_element(By.ID, "kb-banner").is_displayed():
            raise AssertionError(f"error banner: {banner_text(d)}")
        return bool(d.find_element(By.ID, "kb-result").is_displayed())

    wait_for(driver, shown, "no suggestion shown")
    suggestion_id = driver.find_element(By.ID, "kb-result").get_attribute("data-suggestion-id")
    assert suggestion_id
    return suggestion_id


def wait_for_confirmation(driver: WebDriver, expected: str) -> None:
    status = driver.find_element(By.ID, "kb-decision-status")
    banner = driver.find_element(By.ID, "kb-banner")
    wait_for(driver, lambda d: expected in status.text or banner.is_displayed(), expected)
    assert not banner.is_displayed(), banner_text(driver)


def decisions(base: str, suggestion_id: str) -> list[dict[str, Any]]:
    """What the API recorded for the suggestion."""
    response = httpx.get(f"{base}/v1/suggestions/{suggestion_id}", headers=TIER1, timeout=WAIT_S)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["decisions"]
    return found


def ask_ticket_with_keyboard(driver: WebDriver) -> str:
    subject = set_field(driver, "kb-subject", TICKET)
    assert driver.switch_to.active_element == subject
    chord(driver, Keys.CONTROL, Keys.ENTER)
    return wait_for_suggestion(driver)


def requested_urls(driver: WebDriver) -> set[str]:
    """Every URL the page asked for: Chrome's network log and the page's resource timing."""
    urls: set[str] = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.add(message["params"]["request"]["url"])
    urls.update(
        driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    )
    return urls


# -- tests --------------------------------------------------------------------------------------


def test_ticket_suggestion_citations_and_accept_with_the_keyboard(
    page: WebDriver, base: str
) -> None:
    sid = ask_ticket_with_keyboard(page)
    status = page.find_element(By.ID, "kb-status")
    assert status.get_attribute("aria-live") == "polite"
    assert "Suggestion ready" in status.text

    answer = page.find_element(By.ID, "kb-answer")
    assert answer.text.strip()
    citations = page.find_elements(By.CSS_SELECTOR, "#kb-citations > li")
    assert citations, "no citations listed"
    titles = [c.find_element(By.CSS_SELECTOR, ".kb-citation-title").text for c in citations]
    assert "Duplicate charge" in titles
    for citation, title in zip(citations, titles, strict=True):  # a title is shown once
        meta = citation.find_element(By.CSS_SELECTOR, ".kb-citation-meta").text
        assert title not in meta, meta

    answer.find_element(By.CSS_SELECTOR, "a.kb-marker[data-cite='1']").click()
    first = page.find_element(By.ID, "kb-cite-1")
    wait_for(page, lambda d: "is-highlighted" in (first.get_attribute("class") or ""), "[1]")
    assert first.get_attribute("aria-current") == "true"
    assert page.switch_to.active_element == first
    assert len(page.find_elements(By.CSS_SELECTOR, "#kb-citations > li.is-highlighted")) == 1

    actions = page.find_elements(By.CSS_SELECTOR, "#kb-actions > li")
    assert actions, "no next actions"
    kinds = {a.find_element(By.CSS_SELECTOR, ".kb-badge").text.lower() for a in actions}
    assert "refund" in kinds
    box = actions[0].find_element(By.CSS_SELECTOR, "input[type=checkbox]")
    box.send_keys(Keys.SPACE)  # the checklist is ticked from the keyboard
    assert box.is_selected()

    assert (page.find_element(By.ID, "kb-reply").get_attribute("value") or "").strip(), "no reply"
    meter = page.find_element(By.ID, "kb-meter")
    assert 0 < int(meter.get_attribute("aria-valuenow") or 0) <= 100

    chord(page, Keys.ALT, "a")
    wait_for_confirmation(page, "Accepted ✓")
    recorded = decisions(base, sid)
    assert [(d["action"], d["agent"]) for d in recorded] == [("accept", AGENT)]


def test_override_with_a_reason_is_recorded(page: WebDriver, base: str) -> None:
    sid = ask_ticket_with_keyboard(page)
    chord(page, Keys.ALT, "o")
    text = page.find_element(By.ID, "kb-override-text")
    wait_for(page, lambda d: text.is_displayed(), "no override form")
    assert page.switch_to.active_element == text
    text.send_keys("Refund both charges and apologise; the second one was a test capture.")
    set_field(page, "kb-override-reason", "gateway test capture, not a duplicate")
    chord(page, Keys.CONTROL, Keys.ENTER)  # submits the override form, not the ticket
    wait_for_confirmation(page, "Override recorded ✓")
    assert not page.find_element(By.ID, "kb-override-form").is_displayed()

    recorded = decisions(base, sid)
    assert [d["action"] for d in recorded] == ["override"]
    assert recorded[0]["reason"] == "gateway test capture, not a duplicate"
    assert recorded[0]["text"].startswith("Refund both charges")


def test_edit_escape_cancels_and_save_records_the_edit(page: WebDriver, base: str) -> None:
    sid = ask_ticket_with_keyboard(page)
    original = page.find_element(By.ID, "kb-answer").text
    chord(page, Keys.ALT, "e")
    editor = page.find_element(By.ID, "kb-answer-edit")
    wait_for(page, lambda d: editor.is_displayed(), "the answer did not become editable")
    assert page.switch_to.active_element == editor
    editor.send_keys(" Scribble.")
    editor.send_keys(Keys.ESCAPE)
    assert not editor.is_displayed()
    assert page.find_element(By.ID, "kb-answer").text == original
    assert page.switch_to.active_element == page.find_element(By.ID, "kb-edit")

    chord(page, Keys.ALT, "e")
    editor.send_keys(Keys.CONTROL, Keys.END)
    editor.send_keys(" Also check the card's bank statement.")
    chord(page, Keys.CONTROL, Keys.ENTER)
    wait_for_confirmation(page, "Edit saved ✓")
    assert "bank statement" in page.find_element(By.ID, "kb-answer").text

    recorded = decisions(base, sid)
    assert [d["action"] for d in recorded] == ["edit"]
    assert recorded[0]["text"].endswith("Also check the card's bank statement.")
    assert "+" in recorded[0]["diff"] and "bank statement" in recorded[0]["diff"]
    assert recorded[0]["reply_text"] is None and recorded[0]["reply_diff"] is None


def test_a_reply_only_edit_is_recorded_as_the_reply_not_the_answer(
    page: WebDriver, base: str
) -> None:
    sid = ask_ticket_with_keyboard(page)
    reply = page.find_element(By.ID, "kb-reply")
    original = reply.get_attribute("value") or ""
    assert original.strip(), "no reply draft to edit"
    reply.click()
    reply.send_keys(Keys.CONTROL, Keys.END)
    reply.send_keys(" We have also refunded the fee.")
    chord(page, Keys.CONTROL, Keys.ENTER)  # typing in the reply opened the edit: this saves it
    wait_for_confirmation(page, "Edit saved ✓")

    [edit] = decisions(base, sid)
    assert edit["action"] == "edit"
    assert edit["text"] is None and edit["diff"] is None  # the answer was not touched
    assert edit["reply_text"] == original + " We have also refunded the fee."
    last = original.splitlines()[-1]
    diff = edit["reply_diff"].splitlines()  # against the reply draft, line by line
    assert f"-{last}" in diff and f"+{last} We have also refunded the fee." in diff


def test_ticked_actions_are_recorded_with_the_decision(page: WebDriver, base: str) -> None:
    sid = ask_ticket_with_keyboard(page)
    actions = page.find_elements(By.CSS_SELECTOR, "#kb-actions > li")
    texts = [a.text for a in actions]
    refund = next(i for i, t in enumerate(texts) if "Limit: up to 500.00 USD" in t)
    escalate = next(i for i, t in enumerate(texts) if "Escalate to billing" in t)
    assert refund != escalate, texts
    box = actions[escalate].find_element(By.CSS_SELECTOR, "input[type=checkbox]")
    box.send_keys(Keys.SPACE)  # ticked from the keyboard
    assert box.is_selected()

    chord(page, Keys.ALT, "a")  # the shortcut still works with the focus on a checkbox
    wait_for_confirmation(page, "Accepted ✓ · 1 action done")
    [accepted] = decisions(base, sid)
    assert accepted["action"] == "accept"
    assert accepted["actions_done"] == [escalate + 1]  # 1-based, into next_actions

    click(page, actions[refund].find_element(By.CSS_SELECTOR, "label"))  # the label ticks it too
    chord(page, Keys.ALT, "o")
    set_field(page, "kb-override-text", "Refund it and escalate the fee to billing.")
    set_field(page, "kb-override-reason", "the fee needs billing")
    chord(page, Keys.CONTROL, Keys.ENTER)
    wait_for_confirmation(page, "Override recorded ✓ · 2 actions done")
    overridden = decisions(base, sid)[-1]
    assert overridden["action"] == "override"
    assert overridden["actions_done"] == sorted([refund + 1, escalate + 1])


def test_ticket_context_in_the_url_suggests_right_away(page: WebDriver, base: str) -> None:
    query = f"subject={quote(TICKET)}&description={quote('Please refund one of them.')}"
    page.get(f"{base}/sidebar?{query}&product=payments")  # no click, no key press
    sid = wait_for_suggestion(page)
    assert page.find_element(By.ID, "kb-subject").get_attribute("value") == TICKET
    assert page.find_element(By.ID, "kb-product").get_attribute("value") == "payments"
    # the name and key typed on the earlier page load were remembered (the key was needed)
    assert page.find_element(By.ID, "kb-agent").get_attribute("value") == AGENT
    assert page.find_element(By.ID, "kb-key").get_attribute("value") == API_KEY
    assert page.find_elements(By.CSS_SELECTOR, "#kb-citations > li")
    assert page.find_element(By.ID, "kb-answer").text.strip()
    assert decisions(base, sid) == []


def test_the_page_requests_nothing_from_other_hosts(page: WebDriver, base: str) -> None:
    page.get(f"{base}/sidebar?subject={quote(TICKET)}")
    wait_for_suggestion(page)
    page.find_element(By.CSS_SELECTOR, "a.kb-marker").click()
    chord(page, Keys.ALT, "a")
    wait_for_confirmation(page, "Accepted ✓")

    urls = requested_urls(page)
    assert any(u.endswith("/sidebar/static/sidebar.js") for u in urls), urls
    assert any(u.endswith("/sidebar/static/sidebar.css") for u in urls), urls
    assert any(u.endswith("/decision") for u in urls), urls
    foreign = {
        u
        for u in urls
        if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname != "127.0.0.1"
    }
    assert not foreign, f"requests to other hosts: {sorted(foreign)}"


def test_an_abstention_is_shown_plainly(page: WebDriver) -> None:
    set_field(page, "kb-question", "How do I book a flight to the moon?")
    chord(page, Keys.CONTROL, Keys.ENTER)
    wait_for_suggestion(page)
    assert page.find_element(By.ID, "kb-result").get_attribute("data-state") == "abstained"
    box = page.find_element(By.ID, "kb-abstain")
    assert box.is_displayed()
    assert "The knowledge base does not cover this" in box.text
    assert page.find_element(By.ID, "kb-abstain-reason").text.strip()
    assert not page.find_element(By.ID, "kb-answer").is_displayed()
    assert not page.find_element(By.ID, "kb-edit").is_displayed()
    assert "does not cover" in page.find_element(By.ID, "kb-status").text


def test_api_errors_are_readable_banners(page: WebDriver) -> None:
    banner = page.find_element(By.ID, "kb-banner")
    set_field(page, "kb-key", "not-a-key")
    ask_subject = set_field(page, "kb-subject", TICKET)
    ask_subject.send_keys(Keys.CONTROL, Keys.ENTER)
    wait_for(page, lambda d: banner.is_displayed(), "no error banner for a bad key")
    assert banner_text(page).startswith("Your API key was not accepted: a valid API key")
    assert not page.find_element(By.ID, "kb-result").is_displayed()
    ask_subject.send_keys(Keys.ESCAPE)  # dismisses the banner
    assert not banner.is_displayed()

    set_field(page, "kb-key", API_KEY)
    # a question longer than the API takes (the field's maxlength stops a person typing it)
    page.execute_script("document.getElementById('kb-question').value = 'refund '.repeat(700)")
    ask_subject.send_keys(Keys.CONTROL, Keys.ENTER)
    wait_for(page, lambda d: banner.is_displayed(), "no error banner for a long question")
    text = banner_text(page)
    assert text.startswith("The request was not accepted: question:"), text
    assert not any(c in text for c in '{}"[]'), text


def test_tab_order_follows_the_page_with_visible_focus(page: WebDriver) -> None:
    ask_ticket_with_keyboard(page)
    page.find_element(By.ID, "kb-subject").click()
    seen: list[str] = []
    for _ in range(40):
        ActionChains(page).send_keys(Keys.TAB).perform()
        focused = page.switch_to.active_element
        name = focused.get_attribute("id") or focused.get_attribute("class") or focused.tag_name
        seen.append(name)
        outline = page.execute_script(
            "return getComputedStyle(document.activeElement).outlineStyle"
        )
        assert outline != "none", f"no visible focus on {name}"
        if name == "kb-override":
            break
    order = [
        "kb-description", "kb-product", "kb-tier", "kb-question", "kb-suggest",
        "kb-marker", "kb-reply", "kb-copy", "kb-accept", "kb-edit", "kb-override",
    ]  # fmt: skip
    assert all(name in seen for name in order), seen
    positions = [seen.index(name) for name in order]
    assert positions == sorted(positions), seen
    assert "kb-action-0" in seen


def serve_suggestion(driver: WebDriver, suggestion: dict[str, Any]) -> None:
    """Make this page's next POST /v1/suggestions answer ``suggestion`` (what an answerer would
    send for knowledge-base text written in Markdown); every other request goes to the server."""
    driver.execute_script(
        """
        const canned = arguments[0];
        const real = window.fetch.bind(window);
        window.fetch = (input, init) => {
          const url = String((input && input.url) || input);
          if (init && init.method === "POST" && url.endsWith("/v1/suggestions")) {
            const body = JSON.stringify(canned);
            const headers = { "Content-Type": "application/json" };
            return Promise.resolve(new Response(body, { status: 200, headers }));
          }
          return real(input, init);
        };
        """,
        suggestion,
    )


def markdown_suggestion(answer: str, snippet: str, reply: str = "") -> dict[str, Any]:
    citation = {
        "index": 1,
        "doc_id": "kb-2",
        "title": "Refund a duplicate charge",
        "url": "https://help.example.com/articles/kb-2",
        "section": "Steps",
        "source_type": "article",
        "chunk_id": "kb-2#1",
        "snippet": snippet,
        "stale": False,
    }
    return {
        "id": "sug-markdown",
        "answer": answer,
        "citations": [citation],
        "next_actions": [],
        "reply_draft": reply,
        "confidence": 0.8,
        "abstained": False,
        "answerer": "extractive",
        "stale_sources": [],
        "warnings": [],
    }


def ask_for(driver: WebDriver, suggestion: dict[str, Any]) -> WebElement:
    serve_suggestion(driver, suggestion)
    set_field(driver, "kb-question", "How do I refund a duplicate charge?")
    chord(driver, Keys.CONTROL, Keys.ENTER)
    wait_for_suggestion(driver)
    return driver.find_element(By.ID, "kb-answer")


def test_markdown_answers_show_bold_links_and_lists_not_asterisks(page: WebDriver) -> None:
    answer = ask_for(
        page,
        markdown_suggestion(
            "Refund the **second** charge from [Payments](https://app.example.com/payments) [1]."
            "\nNever _guess_ the `invoice` number:\n- find both charges\n- refund one",
            snippet="Find **both** charges under *Payments*.",
            reply="Hi,\n**Refunded** today [1]. See [our guide](https://help.example.com/g).",
        ),
    )
    assert answer.find_element(By.CSS_SELECTOR, "strong").text == "second"
    assert answer.find_element(By.CSS_SELECTOR, "em").text == "guess"
    assert answer.find_element(By.CSS_SELECTOR, "code").text == "invoice"
    items = answer.find_elements(By.CSS_SELECTOR, "ul > li")
    assert [li.text for li in items] == ["find both charges", "refund one"]
    link = answer.find_element(By.CSS_SELECTOR, "a.kb-link")
    assert link.text == "Payments"
    assert link.get_attribute("href") == "https://app.example.com/payments"
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in (link.get_attribute("rel") or "")
    for raw in ("*", "`", "](", "[Payments]"):
        assert raw not in answer.text, raw

    answer.find_element(By.CSS_SELECTOR, "a.kb-marker[data-cite='1']").click()  # still clickable
    first = page.find_element(By.ID, "kb-cite-1")
    wait_for(page, lambda d: "is-highlighted" in (first.get_attribute("class") or ""), "[1]")
    snippet = first.find_element(By.CSS_SELECTOR, ".kb-citation-snippet")
    assert snippet.find_element(By.CSS_SELECTOR, "strong").text == "both"
    assert snippet.text == "Find both charges under Payments."

    reply = page.find_element(By.ID, "kb-reply").get_attribute("value")
    assert reply == "Hi,\nRefunded today. See our guide (https://help.example.com/g)."


def test_an_answer_without_a_reply_draft_says_why(page: WebDriver) -> None:
    ask_for(page, markdown_suggestion("Reconnect as a QuickBooks admin [1].", snippet="Reconnect."))
    assert not page.find_element(By.ID, "kb-reply-block").is_displayed()
    notes = page.find_element(By.ID, "kb-notes")
    assert notes.is_displayed() and "No reply draft" in notes.text
    ask_for(page, markdown_suggestion("Reconnect [1].", snippet="Reconnect.", reply="Hi,\nDone."))
    assert page.find_element(By.ID, "kb-reply-block").is_displayed()
    assert "No reply draft" not in page.find_element(By.ID, "kb-notes").text


def test_scripts_and_javascript_links_in_an_answer_are_inert(page: WebDriver) -> None:
    hostile = (
        'Hello <script>window.kbPwned = "script"</script>'
        '<img src="x" onerror="window.kbPwned = \'img\'"> '
        "[click me](javascript:window.kbPwned='link') "
        "[also](JaVaScRiPt:window.kbPwned='case') "
        "<a href=\"javascript:window.kbPwned='tag'\">tagged</a> "
        "<b onmouseover=\"window.kbPwned='hover'\">hover</b> "
        "&lt;script&gt; stays text [1]."
    )
    answer = ask_for(page, markdown_suggestion(hostile, snippet=hostile, reply=hostile))
    dangerous = "script, img, iframe, object, embed, svg, [onerror], [onmouseover], [style]"
    for area in ("#kb-answer", "#kb-citations"):
        assert not page.find_elements(By.CSS_SELECTOR, f"{area} :is({dangerous})"), area
    hrefs = [a.get_attribute("href") or "" for a in answer.find_elements(By.CSS_SELECTOR, "a")]
    assert hrefs and all(h.split("#")[-1] == "kb-cite-1" for h in hrefs), hrefs  # marker only
    assert "click me" in answer.text and "tagged" in answer.text  # the text, without the link
    assert "<script> stays text" in answer.text
    assert "javascript" not in (page.find_element(By.ID, "kb-reply").get_attribute("value") or "")

    for paragraph in answer.find_elements(By.CSS_SELECTOR, "p"):  # clicking or hovering the
        ActionChains(page).move_to_element(paragraph).click(paragraph).perform()  # runs nothing
    assert page.execute_script("return window.kbPwned === undefined")
    assert page.current_url.split("?")[0].endswith("/sidebar")


def test_layout_screenshot(page: WebDriver) -> None:
    """Not a visual diff: leaves a screenshot to look at (KBASSIST_SIDEBAR_SCREENSHOT or tmp),
    and checks the console stayed clean."""
    ask_ticket_with_keyboard(page)
    page.find_element(By.CSS_SELECTOR, "a.kb-marker[data-cite='1']").click()
    height = page.execute_script("return document.documentElement.scrollHeight")
    page.set_window_size(380, int(height) + 400)  # the window's height includes its frame
    page.execute_script("window.scrollTo(0, 0)")
    default = Path(tempfile.gettempdir()) / "kbassist-sidebar.png"
    target = Path(os.environ.get("KBASSIST_SIDEBAR_SCREENSHOT", default))
    try:
        assert page.save_screenshot(str(target))
    finally:
        page.set_window_size(380, 1000)
    severe = [e for e in page.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe


def actions_suggestion(link_url: str) -> dict[str, Any]:
    """A suggestion with one next action of every kind (as a playbook gives them)."""
    suggestion = markdown_suggestion("Refund the duplicate charge [1].", snippet="Refund it.")

    def action(label: str, kind: str, step: int, **details: object) -> dict[str, Any]:
        return {"label": label, "kind": kind, "playbook_id": "pb-dup", "step": step,
                "citation": 1, "details": details}  # fmt: skip

    suggestion["next_actions"] = [
        action("Refund the second charge", "refund", 1, max_amount=500, currency="USD"),
        action("Payout recall", "escalate", 2, team="billing", within="24 hours"),
        action("Refund policy", "link", 3, url=link_url),
        action("Book ID video call", "form", 4, url="https://forms.example.com/id-call"),
        action("Ask for proof", "request_info", 5, what="bank statement showing both charges"),
        action("Send the apology", "macro", 6, name="Payments: duplicate refunded"),
        action("Open this", "link", 7, url="javascript:window.kbPwned='action'"),
    ]
    return suggestion


def test_next_actions_show_their_details_and_links_open_in_a_new_tab(
    page: WebDriver, base: str
) -> None:
    ask_for(page, actions_suggestion(f"{base}/healthz"))  # a link that opens without a network
    items = page.find_elements(By.CSS_SELECTOR, "#kb-actions > li")
    assert len(items) == 7
    refund, escalate, link, form, request, macro, hostile = items
    assert "Limit: up to 500.00 USD" in refund.text
    assert "Escalate to billing within 24 hours" in escalate.text
    assert "Ask the customer for: bank statement showing both charges" in request.text
    assert "Macro: Payments: duplicate refunded" in macro.text

    for item, url in (
        (link, f"{base}/healthz"),
        (form, "https://forms.example.com/id-call"),
    ):
        anchor = item.find_element(By.CSS_SELECTOR, "a.kb-action-link")
        assert anchor.get_attribute("href") == url
        assert anchor.get_attribute("target") == "_blank"
        assert "noopener" in (anchor.get_attribute("rel") or "").split()
        assert anchor.is_displayed()
    assert "Open form: Book ID video call" in form.text

    hrefs = [a.get_attribute("href") or "" for a in hostile.find_elements(By.CSS_SELECTOR, "a")]
    assert hrefs and all(h.endswith("#kb-cite-1") for h in hrefs), hrefs  # its [1] marker only
    assert "no web address to open" in hostile.text  # javascript: is never a link
    click(page, hostile.find_element(By.CSS_SELECTOR, "label"))
    assert page.execute_script("return window.kbPwned === undefined")

    click(page, link.find_element(By.CSS_SELECTOR, "input[type=checkbox]"))
    before = len(page.window_handles)
    link.find_element(By.CSS_SELECTOR, "a.kb-action-link").send_keys(Keys.ENTER)  # keyboard
    wait_for(page, lambda d: len(d.window_handles) > before, "the link did not open a tab")
    for handle in page.window_handles[before:]:
        page.switch_to.window(handle)
        page.close()
    page.switch_to.window(page.window_handles[0])
    assert link.find_element(By.CSS_SELECTOR, "input[type=checkbox]").is_selected()
