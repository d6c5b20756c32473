"""Every change of stock, in the caller's transaction: the warehouse position (on hand and
reserved), the bins, and a ledger row for each bin touched.

Lock order, for every writer: the `stock_levels` rows (item, warehouse) first, sorted, then the
`bin_stock` rows of those items. So two transactions can neither over-reserve nor over-issue,
and cannot deadlock on each other. The arithmetic is `domain.stock`; this module reads and
writes it. Each leg knows whether its bin is in a quarantine zone, so the position's
`quarantined` follows the bins and what is reserved stays pickable. A movement with an
idempotency key happens once: its first ledger row carries the key, and a repeat finds it and
changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from sqlalchemy import select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict, InsufficientStock
from domain.stock import (
    AdjustmentReason,
    BinQuantity,
    MovementType,
    StockPosition,
    ZoneType,
    pick_bins,
)
from persistence.database import hold_lock
from persistence.tables import Bin, BinStock, StockLevel, StockMovement, Zone
from services.inventory.locations import bin_zone, default_bin

StockKey = tuple[uuid.UUID, uuid.UUID]  # (item_id, warehouse_id)


class Leg(NamedTuple):
    """What one bin gains (> 0) or gives (< 0) in a movement."""

    warehouse_id: uuid.UUID
    bin_id: uuid.UUID
    delta: int
    quarantine: bool = False


def quarantined(legs: Iterable[Leg], warehouse_id: uuid.UUID) -> int:
    """How much of `legs` arrives in (> 0) or leaves (< 0) the warehouse's quarantine bins."""
    return sum(leg.delta for leg in legs if leg.quarantine and leg.warehouse_id == warehouse_id)


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
        select(
            StockLevel.item_id,
            StockLevel.warehouse_id,
            StockLevel.on_hand,
            StockLevel.reserved,
            StockLevel.quarantined,
        )
        .where(tuple_(StockLevel.item_id, StockLevel.warehouse_id).in_(wanted))
        .order_by(StockLevel.item_id, StockLevel.warehouse_id)
        .with_for_update()
    )
    return {
        (r.item_id, r.warehouse_id): StockPosition(r.on_hand, r.reserved, r.quarantined)
        for r in rows
    }


async def save_position(session: AsyncSession, key: StockKey, position: StockPosition) -> None:
    await session.execute(
        update(StockLevel)
        .where(StockLevel.item_id == key[0], StockLevel.warehouse_id == key[1])
        .values(
            on_hand=position.on_hand,
            reserved=position.reserved,
            quarantined=position.quarantined,
        )
    )


async def lock_bins(
    session: AsyncSession, item_id: uuid.UUID, warehouse_id: uuid.UUID
) -> list[BinQuantity[uuid.UUID]]:
    """The item's stock by bin in the warehouse, locked (after its position, by the caller)."""
    rows = await session.execute(
        select(BinStock.bin_id, BinStock.on_hand, Zone.zone_type)
        .join(Bin, Bin.id == BinStock.bin_id)
        .join(Zone, Zone.id == Bin.zone_id)
        .where(BinStock.item_id == item_id, BinStock.warehouse_id == warehouse_id)
        .order_by(BinStock.bin_id)
        .with_for_update(of=BinStock)
    )
    return [BinQuantity(r.bin_id, ZoneType(r.zone_type), r.on_hand) for r in rows]


@dataclass(frozen=True)
class LedgerEntry:
    """One movement as the caller asks for it. `delta` is the change of on hand: positive for
    receipts, negative for issues, either for adjustments. Without `bin_id`, receipts go to the
    receiving bin and issues are picked from the bins (see `domain.stock.pick_bins`)."""

    item_id: uuid.UUID
    warehouse_id: uuid.UUID
    movement_type: MovementType
    delta: int
    reason: str = ""
    bin_id: uuid.UUID | None = None
    reason_code: AdjustmentReason | None = None
    order_id: uuid.UUID | None = None
    purchase_order_id: uuid.UUID | None = None
    idempotency_key: str | None = None
    request_digest: str | None = None  # of the client's request, kept with the key
    actor: str | None = None


