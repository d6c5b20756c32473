"""Stock as the warehouse screens read it: levels with their bins, the ledger, reservations."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends
from pydantic import BaseModel, Field
from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from api.queries.grouping import grouped
from api.queries.paging import count
from domain.stock import MovementType
from persistence.search import mentions
from persistence.tables import Bin, BinStock, Item, Reservation, StockLevel, StockMovement


class BinLevelOut(BaseModel):
    bin_id: uuid.UUID
    bin_code: str
    on_hand: int


class StockOut(BaseModel):
    item_id: uuid.UUID
    sku: str
    warehouse_id: uuid.UUID
    on_hand: int
    reserved: int
    quarantined: int = Field(
        description="On hand in quarantine bins: neither reservable nor pickable"
    )
    available: int = Field(description="on_hand - quarantined - reserved")
    bins: list[BinLevelOut]


@dataclass(frozen=True)
class StockFilter:
    item_id: uuid.UUID | None = None
    warehouse_id: uuid.UUID | None = None
    bin_id: uuid.UUID | None = None  # what has stock in this bin
    search: str | None = None  # in the SKU, the name and the barcode


async def stock_page(
    session: AsyncSession, found: StockFilter, limit: int, offset: int
) -> tuple[int, list[StockOut]]:
    """How many levels match, and one page of them by SKU with their bins: three queries."""
    query = select(StockLevel, Item.sku).join(Item, Item.id == StockLevel.item_id)
    if found.search:
        query = query.where(mentions(found.search, Item.sku, Item.name, Item.barcode))
    if found.item_id:
        query = query.where(StockLevel.item_id == found.item_id)
    if found.warehouse_id:
        query = query.where(StockLevel.warehouse_id == found.warehouse_id)
    if found.bin_id:
        query = query.where(
            select(BinStock.item_id)
            .where(
                BinStock.bin_id == found.bin_id,
                BinStock.item_id == StockLevel.item_id,
                BinStock.warehouse_id == StockLevel.warehouse_id,
                BinStock.on_hand > 0,
            )
            .exists()
        )
    total = await count(session, query)
    ordered = query.order_by(Item.sku, StockLevel.warehouse_id).offset(offset).limit(limit)
    levels = (await session.execute(ordered)).all()
    if not levels:
        return total, []
    in_bins = await session.execute(
        select(BinStock.item_id, BinStock.warehouse_id, BinStock.bin_id, Bin.code, BinStock.on_hand)
        .join(Bin, Bin.id == BinStock.bin_id)
        .where(
            tuple_(BinStock.item_id, BinStock.warehouse_id).in_(
                {(level.item_id, level.warehouse_id) for level, _ in levels}
            ),
            BinStock.on_hand > 0,
        )
        .order_by(Bin.code)
    )
    bins = grouped(
        ((item, warehouse), BinLevelOut(bin_id=bin_, bin_code=code, on_hand=on_hand))
        for item, warehouse, bin_, code, on_hand in in_bins
    )
    return total, [
        StockOut(
            item_id=level.item_id,
            sku=sku,
            warehouse_id=level.warehouse_id,
            on_hand=level.on_hand,
            reserved=level.reserved,
            quarantined=level.quarantined,
            available=level.available,
            bins=bins[level.item_id, level.warehouse_id],
        )
        for level, sku in levels
    ]


async def movements_query(
    item_id: uuid.UUID | None = None,
    warehouse_id: uuid.UUID | None = None,
    bin_id: uuid.UUID | None = None,
    order_id: uuid.UUID | None = None,
    purchase_order_id: uuid.UUID | None = None,
    movement_type: MovementType | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Select[StockMovement]:
    """The ledger filtered, newest first (shared with the CSV export)."""
    query = select(StockMovement)
    for column, value in (
        (StockMovement.item_id, item_id),
        (StockMovement.warehouse_id, warehouse_id),
        (StockMovement.bin_id, bin_id),
        (StockMovement.order_id, order_id),
        (StockMovement.purchase_order_id, purchase_order_id),
        (StockMovement.movement_type, movement_type),
    ):
        if value is not None:
            query = query.where(column == value)
    if since:
        query = query.where(StockMovement.created_at >= since)
    if until:
        query = query.where(StockMovement.created_at < until)
    return query.order_by(StockMovement.id.desc())


MovementFilter = Annotated[Select[StockMovement], Depends(movements_query)]


async def movements_by_id(session: AsyncSession, ids: Sequence[int]) -> list[StockMovement]:
    query = select(StockMovement).where(StockMovement.id.in_(ids)).order_by(StockMovement.id)
    return list(await session.scalars(query))


async def reservations(
    session: AsyncSession,
    item_id: uuid.UUID | None,
    warehouse_id: uuid.UUID | None,
    order_id: uuid.UUID | None,
    status: str | None,
    limit: int,
) -> Sequence[Reservation]:
    """Newest first."""
    query = select(Reservation)
    if item_id:
        query = query.where(Reservation.item_id == item_id)
    if warehouse_id:
        query = query.where(Reservation.warehouse_id == warehouse_id)
    if order_id:
        query = query.where(Reservation.order_id == order_id)
    if status:
        query = query.where(Reservation.status == status)
    newest = query.order_by(Reservation.created_at.desc()).limit(limit)
    return (await session.scalars(newest)).all()
