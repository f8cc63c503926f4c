"""How a Zendesk export is read: the ``zendesk:`` block of the nearest ``kbassist.yaml``.

```yaml
zendesk:
  user_segments:            # Help Center user_segment_id -> visibility
    360001234567: internal
    360007654321: team:tier2
  product_field: 360012345678   # the ticket custom field whose value is the product
```

An article with no user segment (everyone) is ``public``; one whose segment is not listed is
``internal``. Without a ``product_field`` tickets get no product. The file is looked for in the
export's folder, then in each folder above it; without one these defaults apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.model import IngestIssue
from ingest.sources.fields import FieldError, as_id, as_mapping, as_visibility
from ingest.sources.files import Limits, SourceError, read_text, to_issue
from ingest.sources.yamlio import YamlError, line_of, load_yaml

CONFIG_NAME = "kbassist.yaml"
BLOCK = "zendesk"
_KEYS = ("user_segments", "product_field")
SIGNED_OUT = "public"  # an article without a user segment: anyone may read it
UNLISTED = "internal"  # a segment the configuration does not name


@dataclass(frozen=True)
class ZendeskConfig:
    """Reading choices for one Zendesk export (ids are kept as strings)."""

    user_segments: Mapping[str, str] = field(default_factory=dict)
    product_field: str | None = None

    def visibility_of(self, segment_id: object) -> str:
        """The visibility of an article restricted to ``segment_id`` (None: everyone)."""
        if segment_id is None or segment_id == "":
            return SIGNED_OUT
        return self.user_segments.get(str(segment_id), UNLISTED)

    @classmethod
    def from_mapping(cls, raw: object, where: str = BLOCK) -> ZendeskConfig:
        """The configuration from a ``zendesk:`` mapping; raises FieldError naming the key."""
        if raw is None:
            return cls()
        block = as_mapping(raw, where)
        unknown = [str(key) for key in block if key not in _KEYS]
        if unknown:
            raise FieldError(f"{where}.{unknown[0]}", f"unknown key (expected {', '.join(_KEYS)})")
        segments: dict[str, str] = {}
        raw_segments = block.get("user_segments")
        if raw_segments is not None:
            for key, value in as_mapping(raw_segments, f"{where}.user_segments").items():
                name = f"{where}.user_segments.{key}"
                try:
                    segments[as_id(key, name)] = as_visibility(value, UNLISTED)
                except FieldError as exc:
                    raise FieldError(name, exc.message) from exc
        product = block.get("product_field")
        return cls(
            user_segments=segments,
            product_field=None if product is None else as_id(product, f"{where}.product_field"),
        )


def config_file(start: Path) -> Path | None:
    """The nearest ``kbassist.yaml`` in ``start`` (a folder) or a folder above it."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_config(folder: Path, limits: Limits) -> tuple[ZendeskConfig, IngestIssue | None]:
    """The configuration that applies to an export in ``folder``; a bad file gives the defaults
    and the issue naming it (its line and key)."""
    path = config_file(folder.resolve())
    if path is None:
        return ZendeskConfig(), None
    text = ""
    try:
        text = read_text(path, limits)
        raw: Any = load_yaml(text)
        if raw is not None and not isinstance(raw, dict):
            return ZendeskConfig(), IngestIssue(str(path), "must be a mapping of settings", 1)
        return ZendeskConfig.from_mapping((raw or {}).get(BLOCK)), None
    except FieldError as exc:
        exc.line = _line(text, exc.field)
        return ZendeskConfig(), to_issue(path, exc)
    except SourceError as exc:
        if exc.issue.message == "empty file":
            return ZendeskConfig(), None
        return ZendeskConfig(), exc.issue
    except YamlError as exc:
        return ZendeskConfig(), to_issue(path, exc)


def _line(text: str, field: str) -> int | None:
    """The line of a dotted key (ids stay keys, not list indexes), or of its nearest parent."""
    path: list[str | int] = list(field.split("."))
    while path:
        line = line_of(text, path)
        if line is not None:
            return line
        path.pop()
    return None
