"""Stocktakes: open a count of a warehouse or a zone (what each bin holds is noted), record
what was counted, review the differences, and post them as adjustments in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict
from domain.stock import AdjustmentReason, MovementType
from domain.stocktake import CountLine, StocktakeStatus, check_open, differences
from persistence.tables import Bin, BinStock, Item, Stocktake, StocktakeLine, Warehouse, Zone
from services.inventory.catalogue import get_existing
from services.inventory.locations import bin_in
from services.inventory.stock_ledger import LedgerEntry, post_movement

CountKey = tuple[uuid.UUID, uuid.UUID]  # (item_id, bin_id)


async def open_stocktake(
    session: AsyncSession,
    warehouse_id: uuid.UUID,
    zone_id: uuid.UUID | None,
    note: str,
    actor: str | None,
) -> Stocktake:
    await get_existing(session, Warehouse, warehouse_id, "warehouse")
    if zone_id is not None:
        zone = await get_existing(session, Zone, zone_id, "zone")
        if zone.warehouse_id != warehouse_id:
            raise Conflict(f"zone {zone.name} is not in this warehouse", zone_id=str(zone_id))
    # One open count per area: a warehouse-wide count excludes every other in the warehouse.
    await session.execute(
        select(Warehouse.id).where(Warehouse.id == warehouse_id).with_for_update()
    )
    open_here = select(Stocktake.number).where(
        Stocktake.warehouse_id == warehouse_id, Stocktake.status == StocktakeStatus.OPEN
    )
    if zone_id is not None:
        open_here = open_here.where(or_(Stocktake.zone_id.is_(None), Stocktake.zone_id == zone_id))
    overlapping = await session.scalar(open_here.limit(1))
    if overlapping:
        raise Conflict(f"stocktake {overlapping} is still open for this area", number=overlapping)
    number = (await session.execute(text("SELECT nextval('stocktake_number_seq')"))).scalar_one()
    stocktake = Stocktake(
        number=f"ST-{number:06d}",
        warehouse_id=warehouse_id,
        zone_id=zone_id,
        note=note,
        opened_by=actor,
    )
    session.add(stocktake)
    await session.flush()
    in_area = (
        select(BinStock.item_id, BinStock.bin_id, BinStock.on_hand)
        .join(Bin, Bin.id == BinStock.bin_id)
        .where(BinStock.warehouse_id == warehouse_id, BinStock.on_hand > 0)
    )
    if zone_id is not None:
        in_area = in_area.where(Bin.zone_id == zone_id)
    lines = [
        {"stocktake_id": stocktake.id, "item_id": i, "bin_id": b, "expected": q}
        for i, b, q in await session.execute(in_area)
    ]
    if lines:
        await session.execute(insert(StocktakeLine).values(lines))
    return stocktake


@dataclass(frozen=True)
class Count:
    item_id: uuid.UUID
    bin_id: uuid.UUID
    counted: int


async def _open_locked(session: AsyncSession, stocktake_id: uuid.UUID) -> Stocktake:
    stocktake = await get_existing(session, Stocktake, stocktake_id, "stocktake", lock=True)
    check_open(stocktake.status)
    return stocktake


async def record_counts(
    session: AsyncSession, stocktake_id: uuid.UUID, counts: Sequence[Count], actor: str | None
) -> None:
    """What was counted in each bin; counting again overwrites. Stock found where the system
    expected none adds a line."""
    stocktake = await _open_locked(session, stocktake_id)
    now = datetime.now(UTC)
    for count in counts:
        found_bin = await bin_in(session, count.bin_id, stocktake.warehouse_id)
        if stocktake.zone_id is not None and found_bin.zone_id != stocktake.zone_id:
            raise Conflict(f"bin {found_bin.code} is not in the zone being counted")
        await get_existing(session, Item, count.item_id, "item")
        line = insert(StocktakeLine).values(
            stocktake_id=stocktake.id,
            item_id=count.item_id,
            bin_id=count.bin_id,
            expected=0,
            counted=count.counted,
            counted_by=actor,
            counted_at=now,
        )
        await session.execute(
            line.on_conflict_do_update(
                index_elements=[
                    StocktakeLine.stocktake_id,
                    StocktakeLine.item_id,
                    StocktakeLine.bin_id,
                ],
                set_={"counted": count.counted, "counted_by": actor, "counted_at": now},
            )
        )


async def current_quantities(
    session: AsyncSession, keys: Sequence[CountKey]
) -> dict[CountKey, int]:
    if not keys:
        return {}
    rows = await session.execute(
        select(BinStock.item_id, BinStock.bin_id, BinStock.on_hand).where(
            tuple_(BinStock.item_id, BinStock.bin_id).in_(list(keys))
        )
    )
    return {(i, b): q for i, b, q in rows}


async def lines_of(session: AsyncSession, *stocktake_ids: uuid.UUID) -> list[StocktakeLine]:
    return list(
        (
            await session.scalars(
                select(StocktakeLine)
                .where(StocktakeLine.stocktake_id.in_(stocktake_ids))
                .order_by(StocktakeLine.item_id, StocktakeLine.bin_id)
                .execution_options(populate_existing=True)
            )
        ).all()
    )


async def post_stocktake(
    session: AsyncSession, stocktake_id: uuid.UUID, actor: str | None
) -> dict[CountKey, int]:
    """Adjust every counted bin to its count (against what it holds now); all or nothing.
    Returns the adjustments made."""
    stocktake = await _open_locked(session, stocktake_id)
    lines = await lines_of(session, stocktake.id)
    if not any(line.counted is not None for line in lines):
        raise Conflict("nothing was counted yet")
    current = await current_quantities(session, [(line.item_id, line.bin_id) for line in lines])
    deltas = differences(
        (CountLine((ln.item_id, ln.bin_id), ln.expected, ln.counted) for ln in lines), current
    )
    # By item (the lock order of every writer), and a found surplus before a shortfall: a
    # count that only moved units between bins never dips below what is reserved on the way.
    for (item_id, bin_id), delta in sorted(
        deltas.items(), key=lambda kv: (kv[0][0], kv[1] < 0, kv[0][1])
    ):
        await post_movement(
            session,
            LedgerEntry(
                item_id=item_id,
                warehouse_id=stocktake.warehouse_id,
                movement_type=MovementType.ADJUSTMENT,
                delta=delta,
                bin_id=bin_id,
                reason=f"stocktake {stocktake.number}",
                reason_code=AdjustmentReason.COUNT,
                idempotency_key=f"{stocktake.id}:{item_id}:{bin_id}",
                actor=actor,
            ),
        )
    for line in lines:
        line.adjusted_by = (
            deltas.get((line.item_id, line.bin_id), 0) if line.counted is not None else None
        )
    stocktake.status = StocktakeStatus.POSTED
    stocktake.closed_by = actor
    stocktake.closed_at = datetime.now(UTC)
    return deltas


async def cancel_stocktake(
    session: AsyncSession, stocktake_id: uuid.UUID, actor: str | None
) -> None:
    stocktake = await _open_locked(session, stocktake_id)
    stocktake.status = StocktakeStatus.CANCELLED
    stocktake.closed_by = actor
    stocktake.closed_at = datetime.now(UTC)
