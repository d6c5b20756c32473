from contracts.failures import as_application_error, as_domain_error
from domain.errors import (
    ERRORS_BY_CODE,
    Conflict,
    DomainError,
    InsufficientStock,
    NotFound,
    WrongStage,
    error_from_code,
)


def test_every_error_has_its_own_code() -> None:
    assert len(ERRORS_BY_CODE) == len({cls.code for cls in ERRORS_BY_CODE.values()})
    assert ERRORS_BY_CODE["wrong_stage"] is WrongStage


def test_a_domain_error_survives_the_temporal_boundary() -> None:
    original = InsufficientStock("cannot reserve 5", requested=5, available=2)
    failure = as_application_error(original)
    assert failure.type == "insufficient_stock"
    assert failure.non_retryable
    rebuilt = as_domain_error(failure)
    assert isinstance(rebuilt, InsufficientStock)
    assert isinstance(rebuilt, Conflict)
    assert rebuilt.message == "cannot reserve 5"
    assert rebuilt.details == {"requested": 5, "available": 2}


def test_unknown_codes_are_not_guessed() -> None:
    assert error_from_code("something_else", "x") is None
    assert isinstance(error_from_code("not_found", "gone"), NotFound)
    assert isinstance(error_from_code("domain_error", "x"), DomainError)
