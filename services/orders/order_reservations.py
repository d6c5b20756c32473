"""An order's hard reservations: what it still needs, and adding to what it holds."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import OrderClosed
from domain.stages import FINAL_STATUSES
from domain.stock import ReservationStatus
from persistence.tables import Order, OrderRequirement, Reservation
from services.inventory.stock_ledger import StockKey


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


async def awaited_by_open_orders(
    session: AsyncSession, warehouse_id: uuid.UUID, item_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """Per item, what the open orders of the warehouse still need and have not reserved: an
    order still in design, or one waiting for a purchase. They come before a new order."""
    held = (
        select(
            Reservation.order_id,
            Reservation.item_id,
            func.sum(Reservation.quantity).label("quantity"),
        )
        .where(
            Reservation.order_id.is_not(None),
            Reservation.status != ReservationStatus.RELEASED.value,
        )
        .group_by(Reservation.order_id, Reservation.item_id)
        .subquery()
    )
    outstanding = func.greatest(OrderRequirement.quantity - func.coalesce(held.c.quantity, 0), 0)
    rows = await session.execute(
        select(OrderRequirement.item_id, func.sum(outstanding))
        .join(Order, Order.id == OrderRequirement.order_id)
        .outerjoin(
            held,
            (held.c.order_id == OrderRequirement.order_id)
            & (held.c.item_id == OrderRequirement.item_id),
        )
        .where(
            Order.warehouse_id == warehouse_id,
            Order.status.not_in([s.value for s in FINAL_STATUSES]),
            OrderRequirement.item_id.in_(item_ids),
        )
        .group_by(OrderRequirement.item_id)
    )
    return {item_id: int(quantity) for item_id, quantity in rows}


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
