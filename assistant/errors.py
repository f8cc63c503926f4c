"""One error vocabulary for every channel: ``KbassistError(code, detail)``.

Each code maps once to an HTTP status and a CLI exit code; the detail is a sentence written for an
agent (never a traceback or the text of a lower-level exception).
"""

from __future__ import annotations

import errno
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any


class ErrorCode(StrEnum):
    BAD_INPUT = "bad_input"
    NOT_FOUND = "not_found"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    TOO_LARGE = "too_large"
    CONFLICT = "conflict"
    MODEL_UNAVAILABLE = "model_unavailable"
    STORE_UNAVAILABLE = "store_unavailable"
    LLM_UNAVAILABLE = "llm_unavailable"
    UPSTREAM_UNAVAILABLE = "upstream_unavailable"  # a service we call (Zendesk's API) failed
    CONFIG = "config"
    INTERNAL = "internal"


HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.BAD_INPUT: 422,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.CONFLICT: 409,
    ErrorCode.MODEL_UNAVAILABLE: 503,
    ErrorCode.STORE_UNAVAILABLE: 503,
    ErrorCode.LLM_UNAVAILABLE: 503,
    ErrorCode.UPSTREAM_UNAVAILABLE: 503,
    ErrorCode.CONFIG: 500,
    ErrorCode.INTERNAL: 500,
}

EXIT_CODE: dict[ErrorCode, int] = {
    ErrorCode.BAD_INPUT: 2,
    ErrorCode.NOT_FOUND: 3,
    ErrorCode.CONFIG: 4,
    ErrorCode.MODEL_UNAVAILABLE: 5,
    ErrorCode.STORE_UNAVAILABLE: 5,
    ErrorCode.LLM_UNAVAILABLE: 5,
    ErrorCode.UPSTREAM_UNAVAILABLE: 5,
}


class KbassistError(Exception):
    """An error an agent can read and act on."""

    def __init__(self, code: ErrorCode, detail: str) -> None:
        super().__init__(f"{code.value}: {detail}")
        self.code = code
        self.detail = detail

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, 500)

    @property
    def exit_code(self) -> int:
        return EXIT_CODE.get(self.code, 1)

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code.value, "detail": self.detail}


def validation_problems(errors: Iterable[Mapping[str, Any]]) -> list[tuple[tuple[str, ...], str]]:
    """Each pydantic error (``ValidationError.errors()``) as (location parts, what is wrong):
    pydantic's message without its "Value error, " prefix, and never the input value, which may
    be a secret."""
    return [
        (
            tuple(str(part) for part in error["loc"]),
            str(error["msg"]).removeprefix("Value error, "),
        )
        for error in errors
    ]


# A write that failed for want of room: the device is full, a disk quota or the process's
# file-size limit (``ulimit -f``) is reached.
_NO_ROOM_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_SQLITE_FULL = 13  # SQLite's "database or disk is full" (a write failed with ENOSPC)
# SQLite keeps no errno: a write failing with EFBIG or EDQUOT is SQLITE_IOERR_WRITE, "disk I/O
# error", which a failing device gives too; whether there is room is then tried (``_can_grow``).
_SQLITE_IOERR_WRITE = 778
# How other layers word it (Chroma's Rust core gives SQLite's and the OS's messages as text).
_NO_ROOM_WORDS = (
    "database or disk is full",
    "(code: 13)",
    "no space left on device",
    "disk quota exceeded",
    "(os error 27)",  # Rust's EFBIG, "File too large (os error 27)"
)
# Chroma's core appends a write to its log, then applies it: a failed apply names no cause.
_WRITE_FAILED_WORDS = ("(code: 778)", "disk i/o error", "error in compaction")
_PROBE_BYTES = 1 << 20


def no_room(exc: BaseException, folder: Path) -> bool:
    """Whether ``exc``, or an exception that caused it, is a write under ``folder`` that failed
    for want of room (never shown to anyone: only classified)."""
    write_failed = False
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        code = getattr(link, "sqlite_errorcode", None)
        if (isinstance(link, OSError) and link.errno in _NO_ROOM_ERRNOS) or code == _SQLITE_FULL:
            return True
        text = str(link).lower()
        if any(words in text for words in _NO_ROOM_WORDS):
            return True
        write_failed = write_failed or code == _SQLITE_IOERR_WRITE
        write_failed = write_failed or any(words in text for words in _WRITE_FAILED_WORDS)
        link = link.__cause__ or link.__context__
    return write_failed and not _can_grow(folder)


def _can_grow(folder: Path) -> bool:
    """Whether the largest file under ``folder`` could grow by another MiB now: a scratch file
    (unnamed, gone when closed) is written that far."""
    try:
        if shutil.disk_usage(folder).free < _PROBE_BYTES:
            return False
        largest = max((p.stat().st_size for p in folder.rglob("*") if p.is_file()), default=0)
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.seek(largest)
            probe.write(b"\0" * _PROBE_BYTES)
            probe.flush()
    except OSError as exc:
        return exc.errno not in _NO_ROOM_ERRNOS
    return True


def no_room_error(folder: Path, outcome: str) -> KbassistError:
    """The error for a write that found no room under ``folder``; ``outcome`` says what was left
    as it was."""
    return KbassistError(
        ErrorCode.STORE_UNAVAILABLE,
        f"no space left on the device holding {folder} (the disk, a quota or the file-size "
        f"limit is full); {outcome}; free space and run it again",
    )


@contextmanager
def room_checked(folder: Path, outcome: str) -> Iterator[None]:
    """Turns a write under ``folder`` that failed for want of room into ``no_room_error``; any
    other exception passes unchanged."""
    try:
        yield
    except KbassistError:
        raise
    except Exception as exc:
        if no_room(exc, folder):
            raise no_room_error(folder, outcome) from exc
        raise
