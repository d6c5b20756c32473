"""Purchase orders, each run by its own workflow: raised for shortages and by the reorder
scan, or created by a buyer; sent, confirmed, received (in parts) and cancelled through it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from api.auth.access import Principal, requires
from api.deps import Services, ServicesDep, SessionDep
from api.fields import Offset, PlanningDate, Quantity
from api.idempotency import IdempotencyKey, digest, stored_key
from api.purchase_order_views import PurchaseOrderOut, purchase_order_view, purchase_order_views
from api.workflow_calls import execute_update, temporal_call
from contracts.purchase_orders import (
    GoodsReceipt,
    PurchaseOrderAction,
    PurchaseOrderRef,
    ReceivedLine,
    purchase_order_workflow_id,
)
from domain.access import Action
from domain.errors import AlreadyRecorded, DomainError, IllegalTransition, InvalidInput
from domain.purchasing import OPEN_STATUSES, PurchaseOrderStatus
from persistence import goods_receipt, purchase_orders
from persistence.catalogue import default_warehouse
from persistence.search import mentions
from persistence.tables import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderReceipt,
    Supplier,
)
from workflow_client.purchase_orders import start_purchase_order_workflow
from workflows.purchase_order import PurchaseOrderWorkflow

router = APIRouter()
log = structlog.get_logger(__name__)
READ = requires(Action.READ)
Buyer = Annotated[Principal, requires(Action.MANAGE_PURCHASING)]
Receiver = Annotated[Principal, requires(Action.RECEIVE_GOODS)]


class ManualLineIn(BaseModel):
    item_id: uuid.UUID
    quantity: Quantity


class PurchaseOrderCreate(BaseModel):
    supplier_id: uuid.UUID
    lines: list[ManualLineIn] = Field(min_length=1, max_length=200)
    warehouse_id: uuid.UUID | None = Field(None, description="The default warehouse when not given")
    expected_date: PlanningDate | None = Field(
        None, description="Today plus the longest lead time when not given"
    )
    notes: str = Field("", max_length=4000)


class ReceivedLineIn(BaseModel):
    item_id: uuid.UUID
    quantity: Quantity


class ReceiptIn(BaseModel):
    lines: list[ReceivedLineIn] = Field(min_length=1, max_length=200)
    bin_id: uuid.UUID | None = Field(
        None, description="Where the goods go; the warehouse's receiving bin when not given"
    )
    reference: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="The supplier's delivery note: a delivery is booked once under it (or "
        "send an Idempotency-Key header)",
    )


class CancelIn(BaseModel):
    reason: str | None = Field(None, max_length=2000)


@router.get("/purchase-orders", dependencies=[READ])
async def list_purchase_orders(
    session: SessionDep,
    response: Response,
    status: PurchaseOrderStatus | None = None,
    supplier_id: uuid.UUID | None = None,
    item_id: uuid.UUID | None = None,
    late: Annotated[bool | None, Query(description="Only those past their expected date")] = None,
    search: Annotated[
        str | None, Query(max_length=200, description="In the number and the supplier's name")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[Offset, Query()] = 0,
) -> list[PurchaseOrderOut]:
    """Purchase orders, newest first, with their lines, receipts and the orders they serve;
    the total count is in the `X-Total-Count` header."""
    query = select(PurchaseOrder)
    if status:
        query = query.where(PurchaseOrder.status == status)
    if supplier_id:
        query = query.where(PurchaseOrder.supplier_id == supplier_id)
    if item_id:
        query = query.where(
            PurchaseOrder.id.in_(
                select(PurchaseOrderLine.purchase_order_id).where(
                    PurchaseOrderLine.item_id == item_id
                )
            )
        )
    if late is not None:
        overdue = PurchaseOrder.status.in_([s.value for s in OPEN_STATUSES]) & (
            PurchaseOrder.expected_date < datetime.now(UTC).date()
        )
        query = query.where(overdue if late else ~overdue)
    if search:
        query = query.where(
            mentions(search, PurchaseOrder.number)
            | PurchaseOrder.supplier_id.in_(
                select(Supplier.id).where(mentions(search, Supplier.name))
            )
        )
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    response.headers["X-Total-Count"] = str(total or 0)
    newest = query.order_by(PurchaseOrder.number.desc()).offset(offset).limit(limit)
    pos = (await session.scalars(newest)).all()
    return await purchase_order_views(session, list(pos))


@router.get("/purchase-orders/{po_id}", dependencies=[READ])
async def get_purchase_order(
    po_id: Annotated[str, Path(max_length=64, description="Its id or its number")],
    session: SessionDep,
) -> PurchaseOrderOut:
    """A purchase order by its id or by its number (`PO-000012`)."""
    po = await purchase_orders.purchase_order_by_reference(session, po_id)
    return (await purchase_order_views(session, [po]))[0]


@router.post("/purchase-orders", status_code=201)
async def create_purchase_order(
    body: PurchaseOrderCreate,
    session: SessionDep,
    services: ServicesDep,
    buyer: Buyer,
    idempotency_key: IdempotencyKey = None,
) -> PurchaseOrderOut:
    """A buyer's own draft (409 for a blocked supplier, an item it does not offer, or a quantity
    below its minimum or not in whole packs). With an `Idempotency-Key`, a repeat answers with
    the draft the first one made; the key with another request is a 422."""
    key = stored_key("purchase-order", buyer.user_id, idempotency_key) if idempotency_key else None
    request = digest("purchase-order", body.model_dump(mode="json"))
    if key:
        made = await purchase_orders.by_idempotency_key(session, key)
        if made is not None:
            if made.request_digest not in (None, request):
                raise InvalidInput(
                    f"this Idempotency-Key already made {made.number}; use a new key",
                    field="Idempotency-Key",
                    location="header",
                )
            return (await purchase_order_views(session, [made]))[0]
    warehouse_id = (
        body.warehouse_id
        or (await default_warehouse(session, services.settings.default_warehouse_code)).id
    )
    po = await purchase_orders.create_manual(
        session,
        body.supplier_id,
        warehouse_id,
        [purchase_orders.ManualLine(line.item_id, line.quantity) for line in body.lines],
        actor=buyer.email,
        today=datetime.now(UTC).date(),
        expected_date=body.expected_date,
        notes=body.notes,
        idempotency_key=key,
        request_digest=request if key else None,
    )
    await _start_workflow(services, po)
    log.info("purchase_order.created", number=po.number, by=buyer.email)
    return (await purchase_order_views(session, [po]))[0]


async def _start_workflow(services: Services, po: PurchaseOrder) -> None:
    async with temporal_call(
        "could not start the purchase order's workflow",
        within=services.settings.workflow_call_timeout_seconds,
    ):
        await start_purchase_order_workflow(
            services.temporal,
            services.settings.temporal_task_queue,
            PurchaseOrderRef(purchase_order_id=po.id, number=po.number),
        )


async def _update(
    services: Services,
    po_id: uuid.UUID,
    update: Any,
    argument: Any,
    name: str,
    *,
    reached: PurchaseOrderStatus | None = None,
    update_id: str | None = None,
) -> PurchaseOrderOut:
    """Run an update on the purchase order's workflow (started when it is missing: its start
    was lost, or it predates workflows); a finished purchase order answers 409 at once. When
    the purchase order is already `reached` (a repeat: a retry, a double click), it answers
    with the purchase order as it is (the workflow does the same for concurrent repeats).
    Requests with the same `update_id` are one: a repeat joins the first."""
    async with services.sessions() as session:
        po = await purchase_orders.get_purchase_order(session, po_id)
        if reached is not None and po.status == reached:
            return (await purchase_order_views(session, [po]))[0]
    if po.status not in OPEN_STATUSES:
        raise IllegalTransition(f"the purchase order is already {po.status}", status=po.status)
    handle = services.temporal.get_workflow_handle(purchase_order_workflow_id(po.number))
    await execute_update(
        handle,
        update,
        argument,
        update_id=update_id,
        within=services.settings.workflow_call_timeout_seconds,
        start_missing=lambda: _start_workflow(services, po),
    )
    log.info(f"purchase_order.{name}", number=po.number)
    return await purchase_order_view(services, po_id)


@router.post("/purchase-orders/{po_id}/send")
async def send(po_id: uuid.UUID, services: ServicesDep, buyer: Buyer) -> PurchaseOrderOut:
    """Draft to sent (a purchase order already sent answers as it is)."""
    action = PurchaseOrderAction(actor=buyer.email)
    return await _update(
        services,
        po_id,
        PurchaseOrderWorkflow.send,
        action,
        "sent",
        reached=PurchaseOrderStatus.SENT,
    )


@router.post("/purchase-orders/{po_id}/confirm")
async def confirm(po_id: uuid.UUID, services: ServicesDep, buyer: Buyer) -> PurchaseOrderOut:
    """Sent to confirmed by the supplier (a confirmed one answers as it is)."""
    action = PurchaseOrderAction(actor=buyer.email)
    return await _update(
        services,
        po_id,
        PurchaseOrderWorkflow.confirm,
        action,
        "confirmed",
        reached=PurchaseOrderStatus.CONFIRMED,
    )


@router.post("/purchase-orders/{po_id}/cancel")
async def cancel(
    po_id: uuid.UUID, services: ServicesDep, buyer: Buyer, body: CancelIn | None = None
) -> PurchaseOrderOut:
    """From draft or sent; the orders that waited on it look for their components again. A
    cancelled purchase order answers as it is."""
    action = PurchaseOrderAction(actor=buyer.email, reason=body.reason if body else None)
    return await _update(
        services,
        po_id,
        PurchaseOrderWorkflow.cancel,
        action,
        "cancelled",
        reached=PurchaseOrderStatus.CANCELLED,
    )


@router.post("/purchase-orders/{po_id}/receive")
async def receive(
    po_id: uuid.UUID,
    body: ReceiptIn,
    services: ServicesDep,
    receiver: Receiver,
    idempotency_key: IdempotencyKey = None,
) -> PurchaseOrderOut:
    """Book a delivery (all or part) into stock. What arrived is reserved for the orders
    waiting for it, by priority and due date, and their workflows are told to continue. More
    than ordered is refused unless the supplier's tolerance allows it.

    A delivery is booked once: under its delivery note (`reference`), or else under the
    client's `Idempotency-Key`; one of the two is needed. Sent again (a retry after a 503, a
    double click), it answers with the purchase order as it is; the same delivery note or key
    with other lines is refused (409 for a delivery note, 422 for a key)."""
    if body.reference:
        key = f"ref:{body.reference}"
    elif idempotency_key:
        key = stored_key("receipt", receiver.user_id, idempotency_key)
    else:
        raise InvalidInput(
            "name the delivery note (`reference`) or send an Idempotency-Key header, so that "
            "a repeated request books the delivery once",
            field="reference",
        )
    request = digest("receive", body.model_dump(mode="json"))
    async with services.sessions() as session:
        booked = await goods_receipt.receipt_under(session, po_id, key)
    if booked is not None:
        if booked.request_digest not in (None, request):
            raise _booked_differently(body.reference, booked)
        return await purchase_order_view(services, po_id)
    receipt = GoodsReceipt(
        lines=[ReceivedLine(item_id=ln.item_id, quantity=ln.quantity) for ln in body.lines],
        bin_id=body.bin_id,
        actor=receiver.email,
        receipt_key=key,
        reference=body.reference,
        digest=request,
    )
    return await _update(
        services,
        po_id,
        PurchaseOrderWorkflow.receive,
        receipt,
        "received",
        update_id=f"receive:{digest(key, request)}",
    )


def _booked_differently(reference: str | None, booked: PurchaseOrderReceipt) -> DomainError:
    when = f"{booked.received_at:%Y-%m-%d %H:%M} UTC by {booked.received_by or 'someone'}"
    if reference:
        return AlreadyRecorded(
            f"delivery note {reference} was already booked on {when} with other lines; "
            "this receipt was not booked",
            reference=reference,
        )
    return InvalidInput(
        f"this Idempotency-Key already booked a delivery on {when} with other lines; use a "
        "new key for a new delivery",
        field="Idempotency-Key",
        location="header",
    )
