"""The purchase order's life cycle: numbers, lookups and status changes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import NotFound
from domain.purchasing import PurchaseOrderStatus, check_transition
from persistence.tables import PurchaseOrder


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
