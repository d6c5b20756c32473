"""Manual reservations: a storekeeper holds stock for something that is not an order."""

from __future__ import annotations

import uuid

from sqlalchemy import String, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict, InsufficientStock
from domain.stock import ReservationStatus
from persistence.database import hold_lock
from persistence.tables import Reservation, StockLevel
from services.inventory.catalogue import get_existing
from services.inventory.locations import ensure_item_and_warehouse
from services.inventory.stock_ledger import lock_positions, save_position


async def reserve_exact(
    session: AsyncSession,
    item_id: uuid.UUID,
    warehouse_id: uuid.UUID,
    quantity: int,
    *,
    note: str = "",
    idempotency_key: str | None = None,
    request_digest: str | None = None,
) -> Reservation:
    """A manual reservation of exactly `quantity`, or InsufficientStock; under an idempotency
    key already used, the reservation made with it (the caller compares the request).

    One statement decides and records: a conditional UPDATE that only matches while enough is
    available (so concurrent callers cannot together reserve more than there is), feeding the
    INSERT of the reservation row in the same round trip.
    """
    if quantity <= 0:
        raise Conflict("quantity must be positive", quantity=quantity)
    if idempotency_key is not None:
        await hold_lock(session, idempotency_key)
        made = await session.scalar(
            select(Reservation).where(Reservation.idempotency_key == idempotency_key)
        )
        if made is not None:
            return made
    claimed = (
        update(StockLevel)
        .where(
            StockLevel.item_id == item_id,
            StockLevel.warehouse_id == warehouse_id,
            StockLevel.available >= quantity,
        )
        .values(reserved=StockLevel.reserved + quantity)
        .returning(StockLevel.item_id, StockLevel.warehouse_id)
        .cte("claimed")
    )
    recorded = (
        insert(Reservation)
        .from_select(
            [
                "id",
                "item_id",
                "warehouse_id",
                "quantity",
                "status",
                "note",
                "idempotency_key",
                "request_digest",
            ],
            select(
                literal(uuid.uuid4()),
                claimed.c.item_id,
                claimed.c.warehouse_id,
                literal(quantity),
                literal(ReservationStatus.RESERVED.value),
                literal(note),
                literal(idempotency_key, String()),
                literal(request_digest, String()),
            ),
        )
        .returning(Reservation)
    )
    reservation = (await session.scalars(recorded)).one_or_none()
    if reservation is None:
        await ensure_item_and_warehouse(session, item_id, warehouse_id)
        level = await session.get(StockLevel, (item_id, warehouse_id))
        available = level.available if level else 0
        raise InsufficientStock(
            f"cannot reserve {quantity}: only {available} available",
            requested=quantity,
            available=available,
        )
    return reservation


async def release_reservation(session: AsyncSession, reservation_id: uuid.UUID) -> Reservation:
    """Release a manual reservation. Stock row first, then the reservation: the lock order of
    every writer here."""
    found = await get_existing(session, Reservation, reservation_id, "reservation")
    key = (found.item_id, found.warehouse_id)
    position = (await lock_positions(session, [key]))[key]
    reservation = await session.get(
        Reservation, reservation_id, with_for_update=True, populate_existing=True
    )
    assert reservation is not None
    if reservation.order_id is not None:
        raise Conflict(
            "this reservation belongs to an order; cancel the order to release it",
            order_id=str(reservation.order_id),
        )
    if reservation.status != ReservationStatus.RESERVED:
        raise Conflict(
            f"the reservation is already {reservation.status}", status=reservation.status
        )
    await save_position(session, key, position.release(reservation.quantity))
    reservation.status = ReservationStatus.RELEASED
    return reservation
