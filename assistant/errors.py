"""One error vocabulary for every channel: ``KbassistError(code, detail)``.

Each code maps once to an HTTP status and a CLI exit code; the detail is a sentence written for an
agent (never a traceback or the text of a lower-level exception).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
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
