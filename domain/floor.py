"""The shop floor's rules: who may start a stage, how long stages should take, and when an
order can no longer make its due date."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.errors import InvalidInput, NotQualified
from domain.stages import Stage
from domain.work_calendar import WorkCalendar


def check_skill(
    worker: str,
    skills: Mapping[Stage, int],
    stage: Stage,
    min_level: int,
    *,
    available: bool = True,
) -> None:
    """Raise unless the worker may do `stage` now."""
    if not available:
        raise NotQualified(f"{worker} is not available today", worker=worker)
    level = skills.get(stage, 0)
    if level < min_level:
        held = f"level {level}" if level else "no"
        raise NotQualified(
            f"{worker} has {held} {stage} skill; {stage} needs level {min_level}",
            worker=worker,
            skill=stage.value,
            needed=min_level,
            level=level,
        )


def due_end(due_date: date, zone: str) -> datetime:
    """The last instant of the due date in the plant's time zone."""
    return datetime.combine(due_date, time.max, tzinfo=ZoneInfo(zone))


def target_end(calendar: WorkCalendar, start: datetime, seconds: int) -> datetime | None:
    """When work of `seconds` begun at `start` should be done, counting only the plant's
    working time (a stage entered on Friday evening with a 4-hour target is due on Monday
    morning); None when the calendar has no working time for it ahead."""
    try:
        return calendar.finish(start, timedelta(seconds=seconds))
    except InvalidInput:
        return None


def expected_finish(
    now: datetime,
    current_due: datetime | None,
    later: Sequence[Stage],
    targets: Mapping[Stage, int],
    calendar: WorkCalendar,
) -> datetime | None:
    """When the order will be done if the current stage ends by its target (or now, when it is
    already past it) and every later stage takes its target (seconds of working time)."""
    start = max(now, current_due) if current_due is not None else now
    return target_end(calendar, start, sum(targets.get(stage, 0) for stage in later))


def cannot_make_it(expected: datetime | None, due_date: date, zone: str) -> bool:
    """At risk: the expected finish is after the end of the due date (or there is no working
    time left to finish in)."""
    return expected is None or expected > due_end(due_date, zone)


def rework_limit_reached(rework_count: int, limit: int) -> bool:
    return limit > 0 and rework_count >= limit
