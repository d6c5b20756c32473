"""Quality over a period, from the inspections (testing and QC) and the stage records:
first-pass yield per stage and product, the defect rate, how many reworks orders needed, the
checks that fail most, the time orders spend in QC, and each inspector's inspections."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domain import analytics
from persistence.database import room_to_sort

# An order's first inspection at a stage decides whether it passed first time; its units are
# the order's quantity.
_FIRST_PASS = text(
    """
    WITH first AS (
        SELECT DISTINCT ON (order_id, stage) order_id, stage, status, completed_at
        FROM inspections ORDER BY order_id, stage, seq
    )
    SELECT f.stage, i.sku, sum(o.quantity) AS units,
           coalesce(sum(o.quantity) FILTER (WHERE f.status = 'passed'), 0) AS first_time
    FROM first f
    JOIN orders o ON o.id = f.order_id
    JOIN products p ON p.id = o.product_id
    JOIN items i ON i.id = p.item_id
    WHERE f.completed_at >= :since AND f.completed_at < :until
    GROUP BY f.stage, i.sku ORDER BY f.stage, i.sku
    """
)
_DEFECTS = text(
    """
    SELECT stage, count(*) AS inspections, count(*) FILTER (WHERE status = 'failed') AS failed
    FROM inspections WHERE completed_at >= :since AND completed_at < :until
    GROUP BY stage ORDER BY stage
    """
)
_REWORKS = text(
    """
    SELECT rework_count, count(*) FROM orders
    WHERE status = 'completed' AND completed_at >= :since AND completed_at < :until
    GROUP BY rework_count ORDER BY rework_count
    """
)
_FAILED_CHECKS = text(
    """
    SELECT r.description, count(*) FROM inspection_results r
    JOIN inspections n ON n.order_id = r.order_id AND n.seq = r.inspection_seq
    WHERE NOT r.ok AND n.completed_at >= :since AND n.completed_at < :until
    GROUP BY r.description
    """
)
# A pass through QC: from entering the stage to its completion (percentile_cont is the
# interpolation of `domain.analytics.percentile`).
_TIME_IN_QC = text(
    """
    WITH passes AS (
        SELECT extract(epoch FROM completed_at - started_at) AS seconds FROM order_stages
        WHERE stage = 'qc' AND started_at IS NOT NULL
          AND completed_at >= :since AND completed_at < :until
    )
    SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds),
           percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds)
    FROM passes
    """
)
_INSPECTORS = text(
    """
    SELECT coalesce(inspector, 'unknown') AS inspector, count(*) AS inspections,
           count(*) FILTER (WHERE status = 'passed') AS passed
    FROM inspections WHERE completed_at >= :since AND completed_at < :until
    GROUP BY 1 ORDER BY 2 DESC, 1
    """
)


class FirstPassRow(BaseModel):
    stage: str
    product_sku: str  # "all" for the stage as a whole
    units: int
    passed_first_time: int
    first_pass_yield: float | None


class DefectRow(BaseModel):
    stage: str
    inspections: int
    failed: int
    defect_rate: float | None


class ReworkRow(BaseModel):
    reworks: int
    orders: int


class FailingCheck(BaseModel):
    check: str
    failures: int
    share: float
    cumulative: float


class InspectorRow(BaseModel):
    inspector: str
    inspections: int
    passed: int
    failed: int


class TimeInQc(BaseModel):
    passes: int
    p50_seconds: float | None
    p90_seconds: float | None


class QualityFigures(BaseModel):
    since: datetime
    until: datetime
    first_pass: list[FirstPassRow]
    defects: list[DefectRow]
    reworks: list[ReworkRow]  # orders shipped in the period, by how many reworks they needed
    failing_checks: list[FailingCheck]  # the Pareto: most frequent first
    time_in_qc: TimeInQc
    inspectors: list[InspectorRow]


async def quality_figures(
    session: AsyncSession, since: datetime, until: datetime
) -> QualityFigures:
    await room_to_sort(session)
    period = {"since": since, "until": until}
    first = (await session.execute(_FIRST_PASS, period)).all()
    stages: dict[str, list[int]] = {}
    for stage, _, units, first_time in first:
        totals = stages.setdefault(stage, [0, 0])
        totals[0] += units
        totals[1] += first_time
    rows = [_first_pass(stage, "all", *totals) for stage, totals in sorted(stages.items())]
    rows += [_first_pass(*row) for row in first]
    passes, p50, p90 = (await session.execute(_TIME_IN_QC, period)).one()
    return QualityFigures(
        since=since,
        until=until,
        first_pass=rows,
        defects=[
            DefectRow(
                stage=stage,
                inspections=n,
                failed=failed,
                defect_rate=analytics.defect_rate(n, failed),
            )
            for stage, n, failed in await session.execute(_DEFECTS, period)
        ],
        reworks=[
            ReworkRow(reworks=r, orders=n) for r, n in await session.execute(_REWORKS, period)
        ],
        failing_checks=[
            FailingCheck(**vars(row))
            for row in analytics.pareto(dict((await session.execute(_FAILED_CHECKS, period)).all()))
        ],
        time_in_qc=TimeInQc(passes=passes, p50_seconds=p50, p90_seconds=p90),
        inspectors=[
            InspectorRow(inspector=who, inspections=n, passed=ok, failed=n - ok)
            for who, n, ok in await session.execute(_INSPECTORS, period)
        ],
    )


def _first_pass(stage: str, sku: str, units: int, first_time: int) -> FirstPassRow:
    return FirstPassRow(
        stage=stage,
        product_sku=sku,
        units=units,
        passed_first_time=first_time,
        first_pass_yield=analytics.first_pass_yield(units, first_time),
    )
