"""An order's hard reservations: what it still needs, and adding to what it holds."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import OrderClosed
from domain.stock import ReservationStatus
from persistence.stock_ledger import StockKey
from persistence.tables import OrderRequirement, Reservation


async def outstanding_needs(session: AsyncSession, order_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Requirement minus what is reserved (or already consumed), per item."""
    rows = await session.execute(
        select(OrderRequirement.item_id, OrderRequirement.quantity).where(
            OrderRequirement.order_id == order_id
        )
    )
    needs = {r.item_id: r.quantity for r in rows}
    held = await session.execute(
        select(Reservation.item_id, Reservation.quantity, Reservation.status).where(
            Reservation.order_id == order_id
        )
    )
    for r in held:
        if r.status == ReservationStatus.RELEASED:
            raise OrderClosed("the order's reservations were released; it is cancelled")
        needs[r.item_id] = needs.get(r.item_id, 0) - r.quantity
    return {item: q for item, q in needs.items() if q > 0}


async def top_up_reservations(
    session: AsyncSession, order_id: uuid.UUID, grants: Mapping[StockKey, int]
) -> None:
    """Add `grants` to the order's reservation rows (the stock rows are already updated)."""
    values = [
        {
            "id": uuid.uuid4(),
            "order_id": order_id,
            "item_id": item_id,
            "warehouse_id": warehouse_id,
            "quantity": quantity,
            "status": ReservationStatus.RESERVED.value,
        }
        for (item_id, warehouse_id), quantity in sorted(grants.items())
        if quantity > 0
    ]
    if not values:
        return
    statement = insert(Reservation).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Reservation.order_id, Reservation.item_id, Reservation.warehouse_id],
            index_where=Reservation.order_id.is_not(None),
            set_={"quantity": Reservation.quantity + statement.excluded.quantity},
        )
    )
