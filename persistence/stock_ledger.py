"""Every change of stock: locked positions, ledger rows and reservations, in the caller's
transaction.

Competing writers lock the `stock_levels` rows they touch with `SELECT ... FOR UPDATE` in one
fixed order (item id, then warehouse id), so two transactions can neither over-reserve nor
deadlock. The arithmetic is `domain.stock.StockPosition`; this module only reads and writes it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import literal, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict, InsufficientStock, NotFound
from domain.stock import MovementType, ReservationStatus, StockPosition
from persistence.tables import Item, Reservation, StockLevel, StockMovement, Warehouse

StockKey = tuple[uuid.UUID, uuid.UUID]  # (item_id, warehouse_id)


async def lock_positions(
    session: AsyncSession, keys: Iterable[StockKey]
) -> dict[StockKey, StockPosition]:
    """Lock the stock rows of `keys` (creating missing ones at zero) in primary-key order."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    await session.execute(
        insert(StockLevel)
        .values([{"item_id": i, "warehouse_id": w, "on_hand": 0, "reserved": 0} for i, w in wanted])
        .on_conflict_do_nothing()
    )
    rows = await session.execute(
        select(StockLevel.item_id, StockLevel.warehouse_id, StockLevel.on_hand, StockLevel.reserved)
        .where(tuple_(StockLevel.item_id, StockLevel.warehouse_id).in_(wanted))
        .order_by(StockLevel.item_id, StockLevel.warehouse_id)
        .with_for_update()
    )
    return {(r.item_id, r.warehouse_id): StockPosition(r.on_hand, r.reserved) for r in rows}


async def save_position(session: AsyncSession, key: StockKey, position: StockPosition) -> None:
    await session.execute(
        update(StockLevel)
        .where(StockLevel.item_id == key[0], StockLevel.warehouse_id == key[1])
        .values(on_hand=position.on_hand, reserved=position.reserved)
    )


@dataclass(frozen=True)
class LedgerEntry:
    item_id: uuid.UUID
    warehouse_id: uuid.UUID
    movement_type: MovementType
    delta: int
    reason: str = ""
    order_id: uuid.UUID | None = None
    purchase_order_id: uuid.UUID | None = None
    idempotency_key: str | None = None
    actor: str | None = None


async def append_ledger(session: AsyncSession, entry: LedgerEntry) -> int | None:
    """Append one ledger row; returns its id, or None when its idempotency key was used before."""
    statement = (
        insert(StockMovement)
        .values(
            item_id=entry.item_id,
            warehouse_id=entry.warehouse_id,
            movement_type=entry.movement_type.value,
            quantity=abs(entry.delta),
            delta=entry.delta,
            reason=entry.reason,
            order_id=entry.order_id,
            purchase_order_id=entry.purchase_order_id,
            idempotency_key=entry.idempotency_key,
            actor=entry.actor,
        )
        .on_conflict_do_nothing(index_elements=[StockMovement.idempotency_key])
        .returning(StockMovement.id)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def post_movement(session: AsyncSession, entry: LedgerEntry) -> int | None:
    """Change on hand by `entry.delta` and write the ledger row, or do nothing on a replay.

    The ledger insert goes first (under the stock row lock): when its idempotency key exists,
    the stock is left alone; when the arithmetic then refuses, the transaction rolls back both.
    """
    key = (entry.item_id, entry.warehouse_id)
    position = (await lock_positions(session, [key]))[key]
    movement_id = await append_ledger(session, entry)
    if movement_id is None:
        return None
    if entry.movement_type is MovementType.RECEIPT:
        new = position.receive(entry.delta)
    elif entry.movement_type is MovementType.ISSUE:
        new = position.issue(-entry.delta)
    else:
        new = position.adjust(entry.delta)
    await save_position(session, key, new)
    return movement_id


async def ensure_item_and_warehouse(
    session: AsyncSession, item_id: uuid.UUID, warehouse_id: uuid.UUID
) -> None:
    if await session.get(Item, item_id) is None:
        raise NotFound(f"item {item_id} does not exist", item_id=str(item_id))
    if await session.get(Warehouse, warehouse_id) is None:
        raise NotFound(f"warehouse {warehouse_id} does not exist", warehouse_id=str(warehouse_id))


async def reserve_exact(
    session: AsyncSession,
    item_id: uuid.UUID,
    warehouse_id: uuid.UUID,
    quantity: int,
    *,
    note: str = "",
) -> Reservation:
    """A manual reservation of exactly `quantity`, or InsufficientStock.

    One statement decides and records: a conditional UPDATE that only matches while enough is
    available (so concurrent callers cannot together reserve more than there is), feeding the
    INSERT of the reservation row in the same round trip.
    """
    if quantity <= 0:
        raise Conflict("quantity must be positive", quantity=quantity)
    claimed = (
        update(StockLevel)
        .where(
            StockLevel.item_id == item_id,
            StockLevel.warehouse_id == warehouse_id,
            StockLevel.on_hand - StockLevel.reserved >= quantity,
        )
        .values(reserved=StockLevel.reserved + quantity)
        .returning(StockLevel.item_id, StockLevel.warehouse_id)
        .cte("claimed")
    )
    recorded = (
        insert(Reservation)
        .from_select(
            ["id", "item_id", "warehouse_id", "quantity", "status", "note"],
            select(
                literal(uuid.uuid4()),
                claimed.c.item_id,
                claimed.c.warehouse_id,
                literal(quantity),
                literal(ReservationStatus.RESERVED.value),
                literal(note),
            ),
        )
        .returning(Reservation)
    )
    reservation = (await session.scalars(recorded)).one_or_none()
    if reservation is None:
        await ensure_item_and_warehouse(session, item_id, warehouse_id)
        level = await session.get(StockLevel, (item_id, warehouse_id))
        available = level.on_hand - level.reserved if level else 0
        raise InsufficientStock(
            f"cannot reserve {quantity}: only {available} available",
            requested=quantity,
            available=available,
        )
    return reservation


async def release_reservation(session: AsyncSession, reservation_id: uuid.UUID) -> Reservation:
    """Release a manual reservation. Stock row first, then the reservation: the lock order of
    every writer here."""
    found = await session.get(Reservation, reservation_id)
    if found is None:
        raise NotFound(f"reservation {reservation_id} does not exist")
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
