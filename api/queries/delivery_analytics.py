"""Delivery over a period: customer orders shipped on time (by the week they shipped in and by
priority), how late the late ones were, the open orders at risk, and each supplier's on-time
rate and lead-time accuracy (the per-supplier figures of purchasing, over the same period)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import analytics
from domain.stages import FINAL_STATUSES, OrderStatus
from persistence.tables import Order, Supplier
from services.floor.calendars import plant_zone
from services.purchasing.purchase_orders import performance


class DeliveryRow(BaseModel):
    group: str  # the week's Monday, or the priority
    shipped: int
    on_time: int
    on_time_rate: float | None
    average_days_late: float | None


class AtRisk(BaseModel):
    order_id: uuid.UUID
    number: str
    customer: str
    priority: str
    stage: str | None
    due_date: date


class SupplierRow(BaseModel):
    supplier_id: uuid.UUID
    name: str
    lines: int
    on_time_rate: float | None
    average_lead_time_days: float | None
    average_days_past_promise: float | None


class DeliveryFigures(BaseModel):
    since: datetime
    until: datetime
    zone: str  # the plant's: the day an order shipped on is counted in it
    total: DeliveryRow
    by_week: list[DeliveryRow]
    by_priority: list[DeliveryRow]
    at_risk: list[AtRisk]  # open orders whose stage targets overrun their due date, now
    suppliers: list[SupplierRow]  # by the purchase orders sent in the period


async def delivery_figures(
    session: AsyncSession, since: datetime, until: datetime
) -> DeliveryFigures:
    zone = await plant_zone(session)
    shipped = await shipped_orders(session, since, until, zone)
    weeks: dict[str, list[tuple[date, date]]] = defaultdict(list)
    priorities: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for on, due, priority in shipped:
        weeks[(on - timedelta(days=on.weekday())).isoformat()].append((on, due))
        priorities[priority].append((on, due))
    return DeliveryFigures(
        since=since,
        until=until,
        zone=zone,
        total=_row("all", ((on, due) for on, due, _ in shipped)),
        by_week=[_row(week, pairs) for week, pairs in sorted(weeks.items())],
        by_priority=[_row(p, pairs) for p, pairs in sorted(priorities.items())],
        at_risk=await _at_risk(session),
        suppliers=await _suppliers(session, since, until),
    )


async def shipped_orders(
    session: AsyncSession, since: datetime, until: datetime, zone: str
) -> list[tuple[date, date, str]]:
    """(shipped on, due on, priority) of the orders completed in the period; the day in `zone`."""
    shipped_on = func.date(func.timezone(zone, Order.completed_at))
    rows = await session.execute(
        select(shipped_on, Order.due_date, Order.priority).where(
            Order.status == OrderStatus.COMPLETED.value,
            Order.completed_at >= since,
            Order.completed_at < until,
        )
    )
    return [(on, due, priority) for on, due, priority in rows]


def _row(group: str, pairs: Iterable[tuple[date, date]]) -> DeliveryRow:
    figures = analytics.delivery(pairs)
    return DeliveryRow(
        group=group,
        shipped=figures.shipped,
        on_time=figures.on_time,
        on_time_rate=figures.rate,
        average_days_late=figures.average_days_late,
    )


async def _at_risk(session: AsyncSession) -> list[AtRisk]:
    rows = await session.scalars(
        select(Order)
        .where(Order.at_risk, Order.status.not_in([s.value for s in FINAL_STATUSES]))
        .order_by(Order.due_date, Order.number)
    )
    return [
        AtRisk(
            order_id=o.id,
            number=o.number,
            customer=o.customer,
            priority=o.priority,
            stage=o.stage,
            due_date=o.due_date,
        )
        for o in rows
    ]


async def _suppliers(session: AsyncSession, since: datetime, until: datetime) -> list[SupplierRow]:
    rows = []
    for supplier in await session.scalars(select(Supplier).order_by(Supplier.name)):
        found = await performance(session, supplier.id, until.date(), since, until)
        if found.lines:
            rows.append(SupplierRow(supplier_id=supplier.id, name=supplier.name, **vars(found)))
    return rows
