"""Products with their bills of materials, and a bill of materials against the stock."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.fields import Quantity
from api.queries.grouping import grouped
from persistence.tables import BomLine, Item, Product, StockLevel


class BomLineIn(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: Quantity


class ProductOut(BaseModel):
    id: uuid.UUID
    item_id: uuid.UUID
    sku: str
    name: str
    requires_soldering: bool
    bom: list[BomLineIn]
    created_at: datetime


async def products_out(session: AsyncSession, products: Sequence[Product]) -> list[ProductOut]:
    """The products with their items and bills of materials, in two queries however many."""
    ids = [p.id for p in products]
    items = {
        item.id: item
        for item in await session.scalars(
            select(Item).where(Item.id.in_([p.item_id for p in products]))
        )
    }
    boms = grouped(
        (product_id, BomLineIn(sku=sku, quantity=quantity))
        for product_id, sku, quantity in await session.execute(
            select(BomLine.product_id, Item.sku, BomLine.quantity)
            .join(Item, Item.id == BomLine.item_id)
            .where(BomLine.product_id.in_(ids))
            .order_by(Item.sku)
        )
    )
    return [
        ProductOut(
            id=product.id,
            item_id=product.item_id,
            sku=items[product.item_id].sku,
            name=items[product.item_id].name,
            requires_soldering=product.requires_soldering,
            bom=boms[product.id],
            created_at=product.created_at,
        )
        for product in products
    ]


async def all_products(session: AsyncSession) -> Sequence[Product]:
    return (await session.scalars(select(Product).order_by(Product.created_at))).all()


async def bom_in_stock(
    session: AsyncSession, product_id: uuid.UUID, warehouse_id: uuid.UUID
) -> Sequence[Row[uuid.UUID, str, str, int, int]]:
    """Each line of the product's bill of materials (item id, SKU, name, per unit) with what
    is available of it in the warehouse (None: never stocked there), by SKU."""
    query = (
        select(Item.id, Item.sku, Item.name, BomLine.quantity, StockLevel.available)
        .join(Item, Item.id == BomLine.item_id)
        .outerjoin(
            StockLevel,
            (StockLevel.item_id == Item.id) & (StockLevel.warehouse_id == warehouse_id),
        )
        .where(BomLine.product_id == product_id)
        .order_by(Item.sku)
    )
    return (await session.execute(query)).all()
