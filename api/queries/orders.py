"""How the API shows orders: the projection row plus its stages, reservations and purchase
orders, loaded for a whole page in a fixed number of queries."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Select, case, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.queries.grouping import grouped
from api.queries.paging import count
from domain.errors import NotFound
from domain.stages import FINAL_STATUSES, OrderStatus, Stage
from domain.stock import Priority, ReservationStatus
from persistence.database import SessionFactory
from persistence.search import mentions
from persistence.tables import (
    Item,
    Order,
    OrderEscalation,
    OrderRequirement,
    OrderStageRecord,
    Product,
    PurchaseOrder,
    PurchaseOrderDemand,
    PurchaseOrderLine,
    Reservation,
    Unit,
)


class StageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    seq: int
    stage: Stage
    status: str
    started_at: datetime | None
    completed_at: datetime | None
    worker: str | None
    completed_by: str | None
    notes: str | None
    passed: bool | None
    work_started_at: datetime | None = None
    started_by: str | None = None  # the worker who started it
    equipment: str | None = None
    due_at: datetime | None = None  # when it should be done (its target)
    escalated_at: datetime | None = None  # when it ran past its target
    rework_from: Stage | None = None  # a rework pass: the inspection stage that failed
    rework_inspection: int | None = None
    rework_items: list[str] = []  # what rework must put right
    queue_seconds: float | None = None  # entered -> work started (or completed)
    work_seconds: float | None = None  # work started -> completed

    @classmethod
    def of(cls, record: OrderStageRecord) -> StageOut:
        out = cls.model_validate(record)
        begun = record.work_started_at or record.completed_at
        if record.started_at and begun:
            out.queue_seconds = (begun - record.started_at).total_seconds()
        if record.work_started_at and record.completed_at:
            out.work_seconds = (record.completed_at - record.work_started_at).total_seconds()
        return out


class EscalationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    seq: int
    kind: str
    stage: Stage | None
    detail: str
    raised_at: datetime


class OrderReservationOut(BaseModel):
    id: uuid.UUID
    item_id: uuid.UUID
    sku: str
    quantity: int
    status: str


class OrderLineNeed(BaseModel):
    item_id: uuid.UUID
    sku: str
    quantity: int


class OrderPurchaseOut(BaseModel):
    id: uuid.UUID
    number: str
    status: str
    expected_date: date | None
    item_id: uuid.UUID
    sku: str
    waiting_for: int
    allocated: int


class OrderOut(BaseModel):
    id: uuid.UUID
    number: str
    workflow_id: str
    product_id: uuid.UUID
    product_sku: str
    quantity: int
    customer: str
    priority: Priority
    due_date: date
    warehouse_id: uuid.UUID
    status: OrderStatus
    stage: Stage | None
    rework_count: int
    waiting_for_stock: bool
    on_hold: bool
    hold_reason: str | None
    at_risk: bool
    cancel_reason: str | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    requirements: list[OrderLineNeed]
    shortages: list[OrderLineNeed]
    stages: list[StageOut]
    escalations: list[EscalationOut]
    serial_numbers: list[str]
    reservations: list[OrderReservationOut]
    purchase_orders: list[OrderPurchaseOut]


OrdersQuery = Select[Order, str]


def orders_query() -> OrdersQuery:
    return (
        select(Order, Item.sku)
        .join(Product, Product.id == Order.product_id)
        .join(Item, Item.id == Product.item_id)
        .execution_options(populate_existing=True)
    )


async def load_order(session: AsyncSession, order_id: uuid.UUID) -> OrderOut:
    found = await load_orders(session, orders_query().where(Order.id == order_id))
    if not found:
        raise NotFound(f"order {order_id} does not exist", order_id=str(order_id))
    return found[0]


async def load_order_by_reference(session: AsyncSession, reference: str) -> OrderOut:
    """An order by its id or its number (what people see and type)."""
    try:
        where = Order.id == uuid.UUID(reference)
    except ValueError:
        where = Order.number == reference.strip().upper()
    found = await load_orders(session, orders_query().where(where))
    if not found:
        raise NotFound(f"order {reference} does not exist", order=reference)
    return found[0]


async def load_orders(session: AsyncSession, query: OrdersQuery) -> list[OrderOut]:
    rows = (await session.execute(query)).all()
    ids = [order.id for order, _ in rows]
    if not ids:
        return []

    stages = grouped(
        (record.order_id, StageOut.of(record))
        for record in await session.scalars(
            select(OrderStageRecord)
            .where(OrderStageRecord.order_id.in_(ids))
            .order_by(OrderStageRecord.seq)
        )
    )
    escalations = grouped(
        (escalation.order_id, EscalationOut.model_validate(escalation))
        for escalation in await session.scalars(
            select(OrderEscalation)
            .where(OrderEscalation.order_id.in_(ids))
            .order_by(OrderEscalation.seq)
        )
    )
    serials = grouped(
        (unit.order_id, unit.serial)
        for unit in await session.scalars(
            select(Unit).where(Unit.order_id.in_(ids)).order_by(Unit.position)
        )
    )
    reserved = (
        await session.execute(
            select(Reservation, Item.sku)
            .join(Item, Item.id == Reservation.item_id)
            .where(Reservation.order_id.in_(ids))
            .order_by(Item.sku)
        )
    ).all()
    reservations = grouped(
        (
            r.order_id,
            OrderReservationOut(
                id=r.id, item_id=r.item_id, sku=sku, quantity=r.quantity, status=r.status
            ),
        )
        for r, sku in reserved
    )
    held: dict[tuple[uuid.UUID | None, uuid.UUID], int] = defaultdict(int)
    for r, _ in reserved:
        if r.status != ReservationStatus.RELEASED:
            held[r.order_id, r.item_id] += r.quantity
    requirements = grouped(
        (
            requirement.order_id,
            OrderLineNeed(item_id=requirement.item_id, sku=sku, quantity=requirement.quantity),
        )
        for requirement, sku in await session.execute(
            select(OrderRequirement, Item.sku)
            .join(Item, Item.id == OrderRequirement.item_id)
            .where(OrderRequirement.order_id.in_(ids))
            .order_by(Item.sku)
        )
    )
    purchases = grouped(
        (
            demand.order_id,
            OrderPurchaseOut(
                id=po.id,
                number=po.number,
                status=po.status,
                expected_date=po.expected_date,
                item_id=item_id,
                sku=sku,
                waiting_for=demand.quantity,
                allocated=demand.allocated,
            ),
        )
        for demand, po, item_id, sku in await session.execute(
            select(PurchaseOrderDemand, PurchaseOrder, PurchaseOrderLine.item_id, Item.sku)
            .join(PurchaseOrderLine, PurchaseOrderLine.id == PurchaseOrderDemand.line_id)
            .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
            .join(Item, Item.id == PurchaseOrderLine.item_id)
            .where(PurchaseOrderDemand.order_id.in_(ids))
            .order_by(PurchaseOrder.number, Item.sku)
        )
    )

    def shortages(order: Order) -> list[OrderLineNeed]:
        if order.stage != Stage.PROCUREMENT:
            return []
        return [
            need.model_copy(update={"quantity": need.quantity - held[order.id, need.item_id]})
            for need in requirements[order.id]
            if need.quantity > held[order.id, need.item_id]
        ]

    return [
        OrderOut(
            id=order.id,
            number=order.number,
            workflow_id=order.workflow_id,
            product_id=order.product_id,
            product_sku=product_sku,
            quantity=order.quantity,
            customer=order.customer,
            priority=Priority(order.priority),
            due_date=order.due_date,
            warehouse_id=order.warehouse_id,
            status=OrderStatus(order.status),
            stage=Stage(order.stage) if order.stage else None,
            rework_count=order.rework_count,
            waiting_for_stock=order.waiting_for_stock,
            on_hold=order.on_hold,
            hold_reason=order.hold_reason,
            at_risk=order.at_risk,
            cancel_reason=order.cancel_reason,
            created_at=order.created_at,
            updated_at=order.updated_at,
            completed_at=order.completed_at,
            requirements=requirements[order.id],
            shortages=shortages(order),
            stages=stages[order.id],
            escalations=escalations[order.id],
            serial_numbers=serials[order.id],
            reservations=reservations[order.id],
            purchase_orders=purchases[order.id],
        )
        for order, product_sku in rows
    ]


class OrderSort(StrEnum):
    CREATED = "created_at"
    DUE = "due_date"
    NUMBER = "number"
    PRIORITY = "priority"
    CUSTOMER = "customer"


# Most urgent first when ascending, as queues read.
_PRIORITY_RANK = case({p.value: -p.rank for p in Priority}, value=Order.priority)


@dataclass(frozen=True)
class OrderFilter:
    status: OrderStatus | None = None
    stage: Stage | None = None
    priority: Priority | None = None
    search: str | None = None  # in the number, the customer and the product's SKU
    product_sku: str | None = None
    open_only: bool = False
    due_before: date | None = None


async def order_page(
    session: AsyncSession,
    found: OrderFilter,
    sort: OrderSort,
    descending: bool,
    limit: int,
    offset: int,
) -> tuple[int, list[OrderOut]]:
    """How many orders match, and one page of them."""
    query = orders_query()
    if found.status:
        query = query.where(Order.status == found.status)
    if found.stage:
        query = query.where(Order.stage == found.stage)
    if found.priority:
        query = query.where(Order.priority == found.priority)
    if found.search:
        query = query.where(mentions(found.search, Order.number, Order.customer, Item.sku))
    if found.product_sku:
        query = query.where(Item.sku == found.product_sku)
    if found.open_only:
        query = query.where(Order.status.not_in([s.value for s in FINAL_STATUSES]))
    if found.due_before:
        query = query.where(Order.due_date <= found.due_before)
    total = await count(session, query)
    column = {
        OrderSort.CREATED: Order.created_at,
        OrderSort.DUE: Order.due_date,
        OrderSort.NUMBER: Order.number,
        OrderSort.PRIORITY: _PRIORITY_RANK,
        OrderSort.CUSTOMER: Order.customer,
    }[sort]
    ordered = query.order_by(column.desc() if descending else column.asc(), Order.number)
    return total, await load_orders(session, ordered.offset(offset).limit(limit))


async def order_now(sessions: SessionFactory, order_id: uuid.UUID) -> OrderOut:
    """Read after a workflow changed the order: a short read of its own."""
    async with sessions() as session:
        return await load_order(session, order_id)
