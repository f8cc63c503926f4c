"""YAML loading that reports problems by line number in the file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml


class YamlError(ValueError):
    """YAML that does not parse; ``line`` is 1-based in the file (None when unknown)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings, so that a bad date is a field error, not a crash,
    and refuses aliases: ``*name`` references are what make a few hundred bytes expand to
    gigabytes ("billion laughs"), and a knowledge-base file never needs them."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{event.anchor}) are not accepted", event.start_mark
            )
        return super().compose_node(parent, index)


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),  # type: ignore[arg-type]
)


def load_yaml(text: str, first_line: int = 1) -> Any:
    """Parse YAML whose first line is line ``first_line`` of its file (dates stay strings)."""
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(f"invalid YAML: {problem}", line) from exc
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", None) from exc
    except (ValueError, TypeError, RecursionError) as exc:
        raise YamlError(f"invalid YAML: {exc}", None) from exc


def line_of(text: str, path: Sequence[str | int], first_line: int = 1) -> int | None:
    """The file line where the value at ``path`` (keys and list indexes) starts, if found.

    Used to point an issue at a field after the document has been loaded; None when the
    path does not exist or the text does not compose.
    """
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line if node is not None else 0
    for step in path:
        found = _child(node, step)
        if found is None:
            return None
        line, node = found
    return line + first_line


def _child(node: yaml.Node | None, step: str | int) -> tuple[int, yaml.Node] | None:
    """The line where ``step`` starts under ``node`` (a key's line for mappings), and its value."""
    if isinstance(node, yaml.MappingNode) and isinstance(step, str):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == step:
                return key.start_mark.line, value
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int):
        items = node.value
        if 0 <= step < len(items):
            return items[step].start_mark.line, items[step]
    return None


def locate(text: str, field: str, first_line: int = 1) -> int | None:
    """The file line of a field named like ``steps[1].action.kind``, or of its nearest parent."""
    path: list[str | int] = [
        int(part) if part.isdigit() else part for part in re.findall(r"[^.\[\]]+", field)
    ]
    while path:
        line = line_of(text, path, first_line)
        if line is not None:
            return line
        path.pop()
    return None
