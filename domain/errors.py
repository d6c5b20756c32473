"""One taxonomy of business failures.

    DomainError                 a rule of the workshop was broken (base; never raised itself)
    ├── Unauthenticated         no valid credentials (missing, expired, revoked)  -> HTTP 401
    ├── Forbidden               valid credentials, but not for this action        -> HTTP 403
    ├── NotFound                an id or key that does not exist                  -> HTTP 404
    ├── Conflict                the request clashes with the current state        -> HTTP 409
    │   ├── Duplicate           a unique business key is taken (SKU, code, email)
    │   ├── InsufficientStock   more than is available was asked for
    │   ├── WrongStage          a stage completion that is not the order's current manual stage
    │   ├── OrderClosed         the order is already completed or cancelled
    │   ├── AlreadyRecorded     a different report of something already recorded (a stage)
    │   ├── IllegalTransition   a status change the life cycle does not allow
    │   ├── NotQualified        the worker lacks the stage's skill level, or is away today
    │   └── EquipmentBusy       no free piece of the equipment a stage needs (or not the one
    │                           chosen)
    └── InvalidInput            well-formed, but breaks a rule of its own (a weak password,
                                an expired token); `field` (and `location`, "body" unless
                                said) name where                                  -> HTTP 422

Each class has a stable `code`. The HTTP edge maps the class to a status code once; the Temporal
edge turns it into `ApplicationError(type=code, non_retryable=True)` and back again, so a rule
broken inside a workflow reaches the API caller as the same error.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "domain_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def plain_details(self) -> dict[str, str | int | float | bool | None]:
        """The details as JSON scalars (anything else as its text), for HTTP and Temporal."""
        return {
            k: v if v is None or isinstance(v, str | int | float | bool) else str(v)
            for k, v in self.details.items()
        }


class Unauthenticated(DomainError):
    code = "unauthenticated"


class Forbidden(DomainError):
    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"


class InvalidInput(DomainError):
    code = "invalid"


class Conflict(DomainError):
    code = "conflict"


class Duplicate(Conflict):
    code = "duplicate"


class InsufficientStock(Conflict):
    code = "insufficient_stock"


class WrongStage(Conflict):
    code = "wrong_stage"


class OrderClosed(Conflict):
    code = "order_closed"


class AlreadyRecorded(Conflict):
    code = "already_recorded"


class IllegalTransition(Conflict):
    code = "illegal_transition"


class NotQualified(Conflict):
    code = "not_qualified"


class EquipmentBusy(Conflict):
    code = "equipment_busy"


def _all_subclasses(cls: type[DomainError]) -> list[type[DomainError]]:
    found: list[type[DomainError]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


_ALL_ERRORS: list[type[DomainError]] = [DomainError, *_all_subclasses(DomainError)]
ERRORS_BY_CODE: dict[str, type[DomainError]] = {error.code: error for error in _ALL_ERRORS}


def error_from_code(code: str | None, message: str, **details: Any) -> DomainError | None:
    """Rebuild a domain error that crossed a process boundary as its code."""
    cls = ERRORS_BY_CODE.get(code or "")
    return cls(message, **details) if cls else None
