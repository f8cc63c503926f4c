"""A cap on request bodies: a declared Content-Length over the limit is refused before the body
is read, and a streamed body (no length, or a false one) is cut off once it passes the limit.

Both end as 413 in the one error shape. (FastAPI's own ``max_body_size`` answers a declared
length with plain text, so it is not used.)
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.errors import ErrorCode
from integrations.http.errors import error_response


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.detail = f"the request body is over the limit of {max_bytes} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            headers = {"Connection": "close"}
            response = error_response(413, ErrorCode.TOO_LARGE, self.detail, headers)
            await response(scope, receive, send)
            return
        received = 0

        async def capped_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:  # (FastAPI re-raises an HTTPException as it is)
                    raise HTTPException(413, self.detail)
            return message

        await self.app(scope, capped_receive, send)
