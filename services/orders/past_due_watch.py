"""Watching for orders past their due date: each open order is told to the planners once, on
the first scan after its due date has ended in the plant's time zone. Run by the hourly scan."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.settings import Settings
from domain.notifications import order_overdue_notice
from domain.stages import FINAL_STATUSES
from persistence.tables import Order
from services.floor.calendars import plant_zone
from services.notifications.dispatch import Queued, notify

BATCH = 500  # the oldest first; more wait for the next scan


async def watch(session: AsyncSession, settings: Settings) -> Queued:
    today = datetime.now(ZoneInfo(await plant_zone(session))).date()
    overdue = (
        select(Order.id)
        .where(
            Order.due_date < today,
            Order.status.notin_([s.value for s in FINAL_STATUSES]),
            Order.past_due_told_at.is_(None),
        )
        .order_by(Order.due_date, Order.number)
        .limit(BATCH)
        .with_for_update(skip_locked=True)  # two scans at once tell each order once
    )
    told = await session.execute(
        update(Order)
        .where(Order.id.in_(overdue.scalar_subquery()))
        .values(past_due_told_at=func.now())
        .returning(Order.id, Order.number, Order.due_date, Order.stage)
    )
    notices = [
        order_overdue_notice(str(order_id), number, due, stage)
        for order_id, number, due, stage in sorted(told, key=lambda row: (row[2], row[1]))
    ]
    return await notify(session, settings, *notices)
