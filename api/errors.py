"""The HTTP edge of the error taxonomy (see `domain.errors`): one handler, one status per class.

422 is left to FastAPI's own payload validation; our errors answer
`{"detail": message, "code": code, ...details}`.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from domain.errors import Conflict, DomainError, NotFound


class ServiceUnavailable(Exception):
    """A dependency (Temporal, the database) did not answer in time: try again later."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def status_for(error: DomainError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Conflict):
        return 409
    return 400


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, error: DomainError) -> JSONResponse:
        return JSONResponse(
            {"detail": error.message, "code": error.code, **_plain(error.details)},
            status_code=status_for(error),
        )

    @app.exception_handler(ServiceUnavailable)
    async def _unavailable(request: Request, error: ServiceUnavailable) -> JSONResponse:
        return JSONResponse(
            {"detail": error.message, "code": "unavailable"},
            status_code=503,
            headers={"Retry-After": "5"},
        )


def _plain(details: dict[str, object]) -> dict[str, object]:
    return {
        k: v if isinstance(v, (str, int, float, bool)) or v is None else str(v)
        for k, v in details.items()
        if k not in ("detail", "code")
    }
