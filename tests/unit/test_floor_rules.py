"""The floor's rules: skills, the at-risk estimate and the rework limit."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.errors import Conflict
from domain.floor import (
    cannot_make_it,
    check_skill,
    expected_finish,
    rework_limit_reached,
    target_end,
)
from domain.stages import Stage
from domain.work_calendar import Shift, WorkCalendar

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


ALWAYS = WorkCalendar.always()
# Monday to Friday, 09:00-17:00 in Moscow (UTC+3 all year).
DAYS = WorkCalendar("Europe/Moscow", tuple(Shift(day, time(9), time(17)) for day in range(5)))


def test_the_expected_finish_adds_the_later_targets_to_the_current_stage_due() -> None:
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    targets = {Stage.TESTING: 2 * HOUR, Stage.QC: HOUR, Stage.SHIPPING: 24 * HOUR}
    due = now + timedelta(hours=4)
    later = [Stage.QC, Stage.SHIPPING]
    assert expected_finish(now, due, later, targets, ALWAYS) == due + timedelta(hours=25)
    # An overdue stage is taken to end now; a stage without a target too.
    assert expected_finish(now, now - timedelta(hours=1), later, targets, ALWAYS) == (
        now + timedelta(hours=25)
    )
    assert expected_finish(now, None, [], targets, ALWAYS) == now


def test_targets_count_working_time_only() -> None:
    friday_evening = datetime(2026, 12, 4, 16, tzinfo=ZoneInfo("Europe/Moscow"))
    # One hour left on Friday, three more from Monday 09:00.
    assert target_end(DAYS, friday_evening, 4 * HOUR) == datetime(
        2026, 12, 7, 12, tzinfo=ZoneInfo("Europe/Moscow")
    )
    # Nine working days of targets from Monday morning end on the next week's Thursday, 17:00.
    monday = datetime(2026, 12, 7, 9, tzinfo=ZoneInfo("Europe/Moscow"))
    later = [Stage.ASSEMBLY, Stage.TESTING]
    targets = {Stage.ASSEMBLY: 5 * 8 * HOUR, Stage.TESTING: 4 * 8 * HOUR}
    assert expected_finish(monday, None, later, targets, DAYS) == datetime(
        2026, 12, 17, 17, tzinfo=ZoneInfo("Europe/Moscow")
    )


def test_a_calendar_without_working_time_leaves_no_due_and_the_order_at_risk() -> None:
    closed = WorkCalendar("UTC", ())
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert target_end(closed, now, HOUR) is None
    assert cannot_make_it(
        expected_finish(now, None, [Stage.QC], {Stage.QC: HOUR}, closed), date(2027, 1, 1), "UTC"
    )


def test_at_risk_only_past_the_end_of_the_due_date_in_the_plants_zone() -> None:
    assert not cannot_make_it(datetime(2026, 12, 1, 23, 59, tzinfo=UTC), date(2026, 12, 1), "UTC")
    assert cannot_make_it(datetime(2026, 12, 2, 0, 0, 1, tzinfo=UTC), date(2026, 12, 1), "UTC")
    # 22:00 UTC is already the next day in Moscow.
    late_evening = datetime(2026, 12, 1, 22, tzinfo=UTC)
    assert cannot_make_it(late_evening, date(2026, 12, 1), "Europe/Moscow")
    assert not cannot_make_it(late_evening, date(2026, 12, 2), "Europe/Moscow")


@pytest.mark.parametrize(
    ("reworks", "limit", "reached"), [(2, 3, False), (3, 3, True), (4, 3, True), (9, 0, False)]
)
def test_the_rework_limit(reworks: int, limit: int, reached: bool) -> None:
    assert rework_limit_reached(reworks, limit) is reached
