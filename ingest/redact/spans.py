"""What the detectors share: a span of text, and masking text already found."""

from __future__ import annotations

from collections.abc import Sequence

Span = tuple[int, int]

# Stands in for text already found, so that later detectors neither match it nor join across it.
# It is neither a word character nor a digit nor a separator, like the brackets of a placeholder.
MASK = "\ue000"


def mask(text: str, spans: Sequence[Span]) -> str:
    """``text`` with each span overwritten by mask characters (offsets are kept)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = MASK * (end - start)
    return "".join(chars)
