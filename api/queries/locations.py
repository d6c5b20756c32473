"""Warehouses, their zones and bins, and the zones' readings, as the lists show them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.tables import Bin, Warehouse, Zone, ZoneReading
from services.inventory.catalogue import get_existing


async def warehouses(session: AsyncSession) -> Sequence[Warehouse]:
    return (await session.scalars(select(Warehouse).order_by(Warehouse.code))).all()


async def zones_of(session: AsyncSession, warehouse_id: uuid.UUID) -> Sequence[Zone]:
    await get_existing(session, Warehouse, warehouse_id, "warehouse")
    query = select(Zone).where(Zone.warehouse_id == warehouse_id).order_by(Zone.name)
    return (await session.scalars(query)).all()


async def bins_of(session: AsyncSession, warehouse_id: uuid.UUID) -> Sequence[Bin]:
    await get_existing(session, Warehouse, warehouse_id, "warehouse")
    query = select(Bin).where(Bin.warehouse_id == warehouse_id).order_by(Bin.code)
    return (await session.scalars(query)).all()


async def bins_in(session: AsyncSession, zone_id: uuid.UUID) -> Sequence[Bin]:
    await get_existing(session, Zone, zone_id, "zone")
    query = select(Bin).where(Bin.zone_id == zone_id).order_by(Bin.code)
    return (await session.scalars(query)).all()


async def readings(
    session: AsyncSession, zone_id: uuid.UUID, out_of_range: bool | None, limit: int
) -> Sequence[ZoneReading]:
    """Newest first; with `out_of_range`, only the flagged ones (or only the others)."""
    await get_existing(session, Zone, zone_id, "zone")
    query = select(ZoneReading).where(ZoneReading.zone_id == zone_id)
    if out_of_range is not None:
        query = query.where(ZoneReading.out_of_range.is_(out_of_range))
    newest = query.order_by(ZoneReading.recorded_at.desc()).limit(limit)
    return (await session.scalars(newest)).all()