async def _book(session: AsyncSession, entry: LedgerEntry, legs: Sequence[Leg]) -> list[int]:
    """Write one ledger row per leg and apply it to the bin. Callers have checked the
    idempotency key under its lock (`_already_booked`)."""
    operation = uuid.uuid4()
    ids: list[int] = []
    for n, (warehouse_id, bin_id, delta, _) in enumerate(legs):
        booked = await session.scalar(
            insert(StockMovement)
            .values(
                item_id=entry.item_id,
                warehouse_id=warehouse_id,
                bin_id=bin_id,
                movement_type=entry.movement_type.value,
                quantity=abs(delta),
                delta=delta,
                reason=entry.reason,
                reason_code=entry.reason_code.value if entry.reason_code else None,
                order_id=entry.order_id,
                purchase_order_id=entry.purchase_order_id,
                idempotency_key=entry.idempotency_key if n == 0 else None,
                request_digest=entry.request_digest if n == 0 else None,
                actor=entry.actor,
                operation_id=operation,
            )
            .returning(StockMovement.id)
        )
        assert booked is not None, "the idempotency key is checked under its lock first"
        ids.append(booked)
        if delta < 0:  # taken from a bin the caller locked and checked
            await session.execute(
                update(BinStock)
                .where(BinStock.item_id == entry.item_id, BinStock.bin_id == bin_id)
                .values(on_hand=BinStock.on_hand + delta)
            )
            continue
        new_bin = insert(BinStock).values(
            item_id=entry.item_id, bin_id=bin_id, warehouse_id=warehouse_id, on_hand=delta
        )
        await session.execute(
            new_bin.on_conflict_do_update(
                index_elements=[BinStock.item_id, BinStock.bin_id],
                set_={"on_hand": BinStock.on_hand + new_bin.excluded.on_hand},
            )
        )
    return ids


async def movement_under(session: AsyncSession, key: str) -> list[StockMovement]:
    """The ledger rows of the movement booked under an idempotency key (its first row carries
    the key; the others share its operation), oldest first; [] when none was."""
    first = await session.scalar(select(StockMovement).where(StockMovement.idempotency_key == key))
    if first is None:
        return []
    rows = await session.scalars(
        select(StockMovement)
        .where(StockMovement.operation_id == first.operation_id)
        .order_by(StockMovement.id)
    )
    return list(rows)


async def _already_booked(session: AsyncSession, key: str | None) -> bool:
    """Whether a movement with this idempotency key was booked. Two calls with one key are
    serialised by a transaction-scoped advisory lock, taken before any stock row, so the second
    sees the first's rows once it committed."""
    if key is None:
        return False
    await hold_lock(session, key)
    found = await session.scalar(
        select(StockMovement.id).where(StockMovement.idempotency_key == key)
    )
    return found is not None


async def _take_legs(
    session: AsyncSession,
    item_id: uuid.UUID,
    warehouse_id: uuid.UUID,
    quantity: int,
    bin_id: uuid.UUID | None,
) -> list[Leg]:
    """Where `quantity` leaves from: the named bin (a quarantine bin too), or bins picked by
    zone and fullness (never quarantine)."""
    bins = await lock_bins(session, item_id, warehouse_id)
    if bin_id is not None:
        zone = await bin_zone(session, bin_id, warehouse_id)
        held = next((b.on_hand for b in bins if b.bin == bin_id), 0)
        if held < quantity:
            raise InsufficientStock(
                f"cannot take {quantity} from the bin: it holds {held}",
                requested=quantity,
                available=held,
                bin_id=str(bin_id),
            )
        return [Leg(warehouse_id, bin_id, -quantity, zone is ZoneType.QUARANTINE)]
    return [Leg(warehouse_id, b, -q) for b, q in pick_bins(bins, quantity)]


