"""How the API shows orders: the projection row plus its stages, reservations and purchase
orders, loaded for a whole page in a fixed number of queries."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import NotFound
from domain.stages import OrderStatus, Stage
from domain.stock import Priority, ReservationStatus
from persistence.tables import (
    Item,
    Order,
    OrderRequirement,
    OrderStageRecord,
    Product,
    PurchaseOrder,
    PurchaseOrderDemand,
    PurchaseOrderLine,
    Reservation,
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
    cancel_reason: str | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    requirements: list[OrderLineNeed]
    shortages: list[OrderLineNeed]
    stages: list[StageOut]
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


async def load_orders(session: AsyncSession, query: OrdersQuery) -> list[OrderOut]:
    rows = (await session.execute(query)).all()
    ids = [order.id for order, _ in rows]
    if not ids:
        return []

    stages: dict[uuid.UUID, list[StageOut]] = defaultdict(list)
    for record in await session.scalars(
        select(OrderStageRecord)
        .where(OrderStageRecord.order_id.in_(ids))
        .order_by(OrderStageRecord.seq)
    ):
        stages[record.order_id].append(StageOut.model_validate(record))

    reservations: dict[uuid.UUID, list[OrderReservationOut]] = defaultdict(list)
    held: dict[tuple[uuid.UUID, uuid.UUID], int] = defaultdict(int)
    for reservation, sku in await session.execute(
        select(Reservation, Item.sku)
        .join(Item, Item.id == Reservation.item_id)
        .where(Reservation.order_id.in_(ids))
        .order_by(Item.sku)
    ):
        assert reservation.order_id is not None
        reservations[reservation.order_id].append(
            OrderReservationOut(
                id=reservation.id,
                item_id=reservation.item_id,
                sku=sku,
                quantity=reservation.quantity,
                status=reservation.status,
            )
        )
        if reservation.status != ReservationStatus.RELEASED:
            held[reservation.order_id, reservation.item_id] += reservation.quantity

    requirements: dict[uuid.UUID, list[OrderLineNeed]] = defaultdict(list)
    for requirement, sku in await session.execute(
        select(OrderRequirement, Item.sku)
        .join(Item, Item.id == OrderRequirement.item_id)
        .where(OrderRequirement.order_id.in_(ids))
        .order_by(Item.sku)
    ):
        requirements[requirement.order_id].append(
            OrderLineNeed(item_id=requirement.item_id, sku=sku, quantity=requirement.quantity)
        )

    purchases: dict[uuid.UUID, list[OrderPurchaseOut]] = defaultdict(list)
    for demand, po, item_id, sku in await session.execute(
        select(PurchaseOrderDemand, PurchaseOrder, PurchaseOrderLine.item_id, Item.sku)
        .join(PurchaseOrderLine, PurchaseOrderLine.id == PurchaseOrderDemand.line_id)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .join(Item, Item.id == PurchaseOrderLine.item_id)
        .where(PurchaseOrderDemand.order_id.in_(ids))
        .order_by(PurchaseOrder.number, Item.sku)
    ):
        purchases[demand.order_id].append(
            OrderPurchaseOut(
                id=po.id,
                number=po.number,
                status=po.status,
                expected_date=po.expected_date,
                item_id=item_id,
                sku=sku,
                waiting_for=demand.quantity,
                allocated=demand.allocated,
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
            cancel_reason=order.cancel_reason,
            created_at=order.created_at,
            updated_at=order.updated_at,
            completed_at=order.completed_at,
            requirements=requirements[order.id],
            shortages=shortages(order),
            stages=stages[order.id],
            reservations=reservations[order.id],
            purchase_orders=purchases[order.id],
        )
        for order, product_sku in rows
    ]
