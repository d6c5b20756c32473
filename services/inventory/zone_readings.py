"""A zone's temperature and humidity readings: each judged against the zone's limits, and the
storekeepers told when the zone leaves them (not at every reading while it stays out)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.settings import Settings
from domain.locations import Range, reading_problems
from domain.notifications import zone_news, zone_notice
from persistence.tables import Warehouse, Zone, ZoneReading
from services.inventory.catalogue import get_existing
from services.notifications.dispatch import Queued, notify


@dataclass(frozen=True)
class Recorded:
    reading: ZoneReading
    warehouse: Warehouse
    zone: Zone
    queued: Queued


async def record_reading(
    session: AsyncSession,
    settings: Settings,
    zone_id: uuid.UUID,
    *,
    temperature: Decimal | None,
    humidity: Decimal | None,
    recorded_at: datetime,
    recorded_by: str,
) -> Recorded:
    # The zone is held so that two readings at once judge "newly out" one after the other.
    zone = await get_existing(session, Zone, zone_id, "zone", lock=True)
    problems = reading_problems(
        temperature,
        humidity,
        climate=Range(zone.min_temperature, zone.max_temperature),
        moisture=Range(zone.min_humidity, zone.max_humidity),
    )
    latest = (
        await session.execute(
            select(ZoneReading.recorded_at, ZoneReading.out_of_range)
            .where(ZoneReading.zone_id == zone.id)
            .order_by(ZoneReading.recorded_at.desc(), ZoneReading.id.desc())
            .limit(1)
        )
    ).first()
    reading = ZoneReading(
        zone_id=zone.id,
        temperature=temperature,
        humidity=humidity,
        out_of_range=bool(problems),
        problems="; ".join(problems),
        recorded_at=recorded_at,
        recorded_by=recorded_by,
    )
    session.add(reading)
    await session.flush()
    warehouse = await session.get_one(Warehouse, zone.warehouse_id)
    queued = Queued()
    # A reading from before the latest one is history: the zone's state is the latest's.
    current = latest is None or recorded_at >= latest.recorded_at
    if current and zone_news(latest.out_of_range if latest else None, bool(problems)):
        notice = zone_notice(reading.id, warehouse.name, zone.name, problems)
        queued = await notify(session, settings, notice)
    return Recorded(reading, warehouse, zone, queued)
