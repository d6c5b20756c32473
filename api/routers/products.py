"""Products: finished items with their bills of materials (what an order can be for)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from api.auth.access import Principal, requires
from api.deps import SessionDep, SettingsDep
from api.fields import Flag
from api.queries.products import BomLineIn, ProductOut, all_products, bom_in_stock, products_out
from domain.access import Action
from domain.bom import BomLine as DomainBomLine
from domain.bom import can_build, explode
from persistence.tables import Item, Warehouse
from services.inventory.catalogue import (
    create_product,
    default_warehouse,
    get_existing,
    product_by_sku,
)
from services.orders.order_reservations import awaited_by_open_orders

router = APIRouter()
Planner = Annotated[Principal, requires(Action.MANAGE_PRODUCTS)]


class ProductCreate(BaseModel):
    sku: str = Field(min_length=1, max_length=64, description="A FINISHED_PRODUCT item")
    name: str | None = Field(None, max_length=200, description="Defaults to the item's name")
    requires_soldering: Flag = Field(False, description="Soldered (not hot-swap): adds soldering")
    bom: list[BomLineIn] = Field(min_length=1, max_length=200)


@router.post("/products", status_code=201)
async def create_product_endpoint(
    body: ProductCreate, session: SessionDep, _: Planner
) -> ProductOut:
    bom: dict[str, int] = {}
    for line in body.bom:
        bom[line.sku] = bom.get(line.sku, 0) + line.quantity
    product = await create_product(session, body.sku, body.requires_soldering, bom)
    if body.name:
        item = await session.get(Item, product.item_id)
        assert item is not None
        item.name = body.name
    [created] = await products_out(session, [product])
    return created


@router.get("/products", dependencies=[requires(Action.READ)])
async def list_products(session: SessionDep) -> list[ProductOut]:
    """The catalogue of buildable products, each with its bill of materials."""
    return await products_out(session, await all_products(session))


class CoverageLine(BaseModel):
    sku: str
    name: str
    per_unit: int
    needed: int
    available: int = Field(description="What may be reserved now in the warehouse")
    awaited: int = Field(
        description="What open orders taken earlier still need of it and have not reserved "
        "(in design, or waiting for a purchase): they come first"
    )
    short: int = Field(description="What the order would wait for (0: covered)")


class CoverageOut(BaseModel):
    product_sku: str
    quantity: int
    warehouse_id: uuid.UUID
    buildable: int = Field(description="How many units the available stock covers")
    lines: list[CoverageLine]


@router.get("/products/{sku}/coverage", dependencies=[requires(Action.READ)])
async def product_coverage(
    sku: Annotated[str, Path(max_length=64)],
    session: SessionDep,
    settings: SettingsDep,
    quantity: Annotated[int, Query(gt=0, le=10_000)] = 1,
    warehouse_id: uuid.UUID | None = None,
) -> CoverageOut:
    """Before an order is taken: its bill of materials for `quantity` units against what is
    available in the warehouse (the default one unless named) once the open orders taken
    earlier have reserved what they still need."""
    product = await product_by_sku(session, sku)
    warehouse = (
        await get_existing(session, Warehouse, warehouse_id, "warehouse")
        if warehouse_id
        else await default_warehouse(session, settings.default_warehouse_code)
    )
    rows = await bom_in_stock(session, product.id, warehouse.id)
    bom = [DomainBomLine(row.sku, row.quantity) for row in rows]
    needs = explode(bom, quantity)
    awaited = await awaited_by_open_orders(session, warehouse.id, [row.id for row in rows])
    available = {row.sku: row.available or 0 for row in rows}
    left = {row.sku: max(0, available[row.sku] - awaited.get(row.id, 0)) for row in rows}
    return CoverageOut(
        product_sku=sku,
        quantity=quantity,
        warehouse_id=warehouse.id,
        buildable=can_build(bom, left),
        lines=[
            CoverageLine(
                sku=row.sku,
                name=row.name,
                per_unit=row.quantity,
                needed=needs[row.sku],
                available=available[row.sku],
                awaited=awaited.get(row.id, 0),
                short=max(0, needs[row.sku] - left[row.sku]),
            )
            for row in rows
        ],
    )
