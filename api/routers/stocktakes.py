"""Stocktakes: count a warehouse or a zone, review the differences, post them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.auth.access import Principal, requires
from api.deps import SessionDep
from api.fields import Count
from api.queries.stocktakes import StocktakeOut, latest_stocktakes, stocktake_views
from domain.access import Action
from domain.stocktake import StocktakeStatus
from persistence.tables import Stocktake
from services.inventory import stocktakes
from services.inventory.catalogue import get_existing

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


async def _view(session: SessionDep, stocktake_id: uuid.UUID) -> StocktakeOut:
    await session.flush()
    return (
        await stocktake_views(
            session, [await get_existing(session, Stocktake, stocktake_id, "stocktake")]
        )
    )[0]


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
    found = await latest_stocktakes(session, status, warehouse_id)
    return await stocktake_views(session, found)


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
