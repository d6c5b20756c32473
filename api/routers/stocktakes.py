"""Stocktakes: count a warehouse or a zone, review the differences, post them."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select

from api.auth.access import Principal, requires
from api.deps import SessionDep
from api.fields import Count
from domain.access import Action
from domain.stocktake import CountLine, StocktakeStatus, differences
from persistence import stocktakes
from persistence.catalogue import get_existing
from persistence.tables import Bin, Item, Stocktake, StocktakeLine

router = APIRouter()
READ = requires(Action.READ)
Storekeeper = Annotated[Principal, requires(Action.MOVE_STOCK)]


class StocktakeOpen(BaseModel):
    warehouse_id: uuid.UUID
    zone_id: uuid.UUID | None = Field(None, description="Count one zone; all of it without")
    note: str = Field("", max_length=2000)


class CountIn(BaseModel):
    item_id: uuid.UUID
    bin_id: uuid.UUID
    counted: Count


class CountsIn(BaseModel):
    lines: list[CountIn] = Field(min_length=1, max_length=5000)


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


async def _view(session: SessionDep, stocktake_id: uuid.UUID) -> StocktakeOut:
    await session.flush()
    return (
        await _views(session, [await get_existing(session, Stocktake, stocktake_id, "stocktake")])
    )[0]


async def _views(session: SessionDep, found: Sequence[Stocktake]) -> list[StocktakeOut]:
    """Stocktakes with their lines, in a fixed number of queries however many there are."""
    lines = await stocktakes.lines_of(session, *(s.id for s in found))
    keys = [(line.item_id, line.bin_id) for line in lines]
    current = await stocktakes.current_quantities(session, keys)
    skus = dict(
        (
            await session.execute(
                select(Item.id, Item.sku).where(Item.id.in_({ln.item_id for ln in lines}))
            )
        ).all()
    )
    codes = dict(
        (
            await session.execute(
                select(Bin.id, Bin.code).where(Bin.id.in_({ln.bin_id for ln in lines}))
            )
        ).all()
    )
    by_stocktake: dict[uuid.UUID, list[StocktakeLine]] = defaultdict(list)
    for line in sorted(lines, key=lambda ln: (codes[ln.bin_id], skus[ln.item_id])):
        by_stocktake[line.stocktake_id].append(line)

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


@router.post("/stocktakes", status_code=201)
async def open_stocktake(
    body: StocktakeOpen, session: SessionDep, user: Storekeeper
) -> StocktakeOut:
    """Open a count: every bin's stock in the area is listed with what the system expects."""
    stocktake = await stocktakes.open_stocktake(
        session, body.warehouse_id, body.zone_id, body.note, user.email
    )
    return await _view(session, stocktake.id)


@router.get("/stocktakes", dependencies=[READ])
async def list_stocktakes(
    session: SessionDep,
    status: StocktakeStatus | None = None,
    warehouse_id: uuid.UUID | None = None,
) -> list[StocktakeOut]:
    query = select(Stocktake)
    if status:
        query = query.where(Stocktake.status == status)
    if warehouse_id:
        query = query.where(Stocktake.warehouse_id == warehouse_id)
    found = list(await session.scalars(query.order_by(Stocktake.opened_at.desc()).limit(100)))
    return await _views(session, found)


@router.get("/stocktakes/{stocktake_id}", dependencies=[READ])
async def get_stocktake(stocktake_id: uuid.UUID, session: SessionDep) -> StocktakeOut:
    """The review: expected, counted, in the bin now, and the difference posting would make."""
    return await _view(session, stocktake_id)


@router.put("/stocktakes/{stocktake_id}/counts")
async def record_counts(
    stocktake_id: uuid.UUID, body: CountsIn, session: SessionDep, user: Storekeeper
) -> StocktakeOut:
    await stocktakes.record_counts(
        session,
        stocktake_id,
        [stocktakes.Count(c.item_id, c.bin_id, c.counted) for c in body.lines],
        user.email,
    )
    return await _view(session, stocktake_id)


@router.post("/stocktakes/{stocktake_id}/post")
async def post_stocktake(
    stocktake_id: uuid.UUID, session: SessionDep, user: Storekeeper
) -> StocktakeOut:
    """Post the differences as adjustments (reason code COUNT), all in one transaction."""
    await stocktakes.post_stocktake(session, stocktake_id, user.email)
    return await _view(session, stocktake_id)


@router.post("/stocktakes/{stocktake_id}/cancel")
async def cancel_stocktake(
    stocktake_id: uuid.UUID, session: SessionDep, user: Storekeeper
) -> StocktakeOut:
    await stocktakes.cancel_stocktake(session, stocktake_id, user.email)
    return await _view(session, stocktake_id)
