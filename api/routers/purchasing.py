"""Purchasing: suppliers, what they offer, and purchase orders from draft to goods receipt."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

import structlog
from fastapi import APIRouter, BackgroundTasks
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from api.auth.access import Principal, requires
from api.deps import Services, ServicesDep, SessionDep
from api.workflow_calls import signal_quietly
from domain.access import Action
from domain.purchasing import PurchaseOrderStatus
from persistence import goods_receipt, purchase_orders
from persistence.catalogue import create_supplier_item, get_or_404, insert_unique
from persistence.tables import (
    Item,
    Order,
    PurchaseOrder,
    PurchaseOrderDemand,
    PurchaseOrderLine,
    Supplier,
    SupplierItem,
)
from workflows.order_workflow import OrderWorkflow

router = APIRouter()
READ = requires(Action.READ)
Buyer = Annotated[Principal, requires(Action.MANAGE_PURCHASING)]
Receiver = Annotated[Principal, requires(Action.RECEIVE_GOODS)]
log = structlog.get_logger(__name__)


class SupplierCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    phone: str | None = Field(None, max_length=50)
    status: Literal["active", "blocked"] = "active"


class SupplierOut(SupplierCreate):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    created_at: datetime


class SupplierItemCreate(BaseModel):
    item_id: uuid.UUID
    unit_price: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    min_order_qty: int = Field(1, ge=1)
    pack_size: int = Field(1, ge=1)
    lead_time_days: int = Field(0, ge=0, le=365)
    preferred: bool = False


class SupplierItemOut(SupplierItemCreate):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    supplier_id: uuid.UUID


class DemandOut(BaseModel):
    order_id: uuid.UUID
    order_number: str
    waiting_for: int
    allocated: int


class LineOut(BaseModel):
    item_id: uuid.UUID
    sku: str
    quantity: int
    received_quantity: int
    unit_price: Decimal
    orders: list[DemandOut]


class PurchaseOrderOut(BaseModel):
    id: uuid.UUID
    number: str
    supplier_id: uuid.UUID
    warehouse_id: uuid.UUID
    status: PurchaseOrderStatus
    expected_date: date | None
    created_at: datetime
    sent_at: datetime | None
    confirmed_at: datetime | None
    received_at: datetime | None
    cancelled_at: datetime | None
    lines: list[LineOut]


class ReceiptLineIn(BaseModel):
    item_id: uuid.UUID
    quantity: int = Field(gt=0)


class ReceiptIn(BaseModel):
    lines: list[ReceiptLineIn] = Field(min_length=1)
    bin_id: uuid.UUID | None = Field(
        None, description="Where the goods go; the warehouse's receiving bin when not given"
    )


@router.post("/suppliers", status_code=201)
async def create_supplier(body: SupplierCreate, session: SessionDep, _: Buyer) -> SupplierOut:
    return SupplierOut.model_validate(
        await insert_unique(session, Supplier, body.model_dump(), [("name",)])
    )


@router.get("/suppliers", dependencies=[READ])
async def list_suppliers(session: SessionDep) -> list[SupplierOut]:
    rows = await session.scalars(select(Supplier).order_by(Supplier.name))
    return [SupplierOut.model_validate(s) for s in rows]


@router.get("/suppliers/{supplier_id}", dependencies=[READ])
async def get_supplier(supplier_id: uuid.UUID, session: SessionDep) -> SupplierOut:
    return SupplierOut.model_validate(await get_or_404(session, Supplier, supplier_id, "supplier"))


@router.post("/suppliers/{supplier_id}/items", status_code=201)
async def add_supplier_item(
    supplier_id: uuid.UUID, body: SupplierItemCreate, session: SessionDep, _: Buyer
) -> SupplierItemOut:
    offer = await create_supplier_item(session, supplier_id, body.model_dump())
    return SupplierItemOut.model_validate(offer)


@router.get("/suppliers/{supplier_id}/items", dependencies=[READ])
async def list_supplier_items(supplier_id: uuid.UUID, session: SessionDep) -> list[SupplierItemOut]:
    await get_or_404(session, Supplier, supplier_id, "supplier")
    rows = await session.scalars(
        select(SupplierItem).where(SupplierItem.supplier_id == supplier_id)
    )
    return [SupplierItemOut.model_validate(s) for s in rows]


async def _views(session: SessionDep, pos: list[PurchaseOrder]) -> list[PurchaseOrderOut]:
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
    by_line: dict[uuid.UUID, list[DemandOut]] = {}
    for demand, number in demands:
        by_line.setdefault(demand.line_id, []).append(
            DemandOut(
                order_id=demand.order_id,
                order_number=number,
                waiting_for=demand.quantity,
                allocated=demand.allocated,
            )
        )
    by_po: dict[uuid.UUID, list[LineOut]] = {}
    for line, sku in lines:
        by_po.setdefault(line.purchase_order_id, []).append(
            LineOut(
                item_id=line.item_id,
                sku=sku,
                quantity=line.quantity,
                received_quantity=line.received_quantity,
                unit_price=line.unit_price,
                orders=by_line.get(line.id, []),
            )
        )
    return [
        PurchaseOrderOut(
            id=po.id,
            number=po.number,
            supplier_id=po.supplier_id,
            warehouse_id=po.warehouse_id,
            status=PurchaseOrderStatus(po.status),
            expected_date=po.expected_date,
            created_at=po.created_at,
            sent_at=po.sent_at,
            confirmed_at=po.confirmed_at,
            received_at=po.received_at,
            cancelled_at=po.cancelled_at,
            lines=by_po.get(po.id, []),
        )
        for po in pos
    ]


async def _view(session: SessionDep, po_id: uuid.UUID) -> PurchaseOrderOut:
    await session.flush()
    po = await purchase_orders.get_purchase_order(session, po_id)
    await session.refresh(po)
    return (await _views(session, [po]))[0]


@router.get("/purchase-orders", dependencies=[READ])
async def list_purchase_orders(
    session: SessionDep,
    status: PurchaseOrderStatus | None = None,
    supplier_id: uuid.UUID | None = None,
) -> list[PurchaseOrderOut]:
    query = select(PurchaseOrder)
    if status:
        query = query.where(PurchaseOrder.status == status)
    if supplier_id:
        query = query.where(PurchaseOrder.supplier_id == supplier_id)
    pos = (await session.scalars(query.order_by(PurchaseOrder.number.desc()))).all()
    return await _views(session, list(pos))


@router.get("/purchase-orders/{po_id}", dependencies=[READ])
async def get_purchase_order(po_id: uuid.UUID, session: SessionDep) -> PurchaseOrderOut:
    return await _view(session, po_id)


@router.post("/purchase-orders/{po_id}/send")
async def send(po_id: uuid.UUID, session: SessionDep, _: Buyer) -> PurchaseOrderOut:
    await purchase_orders.change_status(session, po_id, PurchaseOrderStatus.SENT)
    return await _view(session, po_id)


@router.post("/purchase-orders/{po_id}/confirm")
async def confirm(po_id: uuid.UUID, session: SessionDep, _: Buyer) -> PurchaseOrderOut:
    await purchase_orders.change_status(session, po_id, PurchaseOrderStatus.CONFIRMED)
    return await _view(session, po_id)


@router.post("/purchase-orders/{po_id}/receive")
async def receive(
    po_id: uuid.UUID,
    body: ReceiptIn,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    receiver: Receiver,
) -> PurchaseOrderOut:
    """Book a delivery (all or part) into stock. What arrived is reserved for the orders
    waiting for it, by priority and due date, and their workflows are told to continue."""
    outcome = await goods_receipt.receive(
        session,
        po_id,
        [goods_receipt.ReceiptLine(line.item_id, line.quantity) for line in body.lines],
        actor=receiver.email,
        bin_id=body.bin_id,
    )
    log.info(
        "purchase_order.received",
        purchase_order=outcome.purchase_order.number,
        status=outcome.purchase_order.status,
        allocated={str(k): v for k, v in outcome.allocated.items()},
    )
    if outcome.waiting_orders:
        workflow_ids = list(
            await session.scalars(
                select(Order.workflow_id).where(Order.id.in_(outcome.waiting_orders))
            )
        )
        # After the commit (background tasks run once the response is out): the workflows must
        # see the reservations. If this process dies first, their periodic recheck finds them.
        background.add_task(_wake, services, workflow_ids)
    return await _view(session, po_id)


async def _wake(services: Services, workflow_ids: list[str]) -> None:
    for workflow_id in workflow_ids:
        handle = services.temporal.get_workflow_handle_for(OrderWorkflow.run, workflow_id)
        await signal_quietly(handle, OrderWorkflow.stock_arrived, within=5)
