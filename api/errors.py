"""The HTTP edge of the error taxonomy (see `domain.errors`): one handler per kind, one status per
class, one body shape per status.

    401, 403, 404, 409, 429, 503   {"detail": message, "code": code, ...details}   (ErrorOut)
    422                            {"detail": [{"loc", "msg", "type"}], "code": "invalid"}

422 has FastAPI's shape whether the payload failed its schema or a rule (`InvalidInput`); it
never echoes what was sent (a password, a token). An outage of PostgreSQL, Redis or Temporal is
a 503 with `Retry-After`. Should a value get past the request guard and the schemas' bounds,
PostgreSQL's refusal is a 422, and a unique or foreign key lost to a concurrent change a 409.
Nothing a client sends gives a 500: a 500 is a bug, logged with a reference the answer gives.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import psycopg
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DataError, DBAPIError, DisconnectionError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.routing import Match
from temporalio.service import RPCError

from domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthenticated,
)

log = structlog.get_logger(__name__)
RETRY_AFTER_SECONDS = 5


class ServiceUnavailable(Exception):
    """A dependency (Temporal, the database, Redis) did not answer: try again later."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RateLimited(Exception):
    """Too many attempts from one address or at one account."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class ErrorOut(BaseModel):
    """Every error but 422: what went wrong, a stable code, and details by name."""

    model_config = ConfigDict(extra="allow")
    detail: str = Field(description="What went wrong, in words")
    code: str = Field(description="Stable: not_found, conflict, unavailable, ...")


class Issue(BaseModel):
    loc: list[str | int] = Field(description="Where: body, query, path or header, then the field")
    msg: str
    type: str


class ValidationErrorOut(BaseModel):
    """422: the request is malformed or breaks a rule of its own; one issue per problem."""

    detail: list[Issue]
    code: str = "invalid"


_STATUS: list[tuple[type[DomainError], int]] = [
    (Unauthenticated, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (InvalidInput, 422),
]


def status_for(error: DomainError) -> int:
    return next((status for cls, status in _STATUS if isinstance(error, cls)), 400)


def invalid(issues: Sequence[Issue]) -> JSONResponse:
    return JSONResponse(
        ValidationErrorOut(detail=list(issues)).model_dump(mode="json"), status_code=422
    )


def unavailable(message: str) -> JSONResponse:
    return JSONResponse(
        {"detail": message, "code": "unavailable"},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _issues(errors: Sequence[Any]) -> list[Issue]:
    """FastAPI's validation errors without `input` and `ctx`: they may hold what was sent."""
    return [
        Issue(
            loc=[part if isinstance(part, int) else str(part) for part in error.get("loc", ())],
            msg=_printable(str(error.get("msg", "invalid"))),
            type=str(error.get("type", "value_error")),
        )
        for error in errors
    ]


def _printable(text: str) -> str:
    """Text that encodes as UTF-8 (a lone surrogate in a message would break the answer)."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _is_outage(error: DBAPIError) -> bool:
    """Whether the database could not be reached (as opposed to refusing a value)."""
    original = getattr(error, "orig", None)
    return error.connection_invalidated or isinstance(
        original, psycopg.OperationalError | psycopg.InterfaceError
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, error: DomainError) -> JSONResponse:
        status = status_for(error)
        if status == 422:
            field, where = error.details.get("field"), error.details.get("location", "body")
            loc: list[str | int] = [str(where), str(field)] if field else [str(where)]
            return invalid([Issue(loc=loc, msg=_printable(error.message), type=error.code)])
        return JSONResponse(
            {"detail": error.message, "code": error.code, **_extra(error)},
            status_code=status,
            headers={"WWW-Authenticate": "Bearer"} if status == 401 else None,
        )

    @app.exception_handler(RequestValidationError)
    async def _malformed(request: Request, error: RequestValidationError) -> JSONResponse:
        return invalid(_issues(error.errors()))

    @app.exception_handler(RateLimited)
    async def _rate_limited(request: Request, error: RateLimited) -> JSONResponse:
        return JSONResponse(
            {"detail": error.message, "code": "rate_limited", "retry_after": error.retry_after},
            status_code=429,
            headers={"Retry-After": str(error.retry_after)},
        )

    @app.exception_handler(ServiceUnavailable)
    async def _unavailable(request: Request, error: ServiceUnavailable) -> JSONResponse:
        return unavailable(error.message)

    @app.exception_handler(RedisConnectionError)
    @app.exception_handler(RedisTimeoutError)
    async def _redis_down(request: Request, error: Exception) -> JSONResponse:
        log.warning("redis.unavailable", error=str(error))
        return unavailable("Redis is unavailable; try again shortly")

    @app.exception_handler(RPCError)
    async def _temporal_down(request: Request, error: RPCError) -> JSONResponse:
        log.warning("temporal.unavailable", error=str(error))
        return unavailable("Temporal is unavailable; try again shortly")

    @app.exception_handler(PoolTimeout)
    @app.exception_handler(DisconnectionError)
    async def _pool(request: Request, error: Exception) -> JSONResponse:
        log.warning("database.unavailable", error=str(error))
        return unavailable("the database is unavailable; try again shortly")

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, error: DBAPIError) -> JSONResponse:
        if _is_outage(error):
            log.warning("database.unavailable", error=str(error.orig))
            return unavailable("the database is unavailable; try again shortly")
        if isinstance(error, DataError):  # a value the guard and the schemas let through
            log.warning("database.value_refused", error=str(error.orig))
            return invalid(
                [Issue(loc=["body"], msg="a value is out of range or too long", type="refused")]
            )
        if isinstance(error, IntegrityError):  # lost a race (a key taken, a row gone) meanwhile
            log.warning("database.conflict", error=str(error.orig))
            return JSONResponse(
                {"detail": "the request clashed with a change made meanwhile", "code": "conflict"},
                status_code=409,
            )
        return await _bug(request, error)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        if error.status_code == 400:  # the framework could not read the body: malformed
            return invalid([Issue(loc=["body"], msg=str(error.detail), type="malformed")])
        headers = dict(error.headers or {})
        if error.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(app, request))
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        return JSONResponse(
            {"detail": str(error.detail), "code": code},
            status_code=error.status_code,
            headers=headers,
        )

    app.add_exception_handler(Exception, _bug)


async def _bug(request: Request, error: Exception) -> JSONResponse:
    reference = uuid.uuid4().hex[:12]
    log.error("http.unhandled", reference=reference, path=request.url.path, exc_info=error)
    return JSONResponse(
        {"detail": f"an internal error (reference {reference})", "code": "internal"},
        status_code=500,
    )


def _allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """Every method some route of this path answers (Starlette names only the first route's)."""
    methods: set[str] = set()
    scope = {**request.scope, "method": "OPTIONS-PROBE"}
    for context in iter_route_contexts(app.routes):
        match, _ = context.matches(scope)
        if match is Match.PARTIAL:
            methods |= set(getattr(context.original_route, "methods", None) or ())
    return sorted(methods)


def _extra(error: DomainError) -> dict[str, object]:
    """The error's details beside `detail` and `code` (which they may not replace)."""
    return {k: v for k, v in error.plain_details().items() if k not in ("detail", "code")}
