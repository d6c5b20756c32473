"""The purchase order's life cycle: numbers, lookups, a buyer's own drafts, status changes,
escalation, and how each supplier delivers."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict, NotFound
from domain.purchasing import (
    DeliveryRecord,
    PurchaseOrderStatus,
    SupplierPerformance,
    check_transition,
    supplier_performance,
)
from domain.stages import FINAL_STATUSES
from persistence.database import hold_lock
from persistence.tables import (
    Order,
    PurchaseOrder,
    PurchaseOrderDemand,
    PurchaseOrderLine,
    PurchaseOrderReceipt,
    Supplier,
    Warehouse,
)
from services.purchasing.supplier_offers import offers_for


def now() -> datetime:
    return datetime.now(UTC)


async def next_purchase_order_number(session: AsyncSession) -> str:
    n = (await session.execute(text("SELECT nextval('purchase_order_number_seq')"))).scalar_one()
    return f"PO-{n:06d}"


async def get_purchase_order(
    session: AsyncSession, po_id: uuid.UUID, *, lock: bool = False
) -> PurchaseOrder:
    po = await session.get(PurchaseOrder, po_id, with_for_update=lock)
    if po is None:
        raise NotFound(f"purchase order {po_id} does not exist", purchase_order_id=str(po_id))
    return po


async def purchase_order_by_reference(session: AsyncSession, reference: str) -> PurchaseOrder:
    """A purchase order by its id or its number (what people see and type)."""
    try:
        return await get_purchase_order(session, uuid.UUID(reference))
    except ValueError:
        pass
    po = await session.scalar(
        select(PurchaseOrder).where(PurchaseOrder.number == reference.strip().upper())
    )
    if po is None:
        raise NotFound(f"purchase order {reference} does not exist", purchase_order=reference)
    return po


async def change_status(
    session: AsyncSession, po_id: uuid.UUID, target: PurchaseOrderStatus
) -> PurchaseOrder:
    po = await get_purchase_order(session, po_id, lock=True)
    check_transition(PurchaseOrderStatus(po.status), target)
    po.status = target
    stamp = {
        PurchaseOrderStatus.SENT: "sent_at",
        PurchaseOrderStatus.CONFIRMED: "confirmed_at",
        PurchaseOrderStatus.CANCELLED: "cancelled_at",
    }.get(target)
    if stamp:
        setattr(po, stamp, now())
    return po


async def waiting_orders(session: AsyncSession, po_id: uuid.UUID) -> list[str]:
    """The workflow ids of the customer orders still waiting on this purchase order."""
    found = await session.scalars(
        select(Order.workflow_id)
        .join(PurchaseOrderDemand, PurchaseOrderDemand.order_id == Order.id)
        .join(PurchaseOrderLine, PurchaseOrderLine.id == PurchaseOrderDemand.line_id)
        .where(
            PurchaseOrderLine.purchase_order_id == po_id,
            PurchaseOrderDemand.quantity > 0,
            Order.status.notin_([s.value for s in FINAL_STATUSES]),
        )
        .distinct()
    )
    return sorted(found)


async def cancel(session: AsyncSession, po_id: uuid.UUID) -> PurchaseOrder:
    """Cancel (from draft or sent); the orders that waited on it (`waiting_orders`) must now
    look for their components elsewhere."""
    return await change_status(session, po_id, PurchaseOrderStatus.CANCELLED)


async def mark_late(session: AsyncSession, po_id: uuid.UUID) -> bool:
    """Flag the purchase order as escalated; False when it already was."""
    po = await get_purchase_order(session, po_id, lock=True)
    if po.escalated_at is not None:
        return False
    po.escalated_at = now()
    return True


@dataclass(frozen=True)
class ManualLine:
    item_id: uuid.UUID
    quantity: int


async def by_idempotency_key(session: AsyncSession, key: str) -> PurchaseOrder | None:
    """The draft a buyer made under a (stored) Idempotency-Key. Holds the key's lock, so a
    repeat sent at once waits for the first and finds its draft."""
    await hold_lock(session, key)
    return await session.scalar(select(PurchaseOrder).where(PurchaseOrder.idempotency_key == key))


async def create_manual(
    session: AsyncSession,
    supplier_id: uuid.UUID,
    warehouse_id: uuid.UUID,
    lines: Sequence[ManualLine],
    *,
    actor: str | None,
    today: date,
    expected_date: date | None = None,
    notes: str = "",
    idempotency_key: str | None = None,
    request_digest: str | None = None,
) -> PurchaseOrder:
    """A buyer's own draft: the supplier must be active and offer every item, each line at
    least its minimum order quantity and in whole packs."""
    supplier = await session.get(Supplier, supplier_id)
    if supplier is None:
        raise NotFound(f"supplier {supplier_id} does not exist", supplier_id=str(supplier_id))
    if supplier.status != "active":
        raise Conflict(f"{supplier.name} is blocked: it takes no new purchase orders")
    if await session.get(Warehouse, warehouse_id) is None:
        raise NotFound(f"warehouse {warehouse_id} does not exist", warehouse_id=str(warehouse_id))
    quantities: dict[uuid.UUID, int] = {}
    for line in lines:
        quantities[line.item_id] = quantities.get(line.item_id, 0) + line.quantity
    offers = await offers_for(session, quantities)
    po = PurchaseOrder(
        id=uuid.uuid4(),
        number=await next_purchase_order_number(session),
        supplier_id=supplier.id,
        warehouse_id=warehouse_id,
        origin="manual",
        notes=notes,
        created_by=actor,
        idempotency_key=idempotency_key,
        request_digest=request_digest,
    )
    session.add(po)
    lead_days = 0
    for item_id, quantity in quantities.items():
        offer = next((o for o in offers.get(item_id, []) if o.supplier == supplier.id), None)
        if offer is None:
            raise Conflict(f"{supplier.name} does not offer item {item_id}", item_id=str(item_id))
        if quantity < offer.min_order_qty or quantity % offer.pack_size:
            raise Conflict(
                f"{quantity} of item {item_id}: {supplier.name} sells at least "
                f"{offer.min_order_qty}, in packs of {offer.pack_size}",
                item_id=str(item_id),
                min_order_qty=offer.min_order_qty,
                pack_size=offer.pack_size,
            )
        session.add(
            PurchaseOrderLine(
                purchase_order_id=po.id,
                item_id=item_id,
                quantity=quantity,
                replenish_quantity=quantity,
                unit_price=offer.price_for(quantity),
            )
        )
        lead_days = max(lead_days, offer.lead_time_days)
    po.expected_date = expected_date or today + timedelta(days=lead_days)
    await session.flush()
    return po


async def performance(
    session: AsyncSession,
    supplier_id: uuid.UUID,
    today: date,
    sent_since: datetime | None = None,
    sent_until: datetime | None = None,
) -> SupplierPerformance:
    """On-time rate (received by the expected date, of what was ordered, over lines that are
    due or received), average lead time (sent to fully received) and how far past its promise
    (the expected date) a full delivery came; of the purchase orders sent in the period when
    one is given."""
    query = (
        select(PurchaseOrderLine, PurchaseOrder)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(
            PurchaseOrder.supplier_id == supplier_id,
            PurchaseOrder.status != PurchaseOrderStatus.CANCELLED,
            PurchaseOrder.status != PurchaseOrderStatus.DRAFT,
        )
    )
    if sent_since is not None:
        query = query.where(PurchaseOrder.sent_at >= sent_since)
    if sent_until is not None:
        query = query.where(PurchaseOrder.sent_at < sent_until)
    lines = (await session.execute(query)).all()
    receipts: dict[uuid.UUID, list[PurchaseOrderReceipt]] = {}
    for receipt in await session.scalars(
        select(PurchaseOrderReceipt).where(
            PurchaseOrderReceipt.line_id.in_([line.id for line, _ in lines])
        )
    ):
        receipts.setdefault(receipt.line_id, []).append(receipt)
    records = []
    for line, po in lines:
        got = receipts.get(line.id, [])
        due = po.expected_date is not None and po.expected_date < today
        if not due and line.received_quantity < line.quantity:
            continue  # not due yet and still coming: neither on time nor late
        on_time = sum(
            r.quantity
            for r in got
            if po.expected_date is None or r.received_at.date() <= po.expected_date
        )
        lead: float | None = None
        if line.received_quantity >= line.quantity and got and po.sent_at:
            last = max(r.received_at for r in got)
            lead = (last - po.sent_at).total_seconds() / 86400
        promised = None
        if po.sent_at and po.expected_date:  # to the end of the expected date
            end = datetime.combine(po.expected_date + timedelta(days=1), time(), UTC)
            promised = (end - po.sent_at).total_seconds() / 86400
        records.append(DeliveryRecord(line.quantity, on_time, lead, promised))
    return supplier_performance(records)
