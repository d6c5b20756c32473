"""Where stock is kept: warehouses, their zones and bins, and the bins stock goes to when a
movement names none."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict, NotFound
from domain.stock import ZoneType
from persistence.database import hold_lock
from persistence.tables import Bin, Item, Warehouse, Zone
from services.inventory.catalogue import get_existing

DEFAULT_BIN_CODES = {ZoneType.RECEIVING: "RECEIVING", ZoneType.SHIPPING: "DISPATCH"}
DEFAULT_ZONE_NAMES = {ZoneType.RECEIVING: "Receiving", ZoneType.SHIPPING: "Shipping"}


async def ensure_item_and_warehouse(
    session: AsyncSession, item_id: uuid.UUID, warehouse_id: uuid.UUID
) -> None:
    await get_existing(session, Item, item_id, "item")
    await get_existing(session, Warehouse, warehouse_id, "warehouse")


async def bin_in(session: AsyncSession, bin_id: uuid.UUID, warehouse_id: uuid.UUID) -> Bin:
    """The bin, which must belong to the warehouse."""
    found = await session.get(Bin, bin_id)
    if found is None:
        raise NotFound(f"bin {bin_id} does not exist", bin_id=str(bin_id))
    if found.warehouse_id != warehouse_id:
        raise Conflict(
            f"bin {found.code} is not in warehouse {warehouse_id}",
            bin_id=str(bin_id),
            warehouse_id=str(warehouse_id),
        )
    return found


async def bin_zone(session: AsyncSession, bin_id: uuid.UUID, warehouse_id: uuid.UUID) -> ZoneType:
    """The kind of zone of a bin, which must belong to the warehouse."""
    found = await bin_in(session, bin_id, warehouse_id)
    zone = await session.execute(select(Zone.zone_type).where(Zone.id == found.zone_id))
    return ZoneType(zone.scalar_one())


async def default_bin(
    session: AsyncSession, warehouse_id: uuid.UUID, zone_type: ZoneType = ZoneType.RECEIVING
) -> uuid.UUID:
    """The first bin of the warehouse's first zone of `zone_type`; a zone and a bin are made
    when the warehouse has none, so a receipt always has a place to go. Callers that would make
    them queue on a lock of their own (per warehouse and kind): the first makes, the rest find."""
    query = (
        select(Bin.id)
        .join(Zone, Zone.id == Bin.zone_id)
        .where(Zone.warehouse_id == warehouse_id, Zone.zone_type == zone_type)
        .order_by(Zone.name, Bin.code)
        .limit(1)
    )
    found = await session.scalar(query)
    if found is not None:
        return found
    if zone_type not in DEFAULT_BIN_CODES:
        raise Conflict(f"the warehouse has no {zone_type} bin", zone_type=zone_type)
    lock = f"default-bin:{warehouse_id}:{zone_type.value}"
    await hold_lock(session, lock)
    found = await session.scalar(query)  # made by whoever held the lock before us
    if found is not None:
        return found
    zone_id = await session.scalar(
        select(Zone.id)
        .where(Zone.warehouse_id == warehouse_id, Zone.zone_type == zone_type)
        .order_by(Zone.name)
        .limit(1)
    )
    if zone_id is None:
        zone_id = await session.scalar(
            insert(Zone)
            .values(
                id=uuid.uuid4(),
                warehouse_id=warehouse_id,
                name=DEFAULT_ZONE_NAMES[zone_type],
                zone_type=zone_type.value,
            )
            .on_conflict_do_nothing()
            .returning(Zone.id)
        )
        if zone_id is None:
            raise Conflict(
                f"the warehouse has a zone named {DEFAULT_ZONE_NAMES[zone_type]!r} that is not "
                f"a {zone_type} zone; add a {zone_type} zone with a bin"
            )
    await session.execute(
        insert(Bin)
        .values(
            id=uuid.uuid4(),
            zone_id=zone_id,
            warehouse_id=warehouse_id,
            code=DEFAULT_BIN_CODES[zone_type],
        )
        .on_conflict_do_nothing()
    )
    created = await session.scalar(query)
    if created is None:
        raise Conflict(
            f"the warehouse has a bin coded {DEFAULT_BIN_CODES[zone_type]!r} outside its "
            f"{zone_type} zone; add a bin to that zone"
        )
    return created
