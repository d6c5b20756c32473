"""The HTTP edge of the error taxonomy (see `domain.errors`): one handler, one status per class.

422 is left to FastAPI's own payload validation; our errors answer
`{"detail": message, "code": code, ...details}`.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthenticated,
)


class ServiceUnavailable(Exception):
    """A dependency (Temporal, the database) did not answer in time: try again later."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RateLimited(Exception):
    """Too many attempts from one address or at one account."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


_STATUS: list[tuple[type[DomainError], int]] = [
    (Unauthenticated, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (InvalidInput, 422),
]


def status_for(error: DomainError) -> int:
    return next((status for cls, status in _STATUS if isinstance(error, cls)), 400)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, error: DomainError) -> JSONResponse:
        status = status_for(error)
        return JSONResponse(
            {"detail": error.message, "code": error.code, **_extra(error)},
            status_code=status,
            headers={"WWW-Authenticate": "Bearer"} if status == 401 else None,
        )

    @app.exception_handler(RateLimited)
    async def _rate_limited(request: Request, error: RateLimited) -> JSONResponse:
        return JSONResponse(
            {"detail": error.message, "code": "rate_limited", "retry_after": error.retry_after},
            status_code=429,
            headers={"Retry-After": str(error.retry_after)},
        )

    @app.exception_handler(ServiceUnavailable)
    async def _unavailable(request: Request, error: ServiceUnavailable) -> JSONResponse:
        return JSONResponse(
            {"detail": error.message, "code": "unavailable"},
            status_code=503,
            headers={"Retry-After": "5"},
        )


def _extra(error: DomainError) -> dict[str, object]:
    """The error's details beside `detail` and `code` (which they may not replace)."""
    return {k: v for k, v in error.plain_details().items() if k not in ("detail", "code")}
