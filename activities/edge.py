"""The Temporal edge of every activity: the workflow's ids bound to each log line, and domain
errors turned into final (non-retryable) failures carrying their code. A value PostgreSQL
refuses (out of range, too long) is final too: retrying cannot make it fit."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

import structlog
from sqlalchemy.exc import DataError
from temporalio import activity

from contracts.failures import as_application_error
from domain.errors import DomainError, InvalidInput

log = structlog.get_logger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


def at_the_edge(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Bind the workflow's ids to every log line and turn domain errors into final failures."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        info = activity.info()
        with structlog.contextvars.bound_contextvars(
            workflow_id=info.workflow_id, activity=info.activity_type, attempt=info.attempt
        ):
            try:
                return await fn(*args, **kwargs)
            except DomainError as error:
                log.warning("activity.business_failure", code=error.code, error=error.message)
                raise as_application_error(error) from error
            except DataError as refused:
                log.error("activity.value_refused", error=str(refused.orig))
                invalid = InvalidInput("a value could not be stored (out of range or too long)")
                raise as_application_error(invalid) from refused

    return wrapper
