"""The figures the workshop decides by, over a period (`since` to `until`, the last 30 days
unless asked), each table also as CSV. Anyone signed in may read them."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AwareDatetime, BaseModel, BeforeValidator
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.access import requires
from api.csv_files import table_csv
from api.deps import SessionDep
from api.queries import delivery_analytics as delivery
from api.queries import inventory_analytics as inventory
from api.queries import production_analytics as production
from api.queries import quality_analytics as quality
from domain import analytics
from domain.access import Action
from domain.errors import InvalidInput
from services.floor.calendars import plant_zone

router = APIRouter(dependencies=[requires(Action.READ)])
DEFAULT_PERIOD = timedelta(days=30)
LONGEST_PERIOD = timedelta(days=3 * 366)


@dataclass(frozen=True)
class Period:
    since: datetime
    until: datetime

    @property
    def stamp(self) -> str:
        return f"{self.since:%Y%m%d}-{self.until:%Y%m%d}"


def _a_day(value: object) -> object:
    """Only a day as it is written ("2026-12-01"): a time without a zone is not a day."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a day is written YYYY-MM-DD; an instant needs its zone")
    return value


Day = Annotated[date, BeforeValidator(_a_day)]


async def _period(
    session: SessionDep,
    since: Annotated[
        AwareDatetime | Day | None,
        Query(
            description="An instant with its zone, or a day (from its start in the plant's "
            "zone). Default: 30 days before `until`"
        ),
    ] = None,
    until: Annotated[
        AwareDatetime | Day | None,
        Query(
            description="An instant, or a day (to its end in the plant's zone). Default (and "
            "at most): now"
        ),
    ] = None,
) -> Period:
    now = datetime.now(UTC)
    days = [v for v in (since, until) if v is not None and not isinstance(v, datetime)]
    zone: tzinfo = ZoneInfo(await plant_zone(session)) if days else UTC
    end = min(_instant(until, zone, end_of_day=True) or now, now)
    start = _instant(since, zone) or end - DEFAULT_PERIOD
    if start >= end:
        raise InvalidInput(
            "the period must start before it ends (and before now)",
            field="since",
            location="query",
        )
    if end - start > LONGEST_PERIOD:
        raise InvalidInput(
            f"ask for {LONGEST_PERIOD.days} days at most", field="since", location="query"
        )
    return Period(start, end)


def _instant(value: date | None, zone: tzinfo, *, end_of_day: bool = False) -> datetime | None:
    """An instant as it is; a day as its start (or its end) in the plant's zone."""
    if value is None or isinstance(value, datetime):
        return value
    if end_of_day and value >= date.max:  # no day after the last: up to now
        return None
    return datetime.combine(value + timedelta(days=1 if end_of_day else 0), time(), zone)


async def _classes(
    abc_a: Annotated[float, Query(gt=0, lt=1, description="A: the top share of value")] = 0.80,
    abc_b: Annotated[float, Query(gt=0, le=1, description="B: up to this share")] = 0.95,
    xyz_x: Annotated[float, Query(gt=0, description="X: weekly variation below")] = 0.5,
    xyz_y: Annotated[float, Query(gt=0, description="Y: below; Z from it")] = 1.0,
) -> inventory.Classes:
    return inventory.Classes(
        analytics.AbcThresholds(abc_a, abc_b), analytics.XyzThresholds(xyz_x, xyz_y)
    )


PeriodDep = Annotated[Period, Depends(_period)]
ClassesDep = Annotated[inventory.Classes, Depends(_classes)]


# --- inventory ---------------------------------------------------------------------------


@router.get("/inventory")
async def inventory_figures(
    session: SessionDep, period: PeriodDep, classes: ClassesDep
) -> inventory.InventoryFigures:
    """Per item: units consumed (issued) and their value, the average held (weighted by how
    long each balance stood), turnover (consumption value ÷ average inventory value), days of
    supply, the ABC class by consumption value and the XYZ class by the variation of weekly
    consumption; per category; and how many items fall in each ABC-XYZ cell. Values are at the
    item's unit cost, else its cheapest supplier price."""
    return await inventory.inventory_figures(session, period.since, period.until, classes)


@router.get("/inventory/items.csv", response_class=Response)
async def inventory_items_csv(
    session: SessionDep, period: PeriodDep, classes: ClassesDep
) -> Response:
    figures = await inventory.inventory_figures(session, period.since, period.until, classes)
    return table_csv(f"inventory-items-{period.stamp}.csv", figures.items, inventory.ItemFigures)


@router.get("/inventory/categories.csv", response_class=Response)
async def inventory_categories_csv(
    session: SessionDep, period: PeriodDep, classes: ClassesDep
) -> Response:
    figures = await inventory.inventory_figures(session, period.since, period.until, classes)
    return table_csv(
        f"inventory-categories-{period.stamp}.csv", figures.categories, inventory.CategoryFigures
    )


