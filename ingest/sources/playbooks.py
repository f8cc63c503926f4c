"""Playbooks: YAML files with triggers, numbered steps (each with an optional action) and
escalation rules. The Document text is a Markdown rendering; the actions travel as JSON in the
``actions`` metadata key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from llama_index.core.schema import Document

from ingest.model import IngestIssue, ParseResult
from ingest.sources.fields import FieldError, as_mapping, as_text, common_fields
from ingest.sources.files import Limits, SourceError, make_document, read_text, to_issue, too_long
from ingest.sources.markdown import one_line
from ingest.sources.playbook_actions import parse_action, parse_escalation
from ingest.sources.yamlio import YamlError, load_yaml, locate

# The sections of the rendering (the registry's chunking policy names them).
WHEN_TO_USE = "When to use"
STEPS = "Steps"
ESCALATION = "Escalation"


def parse_playbook(path: Path, limits: Limits) -> ParseResult:
    """One playbook from a YAML file."""
    result = ParseResult()
    try:
        text = read_text(path, limits)
    except SourceError as exc:
        result.issues.append(exc.issue)
        return result
    try:
        result.documents.append(_playbook_document(path, text, limits))
    except (SourceError, YamlError) as exc:
        result.issues.append(to_issue(path, exc))
    except FieldError as exc:
        result.issues.append(to_issue(path, exc, line=locate(text, exc.field)))
    return result


def _playbook_document(path: Path, text: str, limits: Limits) -> Document:
    raw = load_yaml(text)
    if not isinstance(raw, dict):
        raise SourceError(IngestIssue(str(path), "a playbook must be a mapping of fields", line=1))
    fields = common_fields(raw, default_visibility="internal")
    triggers = _triggers(raw.get("when_to_use"))
    steps, actions = _steps(raw.get("steps"))
    rules = _escalations(raw.get("escalation"))
    rendered = render_playbook(fields["title"], triggers, steps, rules)
    problem = too_long(rendered, limits)
    if problem:
        raise SourceError(IngestIssue(str(path), problem))
    return make_document(fields, rendered, "playbook", path, actions=json.dumps([*actions, *rules]))


def _triggers(value: object) -> list[str]:
    if value is None or value == "" or value == []:
        raise FieldError("when_to_use", "is required: a list of symptoms or triggers")
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise FieldError("when_to_use", "must be a list of strings")
    triggers = [one_line(as_text(item, f"when_to_use[{i}]")) for i, item in enumerate(items)]
    if not any(triggers):
        raise FieldError("when_to_use", "is required: a list of symptoms or triggers")
    return [t for t in triggers if t]


def _steps(value: object) -> tuple[list[str], list[dict[str, Any]]]:
    if value is None or value == []:
        raise FieldError("steps", "is required: a list of at least one step")
    if not isinstance(value, list):
        raise FieldError("steps", "must be a list of steps")
    texts: list[str] = []
    actions: list[dict[str, Any]] = []
    for index, item in enumerate(value):
        field = f"steps[{index}]"
        step = {"text": item} if isinstance(item, str) else as_mapping(item, field)
        texts.append(one_line(as_text(step.get("text"), f"{field}.text", required=True)))
        if step.get("action") is not None:
            actions.append(parse_action(step["action"], index + 1, f"{field}.action"))
    return texts, actions


def _escalations(value: object) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError("escalation", "must be a list of rules {when, to, within}")
    return [parse_escalation(item, f"escalation[{i}]") for i, item in enumerate(value)]


def render_playbook(
    title: str, triggers: list[str], steps: list[str], rules: list[dict[str, Any]]
) -> str:
    """The Markdown text of a playbook (the chunker reads its sections back)."""
    parts = [f"# {one_line(title)}", f"## {WHEN_TO_USE}", "\n".join(f"- {t}" for t in triggers)]
    parts += [f"## {STEPS}", "\n".join(f"{n}. {text}" for n, text in enumerate(steps, start=1))]
    if rules:
        parts += [f"## {ESCALATION}", "\n".join(_rule_line(rule) for rule in rules)]
    return "\n\n".join(part for part in parts if part)


def _rule_line(rule: dict[str, Any]) -> str:
    when = one_line(rule["when"]).rstrip(".")
    if len(when) > 1 and when[0].isupper() and when[1].islower():
        when = when[0].lower() + when[1:]
    within = f" within {one_line(rule['within'])}" if rule.get("within") else ""
    return f"- When {when}: escalate to {one_line(rule['team'])}{within}."
