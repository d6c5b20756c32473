"""A bounded fuzz of the whole API from its own OpenAPI document (schemathesis): every operation,
with valid and with invalid data, as an admin and as a viewer, against the real stack served by
uvicorn (PostgreSQL, Redis, Temporal and a worker). No answer may be a 5xx, and every answer
must be what the document declares: its status, its content type and its body's schema.

The run is derandomized (the same cases every time) and small by default;
ZHUCHKA_FUZZ_EXAMPLES raises the number of cases per operation for a deeper search.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok

from domain.access import Role
from tests.e2e.conftest import Stack
from tests.support import bearer_token

EXAMPLES = int(os.environ.get("ZHUCHKA_FUZZ_EXAMPLES", "4"))
# Calls that would end the fuzzer's own session (the rest may do what they like).
EXCLUDED = {("POST", "/api/user/sign-out")}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _fuzz(base: str, tokens: dict[str, str]) -> tuple[int, list[str]]:
    """Every operation, both kinds of data, each token; returns (cases run, failures)."""
    schema = schemathesis.openapi.from_url(f"{base}/api/openapi.json")
    failures: list[str] = []
    runs = [0]
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()  # the document itself must be valid
        operation = result.ok()
        if (operation.method.upper(), operation.path) in EXCLUDED:
            continue
        for role, token in tokens.items():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                strategy = operation.as_strategy(generation_mode=mode)
                try:
                    _cases(strategy, base, role, token, runs, failures)()
                except Unsatisfiable:  # nothing about it can be invalid (no parameters, no body)
                    assert mode is GenerationMode.NEGATIVE, operation.label
    return runs[0], failures


def _cases(
    strategy: Any, base: str, role: str, token: str, runs: list[int], failures: list[str]
) -> Any:
    """A hypothesis test calling the API with each case and checking the answer."""
    headers = {"Authorization": f"Bearer {token}"}

    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=strategy)
    def run(case: Any) -> None:
        runs[0] += 1
        response = case.call(base_url=base, headers=headers, timeout=60)
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, FailureGroup) as failure:  # all are kept; none stops the run
            failures.append(_summary(role, case, str(failure)))

    return run


def _summary(role: str, case: Any, failure: str) -> str:
    """One line per kind of failure: who, which operation, which check, what came back."""
    lines = [line.strip() for line in failure.splitlines()]
    checks = [line[2:] for line in lines if line.startswith("- ")]
    received = [line for line in lines if line.startswith(("Received:", "[", "`"))][:3]
    return f"{role} {case.method} {case.operation.path}: {'; '.join(checks)} {' '.join(received)}"


async def test_no_operation_answers_5xx_or_off_its_schema(stack: Stack, served: str) -> None:
    tokens = {
        role.value: await bearer_token(stack.services, role) for role in (Role.ADMIN, Role.VIEWER)
    }
    runs, failures = await asyncio.to_thread(_fuzz, served, tokens)
    assert runs > 100 * len(tokens)  # every operation was tried, with each token
    distinct = sorted(set(failures))
    assert not distinct, f"{len(failures)} failing cases:\n" + "\n".join(distinct[:60])