@router.get("/inventory/dead-stock")
async def dead_stock(
    session: SessionDep,
    days: Annotated[int, Query(ge=1, le=3650, description="Unmoved for at least")] = 90,
) -> list[inventory.DeadStock]:
    """Items held that have not moved for `days` days, the largest value first."""
    return await inventory.dead_stock(session, datetime.now(UTC) - timedelta(days=days))


@router.get("/inventory/dead-stock.csv", response_class=Response)
async def dead_stock_csv(
    session: SessionDep, days: Annotated[int, Query(ge=1, le=3650)] = 90
) -> Response:
    found = await inventory.dead_stock(session, datetime.now(UTC) - timedelta(days=days))
    return table_csv(f"inventory-dead-stock-{days}d.csv", found, inventory.DeadStock)


# --- tables of a figure as CSV -----------------------------------------------------------

Fetch = Callable[[AsyncSession, datetime, datetime], Awaitable[BaseModel]]


def _csv_tables(path: str, fetch: Fetch, tables: dict[str, type[BaseModel]]) -> None:
    """`GET {path}/{table}.csv` for each table (a list field of what `fetch` answers)."""
    for field, model in tables.items():
        router.add_api_route(
            f"{path}/{field.replace('_', '-')}.csv",
            _csv_export(path.strip("/"), fetch, field, model),
            methods=["GET"],
            response_class=Response,
            summary=f"{path.strip('/').title()}: {field.replace('_', ' ')} as CSV",
        )


def _csv_export(
    name: str, fetch: Fetch, field: str, model: type[BaseModel]
) -> Callable[[AsyncSession, Period], Awaitable[Response]]:
    async def export(session: SessionDep, period: PeriodDep) -> Response:
        figures = await fetch(session, period.since, period.until)
        named = f"{name}-{field.replace('_', '-')}-{period.stamp}.csv"  # as in its URL
        return table_csv(named, getattr(figures, field), model)

    return export


# --- delivery ----------------------------------------------------------------------------


@router.get("/delivery")
async def delivery_figures(session: SessionDep, period: PeriodDep) -> delivery.DeliveryFigures:
    """Customer orders shipped in the period: on time (on or before the due date, in the
    plant's time zone) in all, by week and by priority, and how late the late ones were on
    average; the open orders at risk now; and each supplier's on-time rate, average lead time
    and lead-time accuracy over the purchase orders sent in the period."""
    return await delivery.delivery_figures(session, period.since, period.until)


_csv_tables(
    "/delivery",
    delivery.delivery_figures,
    {
        "by_week": delivery.DeliveryRow,
        "by_priority": delivery.DeliveryRow,
        "at_risk": delivery.AtRisk,
        "suppliers": delivery.SupplierRow,
    },
)


# --- quality -----------------------------------------------------------------------------


@router.get("/quality")
async def quality_figures(session: SessionDep, period: PeriodDep) -> quality.QualityFigures:
    """Inspections completed in the period: first-pass yield per stage and product (an
    order's units pass first time when its first inspection at the stage passed), the defect
    rate (failed of all inspections), the reworks of the orders shipped, the checks that fail
    most with their share (a Pareto), time in QC (entering QC to passing it, p50 and p90), and
    each inspector's inspections."""
    return await quality.quality_figures(session, period.since, period.until)


_csv_tables(
    "/quality",
    quality.quality_figures,
    {
        "first_pass": quality.FirstPassRow,
        "defects": quality.DefectRow,
        "reworks": quality.ReworkRow,
        "failing_checks": quality.FailingCheck,
        "inspectors": quality.InspectorRow,
    },
)


# --- production --------------------------------------------------------------------------


@router.get("/production")
async def production_figures(
    session: SessionDep, period: PeriodDep
) -> production.ProductionFigures:
    """Orders shipped per day; open orders per stage now; per stage the lead, queue and work
    time of the passes that ended in the period (p50 and p90) and the bottleneck (the longest
    median queue); OEE per piece of equipment, per station and overall — availability (run
    time ÷ planned time from its calendar, closures taken out), performance (the targets of
    the units worked ÷ run time) and quality (units right the first time ÷ units) — and each
    worker's utilisation (work time ÷ planned time)."""
    return await production.production_figures(session, period.since, period.until)


_csv_tables(
    "/production",
    production.production_figures,
    {
        "throughput": production.DayRow,
        "wip": production.WipRow,
        "stages": production.StageTimes,
        "equipment": production.OeeRow,
        "stations": production.OeeRow,
        "workers": production.WorkerRow,
    },
)
