"""The workshop's web app (web/, built into web/dist) served by the API at /: its files as they
are, any other path outside /api answered with index.html so the app's own router shows the
page (a bookmark or a reload of /orders/ZK-000123 works). /api stays the API's: an unknown API
path is the API's JSON 404, never the app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Match, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from api.auth.access import PUBLIC
from api.security_headers import APP_POLICY

# Vite names each built asset by its content hash: a new build is a new name.
IMMUTABLE = "public, max-age=31536000, immutable"
NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Zhuchka MES</title>
<body><h1>Zhuchka MES</h1><p>The web app is not built in this checkout: <code>make run</code>
builds it. The API is at <a href="/api/docs">/api/docs</a>.</p></body></html>"""


class _WebApp(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as missing:
            # A missing file (a script of another build) is a 404, never the page: the page
            # under a script's name would be cached as that script.
            if missing.status_code != 404 or "." in path.rsplit("/", 1)[-1]:
                raise
            response = await super().get_response("index.html", scope)
        else:
            if path.startswith("assets/") and response.status_code == 200:
                response.headers["Cache-Control"] = IMMUTABLE
        response.headers["Content-Security-Policy"] = APP_POLICY
        return response


class _OutsideTheApi(Mount):
    """Matches every path but /api's: those stay the API router's (its 404, its 405 naming
    the methods a path has)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path: str = scope.get("path", "")
        if path == "/api" or path.startswith("/api/"):
            return Match.NONE, {}
        return super().matches(scope)


def serve_web_app(app: FastAPI, dist: Path) -> None:
    """Mount the built app at / (after every API route), or a page saying how to build it."""
    if (dist / "index.html").is_file():
        app.router.routes.append(
            _OutsideTheApi("/", _WebApp(directory=dist, html=True), name="web")
        )
        return

    @app.get("/", include_in_schema=False, dependencies=[PUBLIC])
    async def not_built() -> HTMLResponse:
        return HTMLResponse(NOT_BUILT)