async def _put_leg(
    session: AsyncSession,
    warehouse_id: uuid.UUID,
    quantity: int,
    bin_id: uuid.UUID | None,
    zone_type: ZoneType = ZoneType.RECEIVING,
) -> Leg:
    if bin_id is not None:
        zone = await bin_zone(session, bin_id, warehouse_id)
        return Leg(warehouse_id, bin_id, quantity, zone is ZoneType.QUARANTINE)
    return Leg(warehouse_id, await default_bin(session, warehouse_id, zone_type), quantity)


async def post_movement(
    session: AsyncSession, entry: LedgerEntry, *, put_away: ZoneType = ZoneType.RECEIVING
) -> list[int]:
    """A receipt, an issue (of unreserved stock) or an adjustment. Returns the ledger row ids
    ([] on a repeat of an idempotency key)."""
    if entry.movement_type is MovementType.TRANSFER:
        raise Conflict("a transfer has two sides: use transfer()")
    if await _already_booked(session, entry.idempotency_key):
        return []
    key = (entry.item_id, entry.warehouse_id)
    position = (await lock_positions(session, [key]))[key]
    if entry.delta > 0:
        legs = [await _put_leg(session, entry.warehouse_id, entry.delta, entry.bin_id, put_away)]
    else:
        legs = await _take_legs(
            session, entry.item_id, entry.warehouse_id, -entry.delta, entry.bin_id
        )
    new = position.book(entry.movement_type, entry.delta, quarantined(legs, entry.warehouse_id))
    await save_position(session, key, new)
    return await _book(session, entry, legs)


async def issue_reserved(session: AsyncSession, entry: LedgerEntry) -> list[int]:
    """Issue stock that was reserved (an order consuming its components): on hand and
    reserved both go down. The caller marks the reservation consumed."""
    if await _already_booked(session, entry.idempotency_key):
        return []
    key = (entry.item_id, entry.warehouse_id)
    position = (await lock_positions(session, [key]))[key]
    legs = await _take_legs(session, entry.item_id, entry.warehouse_id, -entry.delta, entry.bin_id)
    released = position.quarantine(quarantined(legs, entry.warehouse_id))  # a named bin only
    await save_position(session, key, released.consume(-entry.delta))
    return await _book(session, entry, legs)


async def transfer(
    session: AsyncSession,
    entry: LedgerEntry,
    *,
    to_warehouse_id: uuid.UUID,
    to_bin_id: uuid.UUID | None = None,
) -> list[int]:
    """Move `entry.delta` units from a bin (or picked bins) of `entry.warehouse_id` to
    `to_bin_id` (or the receiving bin) of `to_warehouse_id`: both sides in one operation and one
    transaction. Within one warehouse only the bins change."""
    quantity = entry.delta
    if quantity <= 0:
        raise Conflict("a transfer needs a positive quantity", quantity=quantity)
    source, target = (entry.item_id, entry.warehouse_id), (entry.item_id, to_warehouse_id)
    if source == target and to_bin_id is None:
        raise Conflict("a transfer within a warehouse needs to_bin_id")
    if await _already_booked(session, entry.idempotency_key):
        return []
    positions = await lock_positions(session, [source, target])
    legs = await _take_legs(session, entry.item_id, entry.warehouse_id, quantity, entry.bin_id)
    arrival = await _put_leg(session, to_warehouse_id, quantity, to_bin_id)
    if any(leg.bin_id == arrival.bin_id for leg in legs):
        raise Conflict("a transfer needs two different bins")
    legs.append(arrival)
    if source == target:  # between bins: only what is in quarantine can change
        positions[source] = positions[source].quarantine(quarantined(legs, entry.warehouse_id))
    else:
        positions[source] = positions[source].book(
            MovementType.ISSUE, -quantity, quarantined(legs, entry.warehouse_id)
        )
        positions[target] = positions[target].book(
            MovementType.RECEIPT, quantity, quarantined(legs, to_warehouse_id)
        )
    for key in {source, target}:
        await save_position(session, key, positions[key])
    return await _book(session, replace(entry, movement_type=MovementType.TRANSFER), legs)
