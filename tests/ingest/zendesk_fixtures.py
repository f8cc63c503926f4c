"""Helpers for the Zendesk tests: a private copy of the fixture export, and reading it back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from ingest.model import ParseResult
from ingest.sources.files import Limits
from ingest.sources.zendesk_detect import parse_zendesk_json

FIXTURES = Path(__file__).parent / "fixtures" / "zendesk"


def copy_export(tmp_path: Path, config: str | None = None) -> Path:
    """The fixture export under ``tmp_path/zendesk``, with ``config`` as its kbassist.yaml."""
    root = Path(shutil.copytree(FIXTURES, tmp_path / "zendesk"))
    if config is not None:
        (root / "kbassist.yaml").write_text(config, encoding="utf-8")
    return root


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def save(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def parse(path: Path) -> ParseResult:
    return parse_zendesk_json(path, Limits())


def by_id(result: ParseResult) -> dict[str, Any]:
    return {doc.id_: doc for doc in result.documents}
