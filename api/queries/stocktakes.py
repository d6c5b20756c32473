"""Stocktakes as the count screens review them: each line with what the bin holds now and
what posting would adjust."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.queries.catalogue import item_skus
from api.queries.grouping import grouped
from domain.stocktake import CountLine, StocktakeStatus, differences
from persistence.tables import Bin, Stocktake
from services.inventory import stocktakes


class StocktakeLineOut(BaseModel):
    item_id: uuid.UUID
    sku: str
    bin_id: uuid.UUID
    bin_code: str
    expected: int = Field(description="In the bin when the count opened")
    counted: int | None
    current: int = Field(description="In the bin now")
    difference: int | None = Field(description="What posting would adjust: counted - current")
    adjusted_by: int | None = Field(description="What posting adjusted")
    counted_by: str | None


class StocktakeOut(BaseModel):
    id: uuid.UUID
    number: str
    warehouse_id: uuid.UUID
    zone_id: uuid.UUID | None
    status: StocktakeStatus
    note: str
    opened_by: str | None
    opened_at: datetime
    closed_by: str | None
    closed_at: datetime | None
    lines: list[StocktakeLineOut]


async def stocktake_views(session: AsyncSession, found: Sequence[Stocktake]) -> list[StocktakeOut]:
    """Stocktakes with their lines, in a fixed number of queries however many there are."""
    lines = await stocktakes.lines_of(session, *(s.id for s in found))
    keys = [(line.item_id, line.bin_id) for line in lines]
    current = await stocktakes.current_quantities(session, keys)
    skus = await item_skus(session, (ln.item_id for ln in lines))
    codes = dict(
        (
            await session.execute(
                select(Bin.id, Bin.code).where(Bin.id.in_({ln.bin_id for ln in lines}))
            )
        ).all()
    )
    by_stocktake = grouped(
        (line.stocktake_id, line)
        for line in sorted(lines, key=lambda ln: (codes[ln.bin_id], skus[ln.item_id]))
    )

    def out(stocktake: Stocktake) -> StocktakeOut:
        own = by_stocktake[stocktake.id]
        is_open = stocktake.status == StocktakeStatus.OPEN
        pending = differences(
            (CountLine((ln.item_id, ln.bin_id), ln.expected, ln.counted) for ln in own), current
        )
        return StocktakeOut(
            id=stocktake.id,
            number=stocktake.number,
            warehouse_id=stocktake.warehouse_id,
            zone_id=stocktake.zone_id,
            status=StocktakeStatus(stocktake.status),
            note=stocktake.note,
            opened_by=stocktake.opened_by,
            opened_at=stocktake.opened_at,
            closed_by=stocktake.closed_by,
            closed_at=stocktake.closed_at,
            lines=[
                StocktakeLineOut(
                    item_id=line.item_id,
                    sku=skus[line.item_id],
                    bin_id=line.bin_id,
                    bin_code=codes[line.bin_id],
                    expected=line.expected,
                    counted=line.counted,
                    current=current.get((line.item_id, line.bin_id), 0),
                    difference=(
                        pending.get((line.item_id, line.bin_id), 0)
                        if is_open and line.counted is not None
                        else None
                    ),
                    adjusted_by=line.adjusted_by,
                    counted_by=line.counted_by,
                )
                for line in own
            ],
        )

    return [out(stocktake) for stocktake in found]


async def latest_stocktakes(
    session: AsyncSession, status: StocktakeStatus | None, warehouse_id: uuid.UUID | None
) -> list[Stocktake]:
    """The last hundred opened."""
    query = select(Stocktake)
    if status:
        query = query.where(Stocktake.status == status)
    if warehouse_id:
        query = query.where(Stocktake.warehouse_id == warehouse_id)
    return list(await session.scalars(query.order_by(Stocktake.opened_at.desc()).limit(100)))
