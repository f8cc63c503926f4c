"""API docs served from this process: Swagger UI's assets come from the ``swagger-ui-bundle-v2``
package, never from a CDN (kbassist runs offline)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"


def swagger_ui_folder() -> Path | None:
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    folder = Path(str(swagger_ui_path))
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def add_docs(app: FastAPI) -> bool:
    """Serve Swagger UI at /docs; False (no /docs, /openapi.json only) without its assets."""
    folder = swagger_ui_folder()
    if folder is None:
        return False
    app.mount(ASSETS, StaticFiles(directory=folder), name="swagger-ui-assets")

    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},  # no badge from the online validator
        )

    app.add_api_route("/docs", swagger_ui, include_in_schema=False, methods=["GET"])
    return True
