"""Checklists: how an inspection's results become a verdict."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from domain.errors import InvalidInput
from domain.quality import CheckItem, CheckKind, Result, evaluate

LEGENDS = CheckItem(uuid.uuid4(), "Legends aligned", True, CheckKind.PASS_FAIL)
RATTLE = CheckItem(uuid.uuid4(), "No rattle", False, CheckKind.PASS_FAIL)
CURRENT = CheckItem(
    uuid.uuid4(), "Current draw", True, CheckKind.MEASURE, Decimal(20), Decimal(150), "mA"
)
CHECKLIST = [LEGENDS, RATTLE, CURRENT]


def test_all_required_items_passing_passes_even_with_an_optional_failure() -> None:
    verdict = evaluate(
        CHECKLIST,
        [
            Result(LEGENDS.id, passed=True),
            Result(RATTLE.id, passed=False, comment="a little"),
            Result(CURRENT.id, value=Decimal("88.5")),
        ],
    )
    assert verdict.passed
    assert verdict.failed == []
    assert [j.ok for j in verdict.judged] == [True, False, True]


@pytest.mark.parametrize(
    ("value", "ok"),
    [("20", True), ("150", True), ("19.99", False), ("150.01", False)],
)
def test_a_measured_value_passes_within_its_limits_inclusive(value: str, ok: bool) -> None:
    verdict = evaluate(
        CHECKLIST, [Result(LEGENDS.id, passed=True), Result(CURRENT.id, value=Decimal(value))]
    )
    assert verdict.passed is ok


def test_a_failed_required_item_fails_and_is_named_with_its_comment() -> None:
    verdict = evaluate(
        CHECKLIST,
        [
            Result(LEGENDS.id, passed=False, comment="F smudged"),
            Result(CURRENT.id, value=Decimal(30)),
        ],
    )
    assert not verdict.passed
    assert [j.line for j in verdict.failed] == ["Legends aligned: F smudged"]


def test_an_unchecked_optional_item_is_fine() -> None:
    verdict = evaluate(
        CHECKLIST, [Result(LEGENDS.id, passed=True), Result(CURRENT.id, value=Decimal(30))]
    )
    assert verdict.passed
    assert verdict.judged[1].result is None


@pytest.mark.parametrize(
    ("results", "message"),
    [
        ([Result(LEGENDS.id, passed=True)], "required checks without a result: Current draw"),
        ([Result(uuid.uuid4(), passed=True)], "is not on this checklist"),
        ([Result(LEGENDS.id, passed=True)] * 2, "has two results"),
        ([Result(LEGENDS.id), Result(CURRENT.id, value=Decimal(1))], "needs passed true or false"),
        ([Result(LEGENDS.id, passed=True), Result(CURRENT.id)], "needs the measured value"),
    ],
)
def test_incomplete_or_foreign_results_are_refused(results: list[Result], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        evaluate(CHECKLIST, results)


def test_a_measure_needs_a_limit_and_a_sane_range() -> None:
    with pytest.raises(InvalidInput, match="give it a min, a max or both"):
        CheckItem(uuid.uuid4(), "Weight", True, CheckKind.MEASURE)
    with pytest.raises(InvalidInput, match="is above max"):
        CheckItem(uuid.uuid4(), "Weight", True, CheckKind.MEASURE, Decimal(5), Decimal(1))
