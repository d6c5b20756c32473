"""The items as the catalogue lists and finds them, and the SKUs other views show."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.queries.paging import count
from domain.errors import NotFound
from domain.items import ItemType
from persistence.search import mentions
from persistence.tables import Item, Product


@dataclass(frozen=True)
class ItemFilter:
    search: str | None = None  # in the SKU, the name and the description
    item_type: ItemType | None = None
    category: str | None = None  # whatever its case
    barcode: str | None = None
    active: bool | None = True  # None: archived ones too


async def item_page(
    session: AsyncSession, found: ItemFilter, sort: str, descending: bool, page: int, size: int
) -> tuple[int, Sequence[Item]]:
    """How many items match, and one page of them sorted by the column `sort` (then SKU)."""
    query = select(Item)
    if found.search:
        query = query.where(mentions(found.search, Item.name, Item.sku, Item.description))
    if found.item_type:
        query = query.where(Item.item_type == found.item_type)
    if found.category:
        query = query.where(func.lower(Item.category) == found.category.lower())
    if found.barcode:
        query = query.where(Item.barcode == found.barcode)
    if found.active is not None:
        query = query.where(Item.is_active.is_(found.active))
    column = getattr(Item, sort)
    order = [column.desc() if descending else column.asc(), Item.sku]
    rows = await session.scalars(query.order_by(*order).offset((page - 1) * size).limit(size))
    return await count(session, query), rows.all()


async def item_by_barcode(session: AsyncSession, code: str) -> Item:
    item = await session.scalar(select(Item).where(Item.barcode == code))
    if item is None:
        raise NotFound(f"no item has barcode {code!r}", barcode=code)
    return item


async def item_skus(session: AsyncSession, item_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    query = select(Item.id, Item.sku).where(Item.id.in_(set(item_ids)))
    return dict((await session.execute(query)).all())


async def product_skus(
    session: AsyncSession, product_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, str]:
    query = (
        select(Product.id, Item.sku)
        .join(Item, Item.id == Product.item_id)
        .where(Product.id.in_(set(product_ids)))
    )
    return dict((await session.execute(query)).all())
