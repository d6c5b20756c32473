"""The shop floor's rules: who may start a stage, how long stages should take, and when an
order can no longer make its due date."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta

from domain.errors import NotQualified
from domain.stages import Stage


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


def due_end(due_date: date) -> datetime:
    return datetime.combine(due_date, time.max, tzinfo=UTC)


def expected_finish(
    now: datetime,
    current_due: datetime | None,
    later: Sequence[Stage],
    targets: Mapping[Stage, int],
) -> datetime:
    """When the order will be done if the current stage ends by its target (or now, when it is
    already past it) and every later stage takes its target (seconds)."""
    start = max(now, current_due) if current_due is not None else now
    return start + timedelta(seconds=sum(targets.get(stage, 0) for stage in later))


def cannot_make_it(expected: datetime, due_date: date) -> bool:
    """At risk: the expected finish is after the end of the due date."""
    return expected > due_end(due_date)


def rework_limit_reached(rework_count: int, limit: int) -> bool:
    return limit > 0 and rework_count >= limit
