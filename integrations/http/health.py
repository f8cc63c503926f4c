"""``/healthz`` (the process answers) and ``/readyz`` (the stores answer, BM25 is current)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.errors import ErrorCode
from integrations.http.deps import ServicesDep
from integrations.http.schemas import Status
from integrations.wiring import Services

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Status, responses={503: {"description": "not ready"}})
def readyz(services: ServicesDep) -> JSONResponse:
    """Ready when the chunk store and the suggestion database answer and BM25 is current."""
    checks = readiness(services)
    failed = [f"{name} {state}" for name, state in checks.items() if state != "ok"]
    if not failed:
        return JSONResponse({"status": "ready", "checks": checks})
    error = {"code": ErrorCode.STORE_UNAVAILABLE.value, "detail": "not ready: " + ", ".join(failed)}
    return JSONResponse({"error": error, "checks": checks}, status_code=503)


def readiness(services: Services) -> dict[str, str]:
    def answers(probe: Callable[[], object]) -> str:
        try:
            probe()
        except Exception:  # whatever the cause, not ready; its text is not shown
            return "unreachable"
        return "ok"

    return {
        "store": answers(lambda: services.store.count()),
        "suggestions": answers(lambda: services.suggestions.store.ping()),
        "bm25": "ok"
        if services.lexical.is_current() and services.window_lexical.is_current()
        else "stale or not built",
    }
