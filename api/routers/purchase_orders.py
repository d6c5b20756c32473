"""Purchase orders, each run by its own workflow: raised for shortages and by the reorder
scan, or created by a buyer; sent, confirmed, received (in parts) and cancelled through it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

import structlog
from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from api.auth.access import Principal, requires
from api.commands import purchase_orders as commands
from api.deps import SessionDep, WorkflowsDep
from api.fields import Offset, PlanningDate, Quantity
from api.idempotency import IdempotencyKey, digest, stored_key
from api.queries.purchase_orders import (
    PurchaseOrderFilter,
    PurchaseOrderOut,
    purchase_order_page,
    purchase_order_view,
    purchase_order_views,
)
from contracts.purchase_orders import (
    GoodsReceipt,
    PurchaseOrderAction,
    ReceivedLine,
)
from domain.access import Action
from domain.errors import InvalidInput
from domain.purchasing import PurchaseOrderStatus
from services.inventory.catalogue import default_warehouse
from services.purchasing import purchase_orders

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
    found = PurchaseOrderFilter(
        status=status, supplier_id=supplier_id, item_id=item_id, late=late, search=search
    )
    total, page = await purchase_order_page(session, found, limit, offset)
    response.headers["X-Total-Count"] = str(total)
    return page


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
    workflows: WorkflowsDep,
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
        or (await default_warehouse(session, workflows.settings.default_warehouse_code)).id
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
    await commands.start_workflow(workflows, po)
    log.info("purchase_order.created", number=po.number, by=buyer.email)
    return (await purchase_order_views(session, [po]))[0]


@router.post("/purchase-orders/{po_id}/send")
async def send(po_id: uuid.UUID, workflows: WorkflowsDep, buyer: Buyer) -> PurchaseOrderOut:
    """Draft to sent (a purchase order already sent answers as it is)."""
    action = PurchaseOrderAction(actor=buyer.email)
    await commands.move(workflows, po_id, PurchaseOrderStatus.SENT, action)
    return await purchase_order_view(workflows.sessions, po_id)


@router.post("/purchase-orders/{po_id}/confirm")
async def confirm(po_id: uuid.UUID, workflows: WorkflowsDep, buyer: Buyer) -> PurchaseOrderOut:
    """Sent to confirmed by the supplier (a confirmed one answers as it is)."""
    action = PurchaseOrderAction(actor=buyer.email)
    await commands.move(workflows, po_id, PurchaseOrderStatus.CONFIRMED, action)
    return await purchase_order_view(workflows.sessions, po_id)


@router.post("/purchase-orders/{po_id}/cancel")
async def cancel(
    po_id: uuid.UUID, workflows: WorkflowsDep, buyer: Buyer, body: CancelIn | None = None
) -> PurchaseOrderOut:
    """From draft or sent; the orders that waited on it look for their components again. A
    cancelled purchase order answers as it is."""
    action = PurchaseOrderAction(actor=buyer.email, reason=body.reason if body else None)
    await commands.move(workflows, po_id, PurchaseOrderStatus.CANCELLED, action)
    return await purchase_order_view(workflows.sessions, po_id)


@router.post("/purchase-orders/{po_id}/receive")
async def receive(
    po_id: uuid.UUID,
    body: ReceiptIn,
    workflows: WorkflowsDep,
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
    receipt = GoodsReceipt(
        lines=[ReceivedLine(item_id=ln.item_id, quantity=ln.quantity) for ln in body.lines],
        bin_id=body.bin_id,
        actor=receiver.email,
        receipt_key=key,
        reference=body.reference,
        digest=digest("receive", body.model_dump(mode="json")),
    )
    await commands.receive(workflows, po_id, receipt)
    return await purchase_order_view(workflows.sessions, po_id)
