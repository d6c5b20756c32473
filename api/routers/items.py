"""Items: the catalogue of what the workshop keeps — components, finished products,
packaging, tools — with search, barcode lookup, editing, and archiving."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.auth.access import Principal, requires
from api.deps import SessionDep
from api.fields import Dimension, Flag, Level, Page
from api.queries import catalogue
from api.queries.catalogue import ItemFilter
from domain.access import Action
from domain.errors import InvalidInput
from domain.items import BARCODE_PATTERN, SKU_PATTERN, ItemType
from persistence.tables import Item
from services.inventory.catalogue import delete_item, get_existing, insert_unique, update_unique

router = APIRouter()
READ = requires(Action.READ)
CatalogueKeeper = Annotated[Principal, requires(Action.MANAGE_CATALOGUE)]


class ItemOptions(BaseModel):
    """The attributes an item may leave unset, whether it is created or edited."""

    max_stock_level: Level | None = None
    reorder_point: Level | None = None
    barcode: str | None = Field(None, min_length=1, max_length=64, pattern=BARCODE_PATTERN)
    unit_cost: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    weight_grams: Dimension | None = None
    length_mm: Dimension | None = None
    width_mm: Dimension | None = None
    height_mm: Dimension | None = None


class ItemFields(ItemOptions):
    """The attributes an item can be created or edited with."""

    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=4000)
    item_type: ItemType
    category: str = Field(min_length=1, max_length=64)
    unit_of_measure: str = Field("PIECE", min_length=1, max_length=32)
    min_stock_level: Level = 0

    @model_validator(mode="after")
    def _levels(self) -> Self:
        if self.max_stock_level is not None and self.max_stock_level < self.min_stock_level:
            raise ValueError("max_stock_level must not be below min_stock_level")
        return self


class ItemCreate(ItemFields):
    sku: str = Field(min_length=1, max_length=64, pattern=SKU_PATTERN)


class ItemUpdate(ItemOptions):
    """Any of the attributes; `is_active: false` archives the item."""

    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=4000)
    item_type: ItemType | None = None
    category: str | None = Field(None, min_length=1, max_length=64)
    unit_of_measure: str | None = Field(None, min_length=1, max_length=32)
    min_stock_level: Level | None = None
    is_active: Flag | None = None


class ItemOut(BaseModel):
    """An item as it is stored (the bounds are the input's: older rows may lie outside them)."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    sku: str
    name: str
    description: str
    item_type: ItemType
    category: str
    unit_of_measure: str
    min_stock_level: int
    max_stock_level: int | None
    reorder_point: int | None
    barcode: str | None
    unit_cost: Decimal | None
    weight_grams: int | None
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    is_active: bool
    created_at: datetime
    updated_at: datetime


class ItemPage(BaseModel):
    items: list[ItemOut]
    total: int
    page: int
    size: int


class SortField(StrEnum):
    SKU = "sku"
    NAME = "name"
    CATEGORY = "category"
    CREATED_AT = "created_at"


@router.post("/items", status_code=201)
async def create_item(body: ItemCreate, session: SessionDep, _: CatalogueKeeper) -> ItemOut:
    item = await insert_unique(
        session, Item, body.model_dump(mode="json"), [("sku",), ("barcode",)]
    )
    return ItemOut.model_validate(item)


@router.get("/items", dependencies=[READ])
async def list_items(
    session: SessionDep,
    search: Annotated[str | None, Query(description="In SKU, name and description")] = None,
    item_type: ItemType | None = None,
    category: str | None = None,
    barcode: str | None = None,
    active: Annotated[bool | None, Query(description="Archived items have false")] = True,
    sort: SortField = SortField.SKU,
    descending: bool = False,
    page: Annotated[Page, Query()] = 1,
    size: Annotated[int, Query(ge=1, le=200)] = 20,
) -> ItemPage:
    found = ItemFilter(
        search=search, item_type=item_type, category=category, barcode=barcode, active=active
    )
    total, rows = await catalogue.item_page(session, found, sort.value, descending, page, size)
    return ItemPage(
        items=[ItemOut.model_validate(i) for i in rows], total=total, page=page, size=size
    )


@router.get("/items/by-barcode/{code}", dependencies=[READ])
async def item_by_barcode(code: str, session: SessionDep) -> ItemOut:
    """For scanners: the item with this barcode."""
    return ItemOut.model_validate(await catalogue.item_by_barcode(session, code))


@router.get("/items/{item_id}", dependencies=[READ])
async def get_item(item_id: uuid.UUID, session: SessionDep) -> ItemOut:
    return ItemOut.model_validate(await get_existing(session, Item, item_id, "item"))


@router.patch("/items/{item_id}")
async def update_item(
    item_id: uuid.UUID, body: ItemUpdate, session: SessionDep, _: CatalogueKeeper
) -> ItemOut:
    changes = body.model_dump(mode="json", exclude_unset=True)
    item = await update_unique(session, Item, item_id, changes, [("barcode",)], label="item")
    if item.max_stock_level is not None and item.max_stock_level < item.min_stock_level:
        raise InvalidInput("max_stock_level must not be below min_stock_level")
    return ItemOut.model_validate(item)


@router.delete("/items/{item_id}", status_code=204)
async def remove_item(item_id: uuid.UUID, session: SessionDep, _: CatalogueKeeper) -> Response:
    """Delete an item nothing refers to; 409 (archive it instead) while stock, reservations,
    orders, products or purchase orders do."""
    await delete_item(session, item_id)
    return Response(status_code=204)
