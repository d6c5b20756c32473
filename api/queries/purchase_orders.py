"""The purchase orders as the API and the web app read them: lines, the customer orders
waiting on each line, deliveries, the supplier's name and currency, late or not."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.queries.grouping import grouped
from api.queries.paging import count
from domain.purchasing import OPEN_STATUSES, PurchaseOrderStatus, is_late
from persistence.database import SessionFactory
from persistence.search import mentions
from persistence.tables import (
    Bin,
    Item,
    Order,
    PurchaseOrder,
    PurchaseOrderDemand,
    PurchaseOrderLine,
    PurchaseOrderReceipt,
    Supplier,
)
from services.purchasing import purchase_orders


class DemandOut(BaseModel):
    order_id: uuid.UUID
    order_number: str
    waiting_for: int
    allocated: int


class PurchaseOrderLineOut(BaseModel):
    item_id: uuid.UUID
    sku: str
    quantity: int
    received_quantity: int
    unit_price: Decimal
    orders: list[DemandOut] = Field(description="The customer orders this line serves")


class ReceiptOut(BaseModel):
    item_id: uuid.UUID
    sku: str
    quantity: int
    bin_id: uuid.UUID | None
    bin_code: str | None
    reference: str | None = Field(description="The supplier's delivery note, if one was given")
    received_by: str | None
    received_at: datetime


class PurchaseOrderOut(BaseModel):
    id: uuid.UUID
    number: str
    supplier_id: uuid.UUID
    supplier_name: str
    currency: str = Field(description="The supplier's: prices and the total are in it")
    warehouse_id: uuid.UUID
    status: PurchaseOrderStatus
    origin: str
    expected_date: date | None
    is_late: bool = Field(description="Past its expected date and still coming")
    escalated_at: datetime | None
    total: Decimal
    notes: str
    created_by: str | None
    created_at: datetime
    sent_at: datetime | None
    confirmed_at: datetime | None
    received_at: datetime | None
    cancelled_at: datetime | None
    lines: list[PurchaseOrderLineOut]
    receipts: list[ReceiptOut]


async def purchase_order_views(
    session: AsyncSession, pos: list[PurchaseOrder]
) -> list[PurchaseOrderOut]:
    """Purchase orders with their lines, the customer orders waiting on each line, and their
    deliveries: four queries however many."""
    ids = [po.id for po in pos]
    lines = (
        await session.execute(
            select(PurchaseOrderLine, Item.sku)
            .join(Item, Item.id == PurchaseOrderLine.item_id)
            .where(PurchaseOrderLine.purchase_order_id.in_(ids))
            .order_by(Item.sku)
        )
    ).all()
    demands = (
        await session.execute(
            select(PurchaseOrderDemand, Order.number)
            .join(Order, Order.id == PurchaseOrderDemand.order_id)
            .where(PurchaseOrderDemand.line_id.in_([line.id for line, _ in lines]))
            .order_by(Order.number)
        )
    ).all()
    receipts = (
        await session.execute(
            select(PurchaseOrderReceipt, Item.sku, Bin.code)
            .join(Item, Item.id == PurchaseOrderReceipt.item_id)
            .outerjoin(Bin, Bin.id == PurchaseOrderReceipt.bin_id)
            .where(PurchaseOrderReceipt.purchase_order_id.in_(ids))
            .order_by(PurchaseOrderReceipt.received_at)
        )
    ).all()
    suppliers = {
        supplier_id: (name, currency)
        for supplier_id, name, currency in await session.execute(
            select(Supplier.id, Supplier.name, Supplier.currency).where(
                Supplier.id.in_({po.supplier_id for po in pos})
            )
        )
    }
    by_line = grouped(
        (
            demand.line_id,
            DemandOut(
                order_id=demand.order_id,
                order_number=number,
                waiting_for=demand.quantity,
                allocated=demand.allocated,
            ),
        )
        for demand, number in demands
    )
    by_po = grouped(
        (
            line.purchase_order_id,
            PurchaseOrderLineOut(
                item_id=line.item_id,
                sku=sku,
                quantity=line.quantity,
                received_quantity=line.received_quantity,
                unit_price=line.unit_price,
                orders=by_line[line.id],
            ),
        )
        for line, sku in lines
    )
    received = grouped(
        (
            receipt.purchase_order_id,
            ReceiptOut(
                item_id=receipt.item_id,
                sku=sku,
                quantity=receipt.quantity,
                bin_id=receipt.bin_id,
                bin_code=bin_code,
                reference=receipt.reference,
                received_by=receipt.received_by,
                received_at=receipt.received_at,
            ),
        )
        for receipt, sku, bin_code in receipts
    )
    today = datetime.now(UTC).date()
    return [
        PurchaseOrderOut(
            id=po.id,
            number=po.number,
            supplier_id=po.supplier_id,
            supplier_name=suppliers[po.supplier_id][0],
            currency=suppliers[po.supplier_id][1],
            warehouse_id=po.warehouse_id,
            status=PurchaseOrderStatus(po.status),
            origin=po.origin,
            expected_date=po.expected_date,
            is_late=is_late(po.status, po.expected_date, today),
            escalated_at=po.escalated_at,
            total=sum((ln.unit_price * ln.quantity for ln in by_po[po.id]), Decimal(0)).quantize(
                Decimal("0.01")
            ),
            notes=po.notes,
            created_by=po.created_by,
            created_at=po.created_at,
            sent_at=po.sent_at,
            confirmed_at=po.confirmed_at,
            received_at=po.received_at,
            cancelled_at=po.cancelled_at,
            lines=by_po[po.id],
            receipts=received[po.id],
        )
        for po in pos
    ]


async def purchase_order_view(sessions: SessionFactory, po_id: uuid.UUID) -> PurchaseOrderOut:
    """Read after a workflow changed the purchase order: a short read of its own."""
    async with sessions() as session:
        po = await purchase_orders.get_purchase_order(session, po_id)
        return (await purchase_order_views(session, [po]))[0]


@dataclass(frozen=True)
class PurchaseOrderFilter:
    status: PurchaseOrderStatus | None = None
    supplier_id: uuid.UUID | None = None
    item_id: uuid.UUID | None = None  # those with a line of it
    late: bool | None = None  # past their expected date and still coming (or not)
    search: str | None = None  # in the number and the supplier's name


async def purchase_order_page(
    session: AsyncSession, found: PurchaseOrderFilter, limit: int, offset: int
) -> tuple[int, list[PurchaseOrderOut]]:
    """How many purchase orders match, and one page of them, newest first."""
    query = select(PurchaseOrder)
    if found.status:
        query = query.where(PurchaseOrder.status == found.status)
    if found.supplier_id:
        query = query.where(PurchaseOrder.supplier_id == found.supplier_id)
    if found.item_id:
        query = query.where(
            PurchaseOrder.id.in_(
                select(PurchaseOrderLine.purchase_order_id).where(
                    PurchaseOrderLine.item_id == found.item_id
                )
            )
        )
    if found.late is not None:
        overdue = late_now()
        query = query.where(overdue if found.late else ~overdue)
    if found.search:
        query = query.where(
            mentions(found.search, PurchaseOrder.number)
            | PurchaseOrder.supplier_id.in_(
                select(Supplier.id).where(mentions(found.search, Supplier.name))
            )
        )
    total = await count(session, query)
    newest = query.order_by(PurchaseOrder.number.desc()).offset(offset).limit(limit)
    pos = (await session.scalars(newest)).all()
    return total, await purchase_order_views(session, list(pos))


def late_now() -> ColumnElement[bool]:
    """`domain.purchasing.is_late` as SQL, today: past the expected date and still coming."""
    return PurchaseOrder.status.in_([s.value for s in OPEN_STATUSES]) & (
        PurchaseOrder.expected_date < datetime.now(UTC).date()
    )
