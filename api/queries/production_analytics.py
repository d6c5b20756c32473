"""Production over a period, from the stage passes: throughput per day, work in progress per
stage (now), lead, queue and work time per stage with the bottleneck, the utilisation of
workers and equipment against their calendars, and OEE per piece of equipment, per station
and overall. A pass's queue time runs from entering the stage to its work starting (or to its
completion when nobody started it), its work time from starting to completion (as the order's
own page shows them)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domain import analytics
from domain.stages import AUTOMATIC_STAGES, Stage
from persistence.database import room_to_sort
from services.floor.calendars import plant_zone, rules_of

# Queue, work and lead time of the passes that ended in the period: exact percentiles, so
# read from the passes themselves.
_STAGE_TIMES = text(
    """
    SELECT stage, count(*) AS passes,
           percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY
               extract(epoch FROM completed_at - started_at)::float8) AS lead,
           percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY
               extract(epoch FROM coalesce(work_started_at, completed_at) - started_at)::float8)
               AS queue,
           percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY
               extract(epoch FROM completed_at - work_started_at)::float8) AS work
    FROM order_stages
    WHERE completed_at >= :since AND completed_at < :until AND status IN ('completed', 'failed')
    GROUP BY stage
    """
)
# Sums of finished work: the whole days (UTC) inside the period from the daily rows the
# database keeps (migration 0011), the part-days at either end from the passes, each pass
# counted by the same functions that keep the days. A pass's units were right the first
# time when it was completed (not failed) and the order never came back to its stage.
_EDGES = """
    SELECT {columns} FROM order_stages s
    WHERE ((s.completed_at >= :since AND s.completed_at < :head_end)
           OR (s.completed_at >= :tail_start AND s.completed_at < :until))
      AND pass_work_seconds(s) IS NOT NULL AND s.{key} IS NOT NULL
