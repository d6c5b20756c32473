"""Inventory: items, warehouses, stock levels, movements (the ledger) and reservations."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import func, or_, select

from api.auth.access import Principal, requires
from api.deps import SessionDep
from domain.access import Action
from domain.stock import MovementType
from persistence.catalogue import get_or_404, insert_unique
from persistence.stock_ledger import (
    LedgerEntry,
    ensure_item_and_warehouse,
    post_movement,
    release_reservation,
    reserve_exact,
)
from persistence.tables import Item, Reservation, StockLevel, StockMovement, Warehouse

router = APIRouter()
READ = requires(Action.READ)
Storekeeper = Annotated[Principal, requires(Action.MOVE_STOCK)]
CatalogueKeeper = Annotated[Principal, requires(Action.MANAGE_CATALOGUE)]


class ItemType(StrEnum):
    COMPONENT = "COMPONENT"
    FINISHED_PRODUCT = "FINISHED_PRODUCT"
    PACKAGING = "PACKAGING"
    TOOL = "TOOL"


class ItemCreate(BaseModel):
    sku: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
    name: str = Field(min_length=1, max_length=200)
    item_type: ItemType
    category: str = Field(min_length=1, max_length=64)
    unit_of_measure: str = Field("PIECE", min_length=1, max_length=32)
    min_stock_level: int = Field(0, ge=0)
    max_stock_level: int | None = Field(None, ge=0)
    barcode: str | None = Field(None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _levels(self) -> Self:
        if self.max_stock_level is not None and self.max_stock_level < self.min_stock_level:
            raise ValueError("max_stock_level must not be below min_stock_level")
        return self


class ItemOut(ItemCreate):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    created_at: datetime


class ItemPage(BaseModel):
    items: list[ItemOut]
    total: int
    page: int
    size: int


class WarehouseCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    code: str = Field(min_length=1, max_length=32)
    address: str = Field("", max_length=300)
    city: str = Field("", max_length=100)
    country: str = Field("", max_length=100)


class WarehouseOut(WarehouseCreate):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    created_at: datetime


class MoveRequest(BaseModel):
    item_id: uuid.UUID
    warehouse_id: uuid.UUID
    quantity: int = Field(description="Positive; for ADJUSTMENT the signed change of on hand")
    reason: str = Field(min_length=1, max_length=2000)
    movement_type: MovementType = MovementType.RECEIPT

    @model_validator(mode="after")
    def _sign(self) -> Self:
        if self.movement_type is MovementType.ADJUSTMENT:
            if self.quantity == 0:
                raise ValueError("an adjustment needs a non-zero quantity")
        elif self.quantity <= 0:
            raise ValueError(f"a {self.movement_type} needs a positive quantity")
        return self


class MovementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    item_id: uuid.UUID
    warehouse_id: uuid.UUID
    movement_type: MovementType
    quantity: int
    delta: int
    reason: str
    order_id: uuid.UUID | None
    purchase_order_id: uuid.UUID | None
    actor: str | None
    created_at: datetime


class StockOut(BaseModel):
    item_id: uuid.UUID
    sku: str
    warehouse_id: uuid.UUID
    on_hand: int
    reserved: int
    available: int


class ReservationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    order_id: uuid.UUID | None
    item_id: uuid.UUID
    warehouse_id: uuid.UUID
    quantity: int
    status: str
    note: str
    created_at: datetime


@router.post("/items", status_code=201)
async def create_item(body: ItemCreate, session: SessionDep, _: CatalogueKeeper) -> ItemOut:
    item = await insert_unique(
        session, Item, body.model_dump(mode="json"), [("sku",), ("barcode",)]
    )
    return ItemOut.model_validate(item)


@router.get("/items", dependencies=[READ])
async def list_items(
    session: SessionDep,
    search: str | None = None,
    item_type: ItemType | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=200)] = 20,
) -> ItemPage:
    query = select(Item)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(func.lower(Item.name).like(pattern), func.lower(Item.sku).like(pattern))
        )
    if item_type:
        query = query.where(Item.item_type == item_type)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(query.order_by(Item.sku).offset((page - 1) * size).limit(size))
    return ItemPage(
        items=[ItemOut.model_validate(i) for i in rows], total=total or 0, page=page, size=size
    )


@router.get("/items/{item_id}", dependencies=[READ])
async def get_item(item_id: uuid.UUID, session: SessionDep) -> ItemOut:
    return ItemOut.model_validate(await get_or_404(session, Item, item_id, "item"))


@router.post("/warehouses", status_code=201)
async def create_warehouse(
    body: WarehouseCreate, session: SessionDep, _: CatalogueKeeper
) -> WarehouseOut:
    warehouse = await insert_unique(session, Warehouse, body.model_dump(), [("code",)])
    return WarehouseOut.model_validate(warehouse)


@router.get("/warehouses", dependencies=[READ])
async def list_warehouses(session: SessionDep) -> list[WarehouseOut]:
    rows = await session.scalars(select(Warehouse).order_by(Warehouse.code))
    return [WarehouseOut.model_validate(w) for w in rows]


@router.get("/warehouses/{warehouse_id}", dependencies=[READ])
async def get_warehouse(warehouse_id: uuid.UUID, session: SessionDep) -> WarehouseOut:
    return WarehouseOut.model_validate(
        await get_or_404(session, Warehouse, warehouse_id, "warehouse")
    )


@router.post("/move", status_code=201)
async def move_stock(body: MoveRequest, session: SessionDep, user: Storekeeper) -> MovementOut:
    """Receive, issue or adjust stock; every change is one ledger row."""
    await ensure_item_and_warehouse(session, body.item_id, body.warehouse_id)
    delta = -body.quantity if body.movement_type is MovementType.ISSUE else body.quantity
    movement_id = await post_movement(
        session,
        LedgerEntry(
            item_id=body.item_id,
            warehouse_id=body.warehouse_id,
            movement_type=body.movement_type,
            delta=delta,
            reason=body.reason,
            actor=user.email,
        ),
    )
    return MovementOut.model_validate(await session.get(StockMovement, movement_id))


@router.get("/stock", dependencies=[READ])
async def stock(
    session: SessionDep, item_id: uuid.UUID | None = None, warehouse_id: uuid.UUID | None = None
) -> list[StockOut]:
    query = select(StockLevel, Item.sku).join(Item, Item.id == StockLevel.item_id)
    if item_id:
        query = query.where(StockLevel.item_id == item_id)
    if warehouse_id:
        query = query.where(StockLevel.warehouse_id == warehouse_id)
    rows = await session.execute(query.order_by(Item.sku, StockLevel.warehouse_id))
    return [
        StockOut(
            item_id=level.item_id,
            sku=sku,
            warehouse_id=level.warehouse_id,
            on_hand=level.on_hand,
            reserved=level.reserved,
            available=level.on_hand - level.reserved,
        )
        for level, sku in rows
    ]


@router.get("/movements", dependencies=[READ])
async def movements(
    session: SessionDep,
    item_id: uuid.UUID | None = None,
    warehouse_id: uuid.UUID | None = None,
    order_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[MovementOut]:
    """The ledger, newest first."""
    query = select(StockMovement)
    if item_id:
        query = query.where(StockMovement.item_id == item_id)
    if warehouse_id:
        query = query.where(StockMovement.warehouse_id == warehouse_id)
    if order_id:
        query = query.where(StockMovement.order_id == order_id)
    rows = await session.scalars(query.order_by(StockMovement.id.desc()).limit(limit))
    return [MovementOut.model_validate(m) for m in rows]


@router.post("/reserve", status_code=201)
async def reserve(
    session: SessionDep,
    _: Storekeeper,
    item_id: uuid.UUID,
    warehouse_id: uuid.UUID,
    quantity: Annotated[int, Query(gt=0)],
    note: Annotated[str, Query(max_length=2000)] = "",
) -> ReservationOut:
    """Reserve exactly `quantity`, or 409 when less is available."""
    reservation = await reserve_exact(session, item_id, warehouse_id, quantity, note=note)
    return ReservationOut.model_validate(reservation)


@router.get("/reservations", dependencies=[READ])
async def reservations(
    session: SessionDep,
    item_id: uuid.UUID | None = None,
    order_id: uuid.UUID | None = None,
    status: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[ReservationOut]:
    query = select(Reservation)
    if item_id:
        query = query.where(Reservation.item_id == item_id)
    if order_id:
        query = query.where(Reservation.order_id == order_id)
    if status:
        query = query.where(Reservation.status == status)
    rows = await session.scalars(query.order_by(Reservation.created_at.desc()).limit(limit))
    return [ReservationOut.model_validate(r) for r in rows]


@router.post("/reservations/{reservation_id}/release")
async def release(reservation_id: uuid.UUID, session: SessionDep, _: Storekeeper) -> ReservationOut:
    reservation = await release_reservation(session, reservation_id)
    await session.flush()
    return ReservationOut.model_validate(reservation)
