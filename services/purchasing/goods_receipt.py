"""Goods receipt: a delivery against a purchase order enters stock and is reserved, by
priority, for the customer orders that were waiting for it."""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import AlreadyRecorded, Conflict
from domain.purchasing import (
    PurchaseOrderStatus,
    check_receipt,
    check_receivable,
    status_after_receipt,
)
from domain.stages import OrderStatus
from domain.stock import Demand, MovementType, Priority, allocate
from persistence.tables import (
    Order,
    PurchaseOrder,
    PurchaseOrderDemand,
    PurchaseOrderLine,
    PurchaseOrderReceipt,
    Supplier,
)
from services.inventory.stock_ledger import (
    LedgerEntry,
    StockKey,
    lock_positions,
    post_movement,
    save_position,
)
from services.orders.order_reservations import outstanding_needs, top_up_reservations
from services.purchasing.purchase_orders import get_purchase_order, now


@dataclass(frozen=True)
class ReceiptLine:
    item_id: uuid.UUID
    quantity: int


@dataclass(frozen=True)
class ReceiptOutcome:
    purchase_order: PurchaseOrder
    allocated: dict[uuid.UUID, int]  # order id -> units reserved for it from this receipt
    waiting_orders: list[uuid.UUID]  # every order with a demand on the receipt's lines


async def receive(
    session: AsyncSession,
    po_id: uuid.UUID,
    lines: Sequence[ReceiptLine],
    actor: str | None,
    *,
    bin_id: uuid.UUID | None = None,
    receipt_key: str | None = None,
    reference: str | None = None,
    request_digest: str | None = None,
) -> ReceiptOutcome:
    """Book a (partial) delivery into stock (the named bin, or the warehouse's receiving bin)
    and reserve it for the orders waiting for it, by priority, then due date, then age. A
    delivery is booked once per `receipt_key` on a purchase order: a repeat changes nothing."""
    po = await get_purchase_order(session, po_id, lock=True)
    booked = await receipt_under(session, po.id, receipt_key) if receipt_key else None
    if booked is not None:
        if booked.request_digest not in (None, request_digest):
            raise AlreadyRecorded(
                f"{_named(reference)} was already booked on purchase order {po.number} with "
                "other lines; this receipt was not booked",
                reference=reference,
            )
        return ReceiptOutcome(po, {}, [])  # booked before: a retry changes nothing
    supplier = await session.get(Supplier, po.supplier_id)
    assert supplier is not None
    check_receivable(PurchaseOrderStatus(po.status))
    by_item = {
        line.item_id: line
        for line in (
            await session.scalars(
                select(PurchaseOrderLine)
                .where(PurchaseOrderLine.purchase_order_id == po.id)
                .with_for_update()
            )
        ).all()
    }
    quantities: dict[uuid.UUID, int] = defaultdict(int)
    for receipt in lines:
        quantities[receipt.item_id] += receipt.quantity
    for item_id, quantity in quantities.items():
        line = by_item.get(item_id)
        if line is None:
            raise Conflict(
                f"item {item_id} is not on purchase order {po.number}", item_id=str(item_id)
            )
        check_receipt(
            ordered=line.quantity,
            received=line.received_quantity,
            quantity=quantity,
            tolerance_pct=supplier.over_receipt_tolerance_pct,
        )
    allocated: dict[uuid.UUID, int] = defaultdict(int)
    waiting: set[uuid.UUID] = set()
    for item_id in sorted(quantities):
        line, quantity = by_item[item_id], quantities[item_id]
        await post_movement(
            session,
            LedgerEntry(
                item_id=item_id,
                warehouse_id=po.warehouse_id,
                movement_type=MovementType.RECEIPT,
                delta=quantity,
                reason=f"goods receipt for {po.number}",
                bin_id=bin_id,
                idempotency_key=_ledger_key(po.id, receipt_key, item_id) if receipt_key else None,
                purchase_order_id=po.id,
                actor=actor,
            ),
        )
        line.received_quantity += quantity
        session.add(
            PurchaseOrderReceipt(
                purchase_order_id=po.id,
                line_id=line.id,
                item_id=item_id,
                quantity=quantity,
                bin_id=bin_id,
                received_by=actor,
                receipt_key=receipt_key,
                reference=reference,
                request_digest=request_digest,
            )
        )
        for order_id, granted in await _allocate_receipt(session, line, po.warehouse_id, quantity):
            await top_up_reservations(session, order_id, {(item_id, po.warehouse_id): granted})
            allocated[order_id] += granted
        waiting |= set(
            await session.scalars(
                select(PurchaseOrderDemand.order_id).where(
                    PurchaseOrderDemand.line_id == line.id, PurchaseOrderDemand.quantity > 0
                )
            )
        )
    po.status = status_after_receipt((ln.quantity, ln.received_quantity) for ln in by_item.values())
    if po.status == PurchaseOrderStatus.RECEIVED:
        po.received_at = now()
    await session.flush()
    return ReceiptOutcome(po, dict(allocated), sorted(waiting | set(allocated)))


def _named(reference: str | None) -> str:
    return f"delivery note {reference}" if reference else "this delivery"


def _ledger_key(po_id: uuid.UUID, receipt_key: str, item_id: uuid.UUID) -> str:
    """The ledger's key for a receipt line: short, and the purchase order's own (two suppliers
    may number their delivery notes alike)."""
    return f"receipt:{po_id}:{hashlib.sha256(receipt_key.encode()).hexdigest()[:24]}:{item_id}"


async def receipt_under(
    session: AsyncSession, po_id: uuid.UUID, receipt_key: str
) -> PurchaseOrderReceipt | None:
    """A receipt line of the delivery booked under `receipt_key` on the purchase order."""
    return await session.scalar(
        select(PurchaseOrderReceipt)
        .where(
            PurchaseOrderReceipt.purchase_order_id == po_id,
            PurchaseOrderReceipt.receipt_key == receipt_key,
        )
        .limit(1)
    )


async def _allocate_receipt(
    session: AsyncSession, line: PurchaseOrderLine, warehouse_id: uuid.UUID, received: int
) -> list[tuple[uuid.UUID, int]]:
    """Reserve the received quantity for the orders that wait on this line (stock row and
    demands); returns (order id, granted) pairs. Reservation rows are the caller's."""
    rows = await session.execute(
        select(PurchaseOrderDemand, Order)
        .join(Order, Order.id == PurchaseOrderDemand.order_id)
        .where(
            PurchaseOrderDemand.line_id == line.id,
            PurchaseOrderDemand.quantity > 0,
            Order.status == OrderStatus.PENDING,
        )
        .with_for_update(of=PurchaseOrderDemand)
    )
    demands: list[Demand[uuid.UUID]] = []
    rows_by_order: dict[uuid.UUID, PurchaseOrderDemand] = {}
    for demand, order in rows:
        still = (await outstanding_needs(session, order.id)).get(line.item_id, 0)
        rows_by_order[order.id] = demand
        if still > 0:
            demands.append(
                Demand(
                    key=order.id,
                    quantity=min(still, demand.quantity),
                    priority=Priority(order.priority),
                    due_date=order.due_date,
                    created_order=int(order.created_at.timestamp() * 1_000_000),
                )
            )
    key: StockKey = (line.item_id, warehouse_id)
    position = (await lock_positions(session, [key]))[key]
    grants = allocate(min(received, position.available), demands)
    for order_id, granted in grants:
        position = position.reserve(granted)
        demand = rows_by_order[order_id]
        demand.quantity -= granted
        demand.allocated += granted
    await save_position(session, key, position)
    return grants
