"""The workshop in one call (`/api/health/metrics-summary`): orders by status, work in
progress per stage, what shipped today, the on-time rate of the last 30 days, open and late
purchase orders, low stock, and the conditions the alerts watch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.queries.delivery_analytics import shipped_orders
from api.queries.paging import count
from api.queries.purchase_orders import late_now
from domain import analytics
from domain.purchasing import OPEN_STATUSES
from domain.stages import FINAL_STATUSES
from persistence.tables import Order, OrderStageRecord, PurchaseOrder
from services.floor.calendars import plant_zone
from services.inventory.inventory_reports import low_stock

# The last reading of each zone, out of its range.
_ZONES_OUT = text(
    """
    SELECT count(*) FROM (
        SELECT DISTINCT ON (zone_id) out_of_range FROM zone_readings
        ORDER BY zone_id, recorded_at DESC, id DESC
    ) latest WHERE out_of_range
    """
)


class Shipped(BaseModel):
    orders: int
    units: int


class PurchaseOrders(BaseModel):
    open: int
    late: int


class Alerts(BaseModel):
    orders_at_risk: int  # their stage targets overrun the due date
    overdue_stages: int  # open passes past their target
    late_purchase_orders: int
    zones_out_of_range: int  # by each zone's last reading
    low_stock_items: int

    @property
    def firing(self) -> int:
        """How many of the conditions hold now (as alert rules, each firing or not)."""
        return sum(1 for cases in vars(self).values() if cases)


class MetricsSummary(BaseModel):
    at: datetime
    orders_by_status: dict[str, int]
    wip_by_stage: dict[str, int]  # open orders at each stage
    shipped_today: Shipped  # in the plant's time zone
    on_time_rate_30_days: float | None
    purchase_orders: PurchaseOrders
    low_stock_items: int
    alerts: Alerts
    alerts_firing: int  # how many of the five conditions hold


async def metrics_summary(session: AsyncSession) -> MetricsSummary:
    now = datetime.now(UTC)
    is_open = Order.status.not_in([s.value for s in FINAL_STATUSES])
    by_status = dict(
        (await session.execute(select(Order.status, func.count()).group_by(Order.status))).all()
    )
    wip = dict(
        (
            await session.execute(
                select(Order.stage, func.count()).where(is_open).group_by(Order.stage)
            )
        ).all()
    )
    zone = await plant_zone(session)
    today = func.date(func.timezone(zone, func.now()))
    shipped = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(Order.quantity), 0)).where(
                Order.status == "completed",
                func.date(func.timezone(zone, Order.completed_at)) == today,
            )
        )
    ).one()
    purchase_orders = PurchaseOrders(
        open=await count(
            session,
            select(PurchaseOrder.id).where(
                PurchaseOrder.status.in_([s.value for s in OPEN_STATUSES])
            ),
        ),
        late=await count(session, select(PurchaseOrder.id).where(late_now())),
    )
    low = len(await low_stock(session))
    alerts = Alerts(
        orders_at_risk=await count(session, select(Order.id).where(is_open & Order.at_risk)),
        overdue_stages=await count(
            session,
            select(OrderStageRecord.seq).where(
                OrderStageRecord.completed_at.is_(None),
                OrderStageRecord.status == "active",
                OrderStageRecord.due_at < now,
            ),
        ),
        late_purchase_orders=purchase_orders.late,
        zones_out_of_range=(await session.execute(_ZONES_OUT)).scalar_one(),
        low_stock_items=low,
    )
    month = analytics.delivery(
        (on, due)
        for on, due, _ in await shipped_orders(session, now - timedelta(days=30), now, zone)
    )
    return MetricsSummary(
        at=now,
        orders_by_status=by_status,
        wip_by_stage={stage: n for stage, n in wip.items() if stage is not None},
        shipped_today=Shipped(orders=shipped[0], units=shipped[1]),
        on_time_rate_30_days=month.rate,
        purchase_orders=purchase_orders,
        low_stock_items=low,
        alerts=alerts,
        alerts_firing=alerts.firing,
    )
