"""``/healthz`` (the process answers) and ``/readyz`` (the stores answer, BM25 is current)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.errors import ErrorCode
from integrations.http.deps import ServiceDep
from integrations.http.schemas import Status

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Status, responses={503: {"description": "not ready"}})
def readyz(service: ServiceDep) -> JSONResponse:
    """Ready when the chunk store and the suggestion database answer and BM25 is current."""
    checks = service.readiness()
    failed = [f"{name} {state}" for name, state in checks.items() if state != "ok"]
    if not failed:
        return JSONResponse({"status": "ready", "checks": checks})
    error = {"code": ErrorCode.STORE_UNAVAILABLE.value, "detail": "not ready: " + ", ".join(failed)}
    return JSONResponse({"error": error, "checks": checks}, status_code=503)
