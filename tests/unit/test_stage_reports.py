"""Which recorded pass a stage report is about, and whether it repeats it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from domain.errors import AlreadyRecorded
from domain.stage_reports import check_repeat, reported_pass

NOW = datetime(2026, 12, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Pass:
    seq: int
    stage: str
    status: str = "completed"
    completed_at: datetime | None = NOW
    completed_by: str | None = "ivan@zhuchka.example"
    passed: bool | None = None
    request_digest: str | None = "d1"


def _open(seq: int, stage: str) -> Pass:
    return Pass(seq, stage, status="active", completed_at=None, request_digest=None)


REWORKED = [
    Pass(1, "design"),
    Pass(2, "procurement", request_digest=None),
    Pass(3, "assembly"),
    Pass(4, "testing", passed=True, request_digest="t1"),
    Pass(5, "qc", status="failed", passed=False, request_digest="q1"),
    Pass(6, "assembly", request_digest="a2"),
    _open(7, "testing"),
]


def test_an_unnamed_report_is_about_the_pass_closed_last() -> None:
    assert reported_pass(REWORKED, "assembly", None) == REWORKED[5]
    assert reported_pass(REWORKED, "qc", None) is None  # qc is not what closed last
    assert reported_pass(REWORKED, "testing", None) is None  # testing is open: a new report


def test_a_named_pass_is_that_pass_once_closed() -> None:
    assert reported_pass(REWORKED, "testing", 4) == REWORKED[3]
    assert reported_pass(REWORKED, "testing", 7) is None  # the open one: new
    assert reported_pass(REWORKED, "qc", 4) is None  # another stage's pass
    assert reported_pass(REWORKED, "testing", 99) is None


def test_nobody_reports_an_automatic_stage() -> None:
    assert reported_pass([*REWORKED[:2], _open(3, "assembly")], "procurement", None) is None
    assert reported_pass(REWORKED, "procurement", 2) is None


def test_a_cancelled_pass_is_not_a_report() -> None:
    cancelled = [Pass(1, "design"), Pass(2, "assembly", status="cancelled", request_digest=None)]
    assert reported_pass(cancelled, "assembly", None) is None
    assert reported_pass(cancelled, "design", None) == cancelled[0]


def test_the_same_report_repeats_and_another_is_refused_with_what_was() -> None:
    check_repeat(REWORKED[4], "q1")
    check_repeat(Pass(1, "qc", request_digest=None), "anything")  # recorded before digests
    with pytest.raises(
        AlreadyRecorded, match=r"qc was already recorded as failed \(passed: false\)"
    ):
        check_repeat(REWORKED[4], "q2")
