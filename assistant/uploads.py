"""Parsing one uploaded knowledge-base file with the project's parsers, in a temporary folder.

Any issue in the file rejects the whole upload (nothing is ingested); the error names the file,
line and field as ``kbassist ingest`` would.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from llama_index.core.schema import Document

from assistant.errors import ErrorCode, KbassistError, room_checked
from ingest.sources import Limits
from ingest.sources.registry import parse_file, parser_for, suffixes

MAX_NAME_BYTES = 200  # well under every file system's 255


@dataclass
class Upload:
    name: str  # the file's base name
    documents: list[Document]
    skipped: int  # records deliberately left out (tickets not yet solved)


def parse_upload(filename: str | None, data: BinaryIO, limits: Limits) -> Upload:
    """The documents in one uploaded file; BAD_INPUT naming every issue when it has any."""
    name = Path(filename or "").name
    if len(name.encode()) > MAX_NAME_BYTES or any(ord(c) < 32 or c == "\x7f" for c in name):
        shown = "".join(c if c.isprintable() else "?" for c in name[:60])
        shown += "…" if len(name) > 60 else ""
        raise KbassistError(
            ErrorCode.BAD_INPUT,
            f"file: the name '{shown}' is over {MAX_NAME_BYTES} bytes or has control characters",
        )
    if not name or parser_for(Path(name)) is None:
        kinds = ", ".join(suffixes())
        raise KbassistError(
            ErrorCode.BAD_INPUT, f"file: '{name}' is not a supported file type ({kinds})"
        )
    scratch = Path(tempfile.gettempdir())  # the file is parsed from a copy there
    with tempfile.TemporaryDirectory(prefix="kbassist-upload-") as folder:
        path = Path(folder) / name
        with room_checked(scratch, "nothing was ingested"), path.open("wb") as out:
            shutil.copyfileobj(data, out)
        result = parse_file(path, limits)
    if result.issues:
        issues = "; ".join(str(replace(issue, source=name)) for issue in result.issues)
        raise KbassistError(ErrorCode.BAD_INPUT, f"nothing was ingested: {issues}")
    for document in result.documents:
        document.metadata["source_path"] = f"upload:{name}"
    return Upload(name, result.documents, result.skipped)
