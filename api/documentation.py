"""The API's documentation: Swagger UI at /api/docs, ReDoc at /api/redoc and the OpenAPI
document at /api/openapi.json, with their assets served by this process. Open in development
and tests; in production behind HTTP Basic (user `docs`, password API_DOCS_PASSWORD), and not
there at all without that password: the schema lists every endpoint and what it accepts."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any

import fastapi_offline
from fastapi import Depends, FastAPI, HTTPException
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from fastapi.staticfiles import StaticFiles

from api.deps import SettingsDep

ASSETS = Path(fastapi_offline.__file__).parent / "static"
OPENAPI_URL = "/api/openapi.json"
DOCS_USER = "docs"
_basic = HTTPBasic(auto_error=False, realm="Zhuchka MES API")


async def _docs_reader(
    settings: SettingsDep,
    credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)],
) -> None:
    if settings.environment != "prod":
        return
    if not settings.api_docs_password:
        raise HTTPException(404, "Not Found")
    given = credentials or HTTPBasicCredentials(username="", password="")
    user_ok = secrets.compare_digest(given.username.encode(), DOCS_USER.encode())
    password_ok = secrets.compare_digest(
        given.password.encode(), settings.api_docs_password.encode()
    )
    if not (user_ok and password_ok):
        raise HTTPException(
            401,
            "the API documentation needs its user and password (API_DOCS_PASSWORD)",
            headers={"WWW-Authenticate": 'Basic realm="Zhuchka MES API"'},
        )


# Public as far as roles go (no account needed); production asks for the docs password.
_docs_reader.access_action = "public"  # type: ignore[attr-defined]
DOCS = Depends(_docs_reader)


def add_documentation(app: FastAPI) -> None:
    app.mount("/api/docs-assets", StaticFiles(directory=ASSETS), name="docs-assets")
    assets = "/api/docs-assets"

    @app.get(OPENAPI_URL, include_in_schema=False, dependencies=[DOCS])
    async def openapi() -> JSONResponse:
        document: dict[str, Any] = app.openapi()
        return JSONResponse(document)

    @app.get("/api/docs", include_in_schema=False, dependencies=[DOCS])
    async def swagger() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title="Zhuchka MES API",
            swagger_js_url=f"{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger-ui.css",
            swagger_favicon_url=f"{assets}/favicon.png",
        )

    @app.get("/api/redoc", include_in_schema=False, dependencies=[DOCS])
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=OPENAPI_URL,
            title="Zhuchka MES API",
            redoc_js_url=f"{assets}/redoc.standalone.js",
            redoc_favicon_url=f"{assets}/favicon.png",
            with_google_fonts=False,
        )
