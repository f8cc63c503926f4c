"""One error shape for every failure: ``{"error": {"code": ..., "detail": ...}}``.

``KbassistError`` keeps its own code and status; validation errors become 422 naming the field;
Starlette's HTTP errors (404, 405, 413...) get the code for their status; anything else is a 500
whose detail says nothing about its cause (the traceback goes to the server log only).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from assistant.errors import ErrorCode, KbassistError, validation_problems

log = logging.getLogger("kbassist.http")

_CODES = {
    401: ErrorCode.UNAUTHORIZED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.TOO_LARGE,
}


def error_response(
    status: int, code: ErrorCode, detail: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body = {"error": {"code": code.value, "detail": detail}}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def validation_detail(errors: Sequence[Any]) -> str:
    """'body.ticket.subject: String should have at most 1000 characters; ...' (never the input)."""
    parts = []
    for error in errors:
        if error.get("type") == "json_invalid":
            reason = error.get("ctx", {}).get("error", "bad syntax")
            parts.append(f"body: not valid JSON ({reason})")
        else:
            [(loc, message)] = validation_problems([error])
            parts.append(f"{'.'.join(loc)}: {message}")
    return "; ".join(parts) or "invalid request"


async def _kbassist_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KbassistError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.code is ErrorCode.UNAUTHORIZED else None
    return error_response(exc.http_status, exc.code, exc.detail, headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(422, ErrorCode.BAD_INPUT, validation_detail(exc.errors()))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    code = _CODES.get(status, ErrorCode.BAD_INPUT if status < 500 else ErrorCode.INTERNAL)
    if status == 404:
        detail = f"nothing at {request.url.path}"
    elif status == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    else:
        detail = str(exc.detail) if status < 500 else "internal error"
    return error_response(status, code, detail, exc.headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The server logs the traceback (Starlette re-raises after this response); never the client.
    log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
    return error_response(500, ErrorCode.INTERNAL, "internal error; see the server log")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(KbassistError, _kbassist_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
