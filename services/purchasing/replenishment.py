"""What should be bought now: the orders' needs no purchase order covers yet, and the items
below their reorder point. The reorder scan buys the latter; the suggestions show both."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.purchasing import OPEN_STATUSES, PurchasePlan
from domain.stages import Stage
from domain.stock import ReservationStatus
from persistence.tables import (
    Item,
    Order,
    OrderRequirement,
    PurchaseOrder,
    PurchaseOrderDemand,
    PurchaseOrderLine,
    Reservation,
    StockLevel,
)
from services.purchasing.procurement import place, plan

OPEN = [s.value for s in OPEN_STATUSES]


async def uncovered_order_needs(session: AsyncSession) -> dict[uuid.UUID, int]:
    """Per item: what orders waiting in procurement still need, beyond what they hold and
    what open purchase orders bring them."""
    waiting = select(Order.id).where(Order.stage == Stage.PROCUREMENT).scalar_subquery()
    needed: dict[uuid.UUID, int] = defaultdict(int)
    for item, quantity in await session.execute(
        select(OrderRequirement.item_id, func.sum(OrderRequirement.quantity))
        .where(OrderRequirement.order_id.in_(waiting))
        .group_by(OrderRequirement.item_id)
    ):
        needed[item] += int(quantity)
    for item, quantity in await session.execute(
        select(Reservation.item_id, func.sum(Reservation.quantity))
        .where(Reservation.order_id.in_(waiting), Reservation.status != ReservationStatus.RELEASED)
        .group_by(Reservation.item_id)
    ):
        needed[item] -= int(quantity)
    for item, quantity in await session.execute(
        select(PurchaseOrderLine.item_id, func.sum(PurchaseOrderDemand.quantity))
        .join(PurchaseOrderDemand, PurchaseOrderDemand.line_id == PurchaseOrderLine.id)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(PurchaseOrderDemand.order_id.in_(waiting), PurchaseOrder.status.in_(OPEN))
        .group_by(PurchaseOrderLine.item_id)
    ):
        needed[item] -= int(quantity)
    return {item: q for item, q in needed.items() if q > 0}


@dataclass(frozen=True)
class Projection:
    item_id: uuid.UUID
    available: int  # on hand - quarantined - reserved, all warehouses
    incoming: int  # on open purchase orders and not promised to an order
    promised: int  # needed by waiting orders and not covered yet
    reorder_point: int
    target: int  # max stock level, else the reorder point

    @property
    def projected(self) -> int:
        return self.available + self.incoming - self.promised

    @property
    def need(self) -> int:
        return self.target - self.projected if self.projected < self.reorder_point else 0


async def reorder_needs(
    session: AsyncSession, promised: Mapping[uuid.UUID, int] | None = None
) -> dict[uuid.UUID, int]:
    """Items whose projected stock is below their reorder point, and how many to buy to bring
    it back to their maximum level (or to the reorder point when no maximum is set).
    `promised`: what waiting orders still need (`uncovered_order_needs`), when already known."""
    items = (
        await session.execute(
            select(Item.id, Item.reorder_point, Item.max_stock_level).where(
                Item.is_active.is_(True), Item.reorder_point.is_not(None)
            )
        )
    ).all()
    ids = [i for i, *_ in items]
    available = dict(
        (
            await session.execute(
                select(StockLevel.item_id, func.sum(StockLevel.available))
                .where(StockLevel.item_id.in_(ids))
                .group_by(StockLevel.item_id)
            )
        ).all()
    )
    claimed = (
        select(func.coalesce(func.sum(PurchaseOrderDemand.quantity), 0))
        .where(PurchaseOrderDemand.line_id == PurchaseOrderLine.id)
        .scalar_subquery()
    )
    free = PurchaseOrderLine.quantity - PurchaseOrderLine.received_quantity - claimed
    incoming = dict(
        (
            await session.execute(
                select(
                    PurchaseOrderLine.item_id,
                    func.sum(func.greatest(free, 0)),
                )
                .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
                .where(PurchaseOrderLine.item_id.in_(ids), PurchaseOrder.status.in_(OPEN))
                .group_by(PurchaseOrderLine.item_id)
            )
        ).all()
    )
    if promised is None:
        promised = await uncovered_order_needs(session)
    needs: dict[uuid.UUID, int] = {}
    for item, point, maximum in items:
        assert point is not None  # selected for having one
        projection = Projection(
            item_id=item,
            available=int(available.get(item) or 0),
            incoming=int(incoming.get(item) or 0),
            promised=promised.get(item, 0),
            reorder_point=point,
            target=maximum if maximum is not None else point,
        )
        if projection.need > 0:
            needs[item] = projection.need
    return needs


async def suggestions(session: AsyncSession, today: date) -> PurchasePlan[uuid.UUID, uuid.UUID]:
    """What would be bought now, for waiting orders and for stock, nothing written."""
    needs: dict[uuid.UUID, int] = defaultdict(int)
    promised = await uncovered_order_needs(session)
    for source in (promised, await reorder_needs(session, promised)):
        for item, quantity in source.items():
            needs[item] += quantity
    return await plan(session, needs, today)


@dataclass(frozen=True)
class ReorderResult:
    purchase_orders: list[str]
    plan: PurchasePlan[uuid.UUID, uuid.UUID]


async def reorder_scan(
    session: AsyncSession, warehouse_id: uuid.UUID, today: date
) -> ReorderResult:
    """Raise (or grow) drafts for the items below their reorder point, into `warehouse_id`.
    Running it again changes nothing: what it ordered counts as incoming."""
    planned = await plan(session, await reorder_needs(session), today)
    numbers = await place(session, planned.suggestions, warehouse_id)
    return ReorderResult(sorted(numbers), planned)
