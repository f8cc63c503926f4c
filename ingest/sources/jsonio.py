"""JSON from outside, bounded: one parse for every source that reads JSON.

Deeply nested input would exhaust the parser's recursion (a ``RecursionError`` that used to end a
whole file); here it is one record's problem, reported like invalid JSON.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64  # far more than any export needs


class JsonError(ValueError):
    """Input that is not JSON, or nested deeper than ``MAX_DEPTH``; ``message`` names why."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def loads(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """The parsed JSON value; ``JsonError`` for invalid or too deeply nested input."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonError(f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    except RecursionError:
        raise JsonError(f"invalid JSON: nested deeper than {max_depth} levels") from None
    if _depth(value) > max_depth:
        raise JsonError(f"invalid JSON: nested deeper than {max_depth} levels")
    return value


def _depth(value: Any) -> int:
    """How deeply containers nest in ``value`` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        )
        if children is None:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest
