"""Next actions in Slack: their details, links, the checklist and reading the ticks back."""

from __future__ import annotations

from typing import Any

from assistant.suggestion import NextAction
from integrations.slack import checklist


def action(label: str, kind: str, **details: object) -> NextAction:
    return NextAction.model_validate(
        {"label": label, "kind": kind, "playbook_id": "pb-dup", "citation": 1, "details": details}
    )


ACTIONS = [
    action("Refund the second charge", "refund", max_amount=1250.5, currency="USD"),
    action("Payout recall", "escalate", team="billing", within="24 hours", when="over 500 USD"),
    action("Refund policy", "link", url="https://help.example.com/articles/kb-1203"),
    action("Book ID video call", "form", url="https://forms.example.com/id?a=1&b=2"),
    action("Ask for proof", "request_info", what="bank statement <both charges>"),
    action("Send the apology", "macro", name="Payments: duplicate refunded"),
    action("Open this", "link", url="javascript:alert(1)"),
]


def test_every_action_shows_what_it_asks_for() -> None:
    lines = checklist.action_lines(ACTIONS)
    assert lines[0] == ("1. Refund the second charge _(refund)_ [1] — Limit: up to *1,250.50 USD*")
    assert lines[1] == (
        "2. Payout recall _(escalate)_ [1] — Escalate to *billing* within 24 hours"
        " · when: over 500 USD"
    )
    assert lines[2].endswith(" — <https://help.example.com/articles/kb-1203|Open: Refund policy>")
    assert lines[3].endswith(
        " — <https://forms.example.com/id?a=1&b=2|Open form: Book ID video call>"
    )
    assert lines[4].endswith(" — Ask the customer for: bank statement &lt;both charges&gt;")
    assert lines[5].endswith(" — Macro: Payments: duplicate refunded")
    assert lines[6] == "7. Open this _(link)_ [1] — Open: Open this (no web address to open)"
    assert "javascript" not in "\n".join(lines)


def test_a_detail_that_only_repeats_the_label_is_left_out() -> None:
    plain = action("Escalate to billing", "escalate", team="billing")
    assert checklist.details(plain) == []
    assert checklist.action_line(2, plain, done=True) == (
        ":white_check_mark: 2. Escalate to billing _(escalate)_ [1]"
    )
    assert checklist.details(action("Refund", "refund", max_amount=500)) == [
        "Limit: up to *500.00*"
    ]


def test_the_checklist_has_one_option_per_action_and_ticks_what_was_done() -> None:
    block = checklist.checkbox_block([*ACTIONS, action("x" * 200, "other")], done=[2, 8])
    assert block["block_id"] == checklist.ACTIONS_BLOCK
    [element] = block["elements"]
    assert element["type"] == "checkboxes" and element["action_id"] == checklist.ACTION_DONE
    values = [o["value"] for o in element["options"]]
    assert values == [str(i) for i in range(1, 9)]
    assert element["options"][0]["text"] == {
        "type": "plain_text",
        "text": "1. Refund the second charge",
    }
    assert all(len(o["text"]["text"]) <= 75 for o in element["options"])
    assert [o["value"] for o in element["initial_options"]] == ["2", "8"]
    assert "initial_options" not in checklist.checkbox_block(ACTIONS)["elements"][0]


def state(*values: str, block: str = checklist.ACTIONS_BLOCK) -> dict[str, Any]:
    selected = [{"text": {"type": "plain_text", "text": v}, "value": v} for v in values]
    box = {"type": "checkboxes", "selected_options": selected}
    return {"state": {"values": {block: {checklist.ACTION_DONE: box}}}}


def test_ticks_are_read_from_the_message_state() -> None:
    assert checklist.ticked(state("3", "1", "3")) == [1, 3]
    assert checklist.ticked(state("0", "-1", "two", "")) == []
    assert checklist.ticked(state("1", block="elsewhere")) == []
    assert checklist.ticked({}) == []
    assert checklist.ticked({"state": {"values": {}}}) == []
