"""The floor's rules: skills, the at-risk estimate and the rework limit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.errors import Conflict
from domain.floor import cannot_make_it, check_skill, expected_finish, rework_limit_reached
from domain.stages import Stage

HOUR = 3600


def test_a_skilled_available_worker_may_start() -> None:
    check_skill("Ivan", {Stage.SOLDERING: 3}, Stage.SOLDERING, 3)


@pytest.mark.parametrize(
    ("skills", "message"),
    [
        ({}, "Marta has no soldering skill; soldering needs level 3"),
        ({Stage.SOLDERING: 1}, "Marta has level 1 soldering skill; soldering needs level 3"),
    ],
)
def test_missing_skill_is_named(skills: dict[Stage, int], message: str) -> None:
    with pytest.raises(Conflict, match=message):
        check_skill("Marta", skills, Stage.SOLDERING, 3)


def test_an_unavailable_worker_may_not_start() -> None:
    with pytest.raises(Conflict, match="not available"):
        check_skill("Ivan", {Stage.ASSEMBLY: 5}, Stage.ASSEMBLY, 1, available=False)


def test_the_expected_finish_adds_the_later_targets_to_the_current_stage_due() -> None:
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    targets = {Stage.TESTING: 2 * HOUR, Stage.QC: HOUR, Stage.SHIPPING: 24 * HOUR}
    due = now + timedelta(hours=4)
    later = [Stage.QC, Stage.SHIPPING]
    assert expected_finish(now, due, later, targets) == due + timedelta(hours=25)
    # An overdue stage is taken to end now; a stage without a target too.
    assert expected_finish(now, now - timedelta(hours=1), later, targets) == now + timedelta(
        hours=25
    )
    assert expected_finish(now, None, [], targets) == now


def test_at_risk_only_past_the_end_of_the_due_date() -> None:
    assert not cannot_make_it(datetime(2026, 12, 1, 23, 59, tzinfo=UTC), date(2026, 12, 1))
    assert cannot_make_it(datetime(2026, 12, 2, 0, 0, 1, tzinfo=UTC), date(2026, 12, 1))


@pytest.mark.parametrize(
    ("reworks", "limit", "reached"), [(2, 3, False), (3, 3, True), (4, 3, True), (9, 0, False)]
)
def test_the_rework_limit(reworks: int, limit: int, reached: bool) -> None:
    assert rework_limit_reached(reworks, limit) is reached
