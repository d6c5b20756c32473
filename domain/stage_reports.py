"""Reports of a stage done, sent again: a retry after a 503, a double click, a tablet that
lost its connection. A report names its pass through the stage (`seq`) or not; the pass it is
about, once closed, says what a new arrival is: the same report (a repeat, answered as the
first was) or a different one (refused, saying what was recorded). The workflow applies this to
a running order, the API to a finished one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from domain.errors import AlreadyRecorded
from domain.stages import AUTOMATIC_STAGES


class Pass(Protocol):
    """One pass of an order through a stage, as recorded."""

    @property
    def seq(self) -> int: ...
    @property
    def stage(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def completed_at(self) -> datetime | None: ...
    @property
    def completed_by(self) -> str | None: ...
    @property
    def passed(self) -> bool | None: ...
    @property
    def request_digest(self) -> str | None: ...


P = TypeVar("P", bound=Pass)


def reported_pass(passes: Sequence[P], stage: str, seq: int | None) -> P | None:
    """The closed pass of `stage` a report is about: the one numbered `seq`, or (unnamed) the
    pass closed last, once the order has gone on from it. None: the report is not about a
    closed pass (it is new, or for a stage the order is not at). Nobody reports an automatic
    stage, so no report is about one."""
    if stage in AUTOMATIC_STAGES:
        return None
    if seq is not None:
        found = passes[seq - 1] if 1 <= seq <= len(passes) else None
        if found is None or found.stage != stage or found.completed_at is None:
            return None
        return found
    closed = [p for p in passes if p.completed_at is not None and p.status != "cancelled"]
    return closed[-1] if closed and closed[-1].stage == stage else None


def check_repeat(recorded: Pass, digest: str) -> None:
    """Nothing when `digest` is the recorded report's; else AlreadyRecorded saying what was."""
    if recorded.request_digest in (None, digest):
        return
    verdict = "" if recorded.passed is None else f" (passed: {str(recorded.passed).lower()})"
    raise AlreadyRecorded(
        f"{recorded.stage} was already recorded as {recorded.status}{verdict} by "
        f"{recorded.completed_by or 'someone'}; this report differs and was not applied",
        stage=recorded.stage,
        stage_seq=recorded.seq,
        recorded_status=recorded.status,
        recorded_by=recorded.completed_by,
        recorded_passed=recorded.passed,
    )