"""
_EQUIPMENT = text(
    f"""
    WITH work AS (
        SELECT equipment, run_seconds, target_seconds, units, right_first_time
        FROM equipment_days WHERE day >= :first_day AND day < :end_day
        UNION ALL
        {
        _EDGES.format(
            columns="s.equipment, pass_work_seconds(s), coalesce(s.target_seconds, 0), "
            "coalesce(s.units, 0), pass_right_first_time(s)",
            key="equipment",
        )
    }
    )
    SELECT e.id, e.name, coalesce(e.station, e.name) AS station, e.calendar_id,
           coalesce(sum(w.run_seconds), 0)::float8 AS run_seconds,
           coalesce(sum(w.target_seconds), 0)::float8 AS target_seconds,
           coalesce(sum(w.units), 0) AS units,
           coalesce(sum(w.right_first_time), 0) AS right_first_time
    FROM equipment e LEFT JOIN work w ON w.equipment = e.name
    GROUP BY e.id ORDER BY 3, 2
    """,  # noqa: S608 - constant SQL put together, nothing from a request
)
_WORKERS = text(
    f"""
    WITH work AS (
        SELECT worker_id, busy_seconds, passes
        FROM worker_days WHERE day >= :first_day AND day < :end_day
        UNION ALL
        {
        _EDGES.format(
            columns="s.started_worker_id, pass_work_seconds(s), 1", key="started_worker_id"
        )
    }
    )
    SELECT w.id, w.name, w.calendar_id, coalesce(sum(k.busy_seconds), 0)::float8 AS busy_seconds,
           coalesce(sum(k.passes), 0) AS passes
    FROM workers w LEFT JOIN work k ON k.worker_id = w.id
    WHERE w.active
    GROUP BY w.id ORDER BY w.name
    """,  # noqa: S608 - constant SQL put together, nothing from a request
)
_THROUGHPUT = text(
    """
    SELECT date(timezone(:zone, completed_at)) AS day, count(*) AS orders, sum(quantity) AS units
    FROM orders WHERE status = 'completed' AND completed_at >= :since AND completed_at < :until
    GROUP BY 1 ORDER BY 1
    """
)
_WIP = text(
    """
    SELECT stage, count(*) AS orders, sum(quantity) AS units FROM orders
    WHERE status NOT IN ('completed', 'cancelled') AND stage IS NOT NULL
    GROUP BY stage
    """
)


_ROUTE = [s.value for s in Stage]
_AUTOMATIC = {s.value for s in AUTOMATIC_STAGES}


class DayRow(BaseModel):
    day: date
    orders: int
    units: int


class WipRow(BaseModel):
    stage: str
    orders: int
    units: int


class StageTimes(BaseModel):
    stage: str
    passes: int
    lead_p50_seconds: float | None
    lead_p90_seconds: float | None
    queue_p50_seconds: float | None
    queue_p90_seconds: float | None
    work_p50_seconds: float | None
    work_p90_seconds: float | None


class OeeRow(BaseModel):
    name: str  # a piece of equipment, a station, or "all"
    station: str | None
    planned_seconds: float  # from its calendar, closures taken out
    run_seconds: float
    target_seconds: float  # the targets of the units it worked on
    units: int
    right_first_time: int
    availability: float | None
    performance: float | None
    quality: float | None
    oee: float | None


class WorkerRow(BaseModel):
    worker_id: uuid.UUID
    name: str
    passes: int
    busy_seconds: float
    planned_seconds: float
    utilisation: float | None


class ProductionFigures(BaseModel):
    since: datetime
    until: datetime
    zone: str
    throughput: list[DayRow]  # orders shipped per day, in the plant's zone
    wip: list[WipRow]  # open orders per stage, now
    stages: list[StageTimes]
    bottleneck: str | None  # the stage where work waits longest (median queue)
    equipment: list[OeeRow]
    stations: list[OeeRow]
    overall: OeeRow
    workers: list[WorkerRow]


@dataclass
class _Sums:
    planned: float = 0.0
    run: float = 0.0
    target: float = 0.0
    units: int = 0
    right: int = 0

    def add(self, other: _Sums) -> None:
        self.planned += other.planned
        self.run += other.run
        self.target += other.target
        self.units += other.units
        self.right += other.right

    def row(self, name: str, station: str | None) -> OeeRow:
        figures = analytics.oee(self.planned, self.run, self.target, self.units, self.right)
        return OeeRow(
            name=name,
            station=station,
            planned_seconds=self.planned,
            run_seconds=self.run,
            target_seconds=self.target,
            units=self.units,
            right_first_time=self.right,
            **vars(figures),
        )


async def production_figures(
    session: AsyncSession, since: datetime, until: datetime
) -> ProductionFigures:
    await room_to_sort(session)
    period = {"since": since, "until": until}
    zone = await plant_zone(session)
    planned = _Planned(session, since, until)
    stages = [
        StageTimes(
            stage=r.stage,
            passes=r.passes,
            lead_p50_seconds=_p50(r.lead),
            lead_p90_seconds=_p90(r.lead),
            queue_p50_seconds=_p50(r.queue),
            queue_p90_seconds=_p90(r.queue),
            work_p50_seconds=_p50(r.work),
            work_p90_seconds=_p90(r.work),
        )
        for r in await session.execute(_STAGE_TIMES, period)
    ]
    stages.sort(key=lambda s: _ROUTE.index(s.stage) if s.stage in _ROUTE else len(_ROUTE))
    equipment: list[OeeRow] = []
    stations: defaultdict[str, _Sums] = defaultdict(_Sums)
    overall = _Sums()
    split = period | _days_within(since, until)
    for r in (await session.execute(_EQUIPMENT, split)).all():
        sums = _Sums(await planned.of(r.calendar_id), r.run_seconds, r.target_seconds)
        sums.units, sums.right = r.units, r.right_first_time
        equipment.append(sums.row(r.name, r.station))
        stations[r.station].add(sums)
        overall.add(sums)
    workers = []
    for r in (await session.execute(_WORKERS, split)).all():
        hours = await planned.of(r.calendar_id)
        workers.append(
            WorkerRow(
                worker_id=r.id,
                name=r.name,
                passes=r.passes,
                busy_seconds=r.busy_seconds,
                planned_seconds=hours,
                utilisation=analytics.utilisation(r.busy_seconds, hours),
            )
        )
    return ProductionFigures(
        since=since,
        until=until,
        zone=zone,
        throughput=[
            DayRow(day=d, orders=n, units=u)
            for d, n, u in await session.execute(_THROUGHPUT, period | {"zone": zone})
        ],
        wip=sorted(
            (WipRow(stage=s, orders=n, units=u) for s, n, u in await session.execute(_WIP)),
            key=lambda w: _ROUTE.index(w.stage) if w.stage in _ROUTE else len(_ROUTE),
        ),
        stages=stages,
        bottleneck=analytics.bottleneck(
            {s.stage: s.queue_p50_seconds for s in stages if s.stage not in _AUTOMATIC}
        ),
        equipment=equipment,
        stations=[sums.row(name, name) for name, sums in sorted(stations.items())],
        overall=overall.row("all", None),
        workers=workers,
    )


def _days_within(since: datetime, until: datetime) -> dict[str, Any]:
    """The whole UTC days within [since, until) (`first_day` to before `end_day`) and the
    part-days left at either end ([since, head_end) and [tail_start, until))."""
    first = datetime.combine(since.astimezone(UTC).date(), time(), UTC)
    if first < since:
        first += timedelta(days=1)
    end = datetime.combine(until.astimezone(UTC).date(), time(), UTC)
    if end <= first:  # not a whole day: all from the passes
        return {
            "first_day": first.date(),
            "end_day": first.date(),
            "head_end": until,
            "tail_start": until,
        }
    return {"first_day": first.date(), "end_day": end.date(), "head_end": first, "tail_start": end}


def _p50(percentiles: list[float] | None) -> float | None:
    """The first of `percentile_cont(ARRAY[0.5, 0.9])` (NULL when no pass had the time)."""
    return percentiles[0] if percentiles else None


def _p90(percentiles: list[float] | None) -> float | None:
    return percentiles[1] if percentiles else None


class _Planned:
    """Planned seconds in the period per calendar (None: the plant's default), each worked out
    once."""

    def __init__(self, session: AsyncSession, since: datetime, until: datetime) -> None:
        self._session, self._since, self._until = session, since, until
        self._known: dict[uuid.UUID | None, float] = {}

    async def of(self, calendar_id: uuid.UUID | None) -> float:
        if calendar_id not in self._known:
            calendar = await rules_of(self._session, calendar_id, self._since, self._until)
            hours = calendar.working_time(self._since, self._until)
            self._known[calendar_id] = hours.total_seconds()
        return self._known[calendar_id]
