"""The Temporal edge of the error taxonomy: a domain error travels as a non-retryable
`ApplicationError` whose `type` is the error's code, and is rebuilt from it on the other side.
It is a benign failure (a rule kept, not a fault): the SDK logs it quietly and counts no
failure in its metrics."""

from __future__ import annotations

from typing import Any

from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

from domain.errors import DomainError, error_from_code


def as_application_error(error: DomainError) -> ApplicationError:
    return ApplicationError(
        error.message,
        error.plain_details(),
        type=error.code,
        non_retryable=True,
        category=ApplicationErrorCategory.BENIGN,
    )


def as_domain_error(error: BaseException | None) -> DomainError | None:
    """The domain error an `ApplicationError` (possibly nested in causes) carries, if any."""
    while error is not None:
        if isinstance(error, ApplicationError):
            details: dict[str, Any] = {}
            if error.details and isinstance(error.details[0], dict):
                details = error.details[0]
            rebuilt = error_from_code(error.type, error.message, **details)
            if rebuilt is not None:
                return rebuilt
        error = error.__cause__
    return None
