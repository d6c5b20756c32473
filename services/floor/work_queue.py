"""What the floor sees: the work waiting at a stage, and a finished unit's story."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import NotFound
from domain.stages import FINAL_STATUSES, Stage
from domain.stock import Priority
from persistence.tables import (
    Bin,
    Item,
    Order,
    OrderEscalation,
    OrderStageRecord,
    Product,
    StockMovement,
    Unit,
)

_RANK = case({p.value: p.rank for p in Priority}, value=Order.priority, else_=0)


@dataclass(frozen=True)
class QueueEntry:
    order: Order
    product_sku: str
    entry: OrderStageRecord | None
    serials: list[str]


async def queue(
    session: AsyncSession, stage: Stage, *, include_held: bool = False
) -> list[QueueEntry]:
    """Orders at `stage`: the most urgent first, then the earliest due, then the longest waiting.
    Held orders are left out unless asked for (nobody may start them)."""
    query = (
        select(Order, Item.sku, OrderStageRecord)
        .join(Product, Product.id == Order.product_id)
        .join(Item, Item.id == Product.item_id)
        .outerjoin(  # the workflow writes the stage's entry a moment after the order is taken
            OrderStageRecord,
            (OrderStageRecord.order_id == Order.id)
            & (OrderStageRecord.stage == stage.value)
            & OrderStageRecord.completed_at.is_(None),
        )
        .where(Order.stage == stage.value, Order.status.not_in(list(FINAL_STATUSES)))
        .order_by(
            _RANK.desc(),
            Order.due_date,
            func.coalesce(OrderStageRecord.started_at, Order.created_at),
            Order.number,
        )
        .execution_options(populate_existing=True)
    )
    if not include_held:
        query = query.where(Order.on_hold.is_(False))
    rows = (await session.execute(query)).all()
    serials: dict[uuid.UUID, list[str]] = defaultdict(list)
    for unit in await session.scalars(
        select(Unit).where(Unit.order_id.in_([o.id for o, _, _ in rows])).order_by(Unit.position)
    ):
        serials[unit.order_id].append(unit.serial)
    return [QueueEntry(order, sku, entry, serials[order.id]) for order, sku, entry in rows]


@dataclass(frozen=True)
class Consumed:
    sku: str
    name: str
    quantity: int  # for the whole order
    bin_code: str
    at: datetime


@dataclass(frozen=True)
class UnitStory:
    unit: Unit
    order: Order
    product_sku: str
    stages: list[OrderStageRecord]
    consumed: list[Consumed]
    escalations: list[OrderEscalation]


async def unit_story(session: AsyncSession, serial: str) -> UnitStory:
    unit = await session.get(Unit, serial)
    if unit is None:
        raise NotFound(f"no unit has serial number {serial!r}", serial=serial)
    order = await session.get(Order, unit.order_id)
    assert order is not None
    sku = await session.scalar(
        select(Item.sku)
        .join(Product, Product.item_id == Item.id)
        .where(Product.id == order.product_id)
    )
    stages = await session.scalars(
        select(OrderStageRecord)
        .where(OrderStageRecord.order_id == order.id)
        .order_by(OrderStageRecord.seq)
    )
    consumed = [
        Consumed(item_sku, name, -movement.delta, bin_code, movement.created_at)
        for movement, item_sku, name, bin_code in await session.execute(
            select(StockMovement, Item.sku, Item.name, Bin.code)
            .join(Item, Item.id == StockMovement.item_id)
            .join(Bin, Bin.id == StockMovement.bin_id)
            .where(
                StockMovement.order_id == order.id,
                StockMovement.idempotency_key.like(f"{order.id}:consume:%"),
            )
            .order_by(Item.sku, StockMovement.id)
        )
    ]
    escalations = await session.scalars(
        select(OrderEscalation)
        .where(OrderEscalation.order_id == order.id)
        .order_by(OrderEscalation.seq)
    )
    return UnitStory(unit, order, sku or "", list(stages), consumed, list(escalations))
