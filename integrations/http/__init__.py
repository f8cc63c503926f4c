"""The HTTP API (FastAPI): ``create_app(services)``; ``kbassist serve`` runs it with uvicorn."""

from integrations.http.app import create_app

__all__ = ["create_app"]
