"""Playbooks: YAML in, a Markdown rendering plus the step and escalation actions as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ingest.model import DOC_FIELDS, IngestIssue, ParseResult
from ingest.sources import Limits
from ingest.sources.playbooks import parse_playbook

PLAYBOOK = """\
id: pb-duplicate-charge
title: Duplicate charge
product: payments
owner: billing-team
updated_at: 2026-05-01
review_by: 2026-11-01
visibility: team:billing
tags: [refund, charge]
when_to_use:
  - Customer was charged twice for the same invoice
steps:
  - text: Confirm both charges in the Payments > Transactions view.
  - text: Refund the duplicate charge.
    action: {kind: refund, max_amount: 500, currency: usd}
  - text: Ask for the bank statement if the charges do not show.
    action: {kind: request_info, what: bank statement showing both charges}
  - text: Send the refund policy.
    action: {kind: link, url: https://help.example.com/articles/kb-1203, label: Refund policy}
escalation:
  - when: The duplicate amount is over 500 USD
    to: billing-tier2
    within: 4h
"""


def parse(tmp_path: Path, text: str) -> ParseResult:
    path = tmp_path / "pb.yaml"
    path.write_text(text, encoding="utf-8")
    return parse_playbook(path, Limits())


def actions(tmp_path: Path, text: str) -> list[dict[str, Any]]:
    result = parse(tmp_path, text)
    assert result.issues == []
    loaded: list[dict[str, Any]] = json.loads(result.documents[0].metadata["actions"])
    return loaded


def only_issue(result: ParseResult) -> IngestIssue:
    assert result.documents == []
    assert len(result.issues) == 1, result.issues
    return result.issues[0]


def test_playbook_renders_triggers_numbered_steps_and_escalation(tmp_path: Path) -> None:
    doc = parse(tmp_path, PLAYBOOK).documents[0]
    assert doc.text == (
        "# Duplicate charge\n\n"
        "## When to use\n\n"
        "- Customer was charged twice for the same invoice\n\n"
        "## Steps\n\n"
        "1. Confirm both charges in the Payments > Transactions view.\n"
        "2. Refund the duplicate charge.\n"
        "3. Ask for the bank statement if the charges do not show.\n"
        "4. Send the refund policy.\n\n"
        "## Escalation\n\n"
        "- When the duplicate amount is over 500 USD: escalate to billing-tier2 within 4h."
    )


def test_playbook_metadata_has_every_document_field(tmp_path: Path) -> None:
    doc = parse(tmp_path, PLAYBOOK).documents[0]
    assert set(DOC_FIELDS) <= set(doc.metadata)
    assert doc.id_ == "pb-duplicate-charge"
    assert doc.metadata["source_type"] == "playbook"
    assert doc.metadata["visibility"] == "team:billing"
    assert doc.metadata["review_by"] == "2026-11-01"


def test_playbook_visibility_defaults_to_internal(tmp_path: Path) -> None:
    doc = parse(tmp_path, PLAYBOOK.replace("visibility: team:billing\n", "")).documents[0]
    assert doc.metadata["visibility"] == "internal"


def test_step_actions_carry_their_step_number_and_a_readable_label(tmp_path: Path) -> None:
    got = actions(tmp_path, PLAYBOOK)
    assert got[:3] == [
        {"step": 2, "kind": "refund", "label": "Refund up to 500 USD", "max_amount": 500,
         "currency": "USD"},
        {"step": 3, "kind": "request_info",
         "label": "Ask the customer for: bank statement showing both charges",
         "what": "bank statement showing both charges"},
        {"step": 4, "kind": "link", "label": "Refund policy",
         "url": "https://help.example.com/articles/kb-1203"},
    ]  # fmt: skip


def test_escalation_rule_becomes_an_escalate_action_without_step(tmp_path: Path) -> None:
    assert actions(tmp_path, PLAYBOOK)[-1] == {
        "step": None,
        "kind": "escalate",
        "label": "Escalate to billing-tier2",
        "team": "billing-tier2",
        "when": "The duplicate amount is over 500 USD",
        "within": "4h",
    }


def test_default_labels_for_escalate_form_and_macro(tmp_path: Path) -> None:
    text = PLAYBOOK.split("steps:")[0] + (
        "steps:\n"
        "  - {text: a, action: {kind: escalate, team: billing-tier2}}\n"
        "  - {text: b, action: {kind: form, url: https://f.example/x}}\n"
        "  - {text: c, action: {kind: macro, name: Refund done}}\n"
    )
    labels = [a["label"] for a in actions(tmp_path, text)]
    assert labels == ["Escalate to billing-tier2", "Open form: https://f.example/x",
                      "Apply macro: Refund done"]  # fmt: skip


def test_numeric_string_max_amount_is_accepted(tmp_path: Path) -> None:
    text = PLAYBOOK.replace("max_amount: 500", "max_amount: '250.50'")
    assert actions(tmp_path, text)[0]["max_amount"] == 250.5


def test_playbook_without_steps_is_reported(tmp_path: Path) -> None:
    text = PLAYBOOK.split("steps:")[0]
    issue = only_issue(parse(tmp_path, text))
    assert issue.field == "steps"
    assert "at least one step" in issue.message


def test_empty_step_list_is_reported_on_its_line(tmp_path: Path) -> None:
    text = PLAYBOOK.split("steps:")[0] + "steps: []\n"
    issue = only_issue(parse(tmp_path, text))
    assert (issue.field, issue.line) == ("steps", 11)


def test_unknown_action_kind_names_the_field_and_line(tmp_path: Path) -> None:
    issue = only_issue(parse(tmp_path, PLAYBOOK.replace("kind: refund", "kind: refnd")))
    assert issue.field == "steps[1].action.kind"
    assert issue.line == 14
    assert "unknown action kind 'refnd'" in issue.message


def test_non_numeric_max_amount_is_reported(tmp_path: Path) -> None:
    issue = only_issue(parse(tmp_path, PLAYBOOK.replace("max_amount: 500", "max_amount: lots")))
    assert issue.field == "steps[1].action.max_amount"
    assert issue.line == 14
    assert "must be a number" in issue.message


def test_action_missing_its_required_field_is_reported(tmp_path: Path) -> None:
    text = PLAYBOOK.replace("{kind: request_info, what: bank statement showing both charges}",
                            "{kind: request_info}")  # fmt: skip
    issue = only_issue(parse(tmp_path, text))
    assert issue.field == "steps[2].action.what"
    assert "required" in issue.message


def test_step_without_text_is_reported(tmp_path: Path) -> None:
    text = PLAYBOOK.replace("  - text: Send the refund policy.\n    action:", "  - action:")
    issue = only_issue(parse(tmp_path, text))
    assert issue.field == "steps[3].text"


def test_missing_when_to_use_is_reported(tmp_path: Path) -> None:
    text = PLAYBOOK.replace(
        "when_to_use:\n  - Customer was charged twice for the same invoice\n", ""
    )
    assert only_issue(parse(tmp_path, text)).field == "when_to_use"


def test_escalation_rule_without_team_is_reported(tmp_path: Path) -> None:
    issue = only_issue(parse(tmp_path, PLAYBOOK.replace("    to: billing-tier2\n", "")))
    assert issue.field == "escalation[0].to"
    assert issue.line == 20


def test_yaml_error_reports_its_line(tmp_path: Path) -> None:
    issue = only_issue(parse(tmp_path, "id: pb\ntitle: T\nsteps:\n  - text: [unclosed\n"))
    assert "invalid YAML" in issue.message
    assert issue.line == 5


def test_yaml_that_is_not_a_mapping_is_reported(tmp_path: Path) -> None:
    assert "mapping" in only_issue(parse(tmp_path, "- a\n- b\n")).message


def test_invalid_review_date_is_reported(tmp_path: Path) -> None:
    issue = only_issue(parse(tmp_path, PLAYBOOK.replace("2026-11-01", "next year")))
    assert (issue.field, issue.line) == ("review_by", 6)


BILLION_LAUGHS = """\
id: pb-lol
title: Laughs
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]
steps:
  - text: Laugh.
"""


def test_yaml_aliases_are_refused_so_nothing_expands(tmp_path: Path) -> None:
    path = tmp_path / "pb-lol.yaml"
    path.write_text(BILLION_LAUGHS)
    result = parse_playbook(path, Limits())
    assert result.documents == []
    [issue] = result.issues
    assert "aliases (*a) are not accepted" in issue.message and issue.line == 4
