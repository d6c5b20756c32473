"""Creating catalogue records whose business keys must stay unique (SKU, barcode, codes)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict, Duplicate, NotFound
from persistence.tables import (
    Base,
    BinStock,
    BomLine,
    Item,
    OrderRequirement,
    Product,
    PurchaseOrderLine,
    Reservation,
    StockLevel,
    StockMovement,
    SupplierItem,
    Warehouse,
)

T = TypeVar("T", bound=Base)


async def insert_unique(
    session: AsyncSession,
    model: type[T],
    values: Mapping[str, Any],
    unique_keys: Sequence[tuple[str, ...]],
) -> T:
    """Insert a row, or raise Duplicate naming the first unique key (columns) that is taken.

    `ON CONFLICT DO NOTHING` makes the race between two creators safe: one wins, the other is
    told which key was taken.
    """
    row_id = values.get("id") or uuid.uuid4()
    table = cast(Table, model.__table__)
    inserted = await session.execute(
        insert(table)
        .values({**values, "id": row_id})
        .on_conflict_do_nothing()
        .returning(table.c.id)
    )
    if inserted.first() is None:
        for columns in unique_keys:
            taken = select(table.c.id).where(*(table.c[c] == values.get(c) for c in columns))
            if all(values.get(c) is not None for c in columns) and await session.scalar(taken):
                shown = ", ".join(f"{c} {values[c]!r}" for c in columns)
                raise Duplicate(f"{model.__tablename__}: {shown} already exists", field=columns[-1])
        raise Duplicate(f"this {model.__tablename__} record already exists")
    created = await session.get(model, row_id)
    assert created is not None
    return created


async def item_by_sku(session: AsyncSession, sku: str) -> Item:
    item = await session.scalar(select(Item).where(Item.sku == sku))
    if item is None:
        raise NotFound(f"no item has SKU {sku!r}", sku=sku)
    return item


async def product_by_sku(session: AsyncSession, sku: str) -> Product:
    item = await item_by_sku(session, sku)
    product = await session.scalar(select(Product).where(Product.item_id == item.id))
    if product is None:
        raise NotFound(
            f"{item.sku} has no bill of materials; create the product first", sku=item.sku
        )
    return product


async def get_existing(
    session: AsyncSession, model: type[T], row_id: uuid.UUID, label: str, *, lock: bool = False
) -> T:
    """The row, locked FOR UPDATE when asked; NotFound naming the `label` when there is none."""
    row = await session.get(model, row_id, with_for_update=lock or None)
    if row is None:
        raise NotFound(f"{label} {row_id} does not exist", id=str(row_id))
    return row


async def create_product(
    session: AsyncSession, sku: str, requires_soldering: bool, bom: Mapping[str, int]
) -> Product:
    """A product is a FINISHED_PRODUCT item plus its bill of materials (component SKU -> qty)."""
    item = await item_by_sku(session, sku)
    if item.item_type != "FINISHED_PRODUCT":
        raise Conflict(f"{sku} is a {item.item_type}, not a FINISHED_PRODUCT", sku=sku)
    components = {
        c.sku: c for c in (await session.scalars(select(Item).where(Item.sku.in_(bom)))).all()
    }
    missing = sorted(set(bom) - set(components))
    if missing:
        raise NotFound(f"unknown component SKUs: {', '.join(missing)}", skus=",".join(missing))
    if sku in bom:
        raise Conflict("a product cannot contain itself")
    product = await insert_unique(
        session,
        Product,
        {"item_id": item.id, "requires_soldering": requires_soldering},
        [("item_id",)],
    )
    session.add_all(
        BomLine(product_id=product.id, item_id=components[c].id, quantity=q) for c, q in bom.items()
    )
    await session.flush()
    return product


async def default_warehouse(session: AsyncSession, code: str) -> Warehouse:
    """The warehouse orders use when none is named: the configured code, else the oldest."""
    found = await session.scalar(select(Warehouse).where(Warehouse.code == code))
    found = found or await session.scalar(select(Warehouse).order_by(Warehouse.created_at).limit(1))
    if found is None:
        raise Conflict("there is no warehouse yet; create one first")
    return found


async def update_unique(
    session: AsyncSession,
    model: type[T],
    row_id: uuid.UUID,
    changes: Mapping[str, Any],
    unique_keys: Sequence[tuple[str, ...]],
    *,
    label: str,
) -> T:
    """Apply `changes` to a row, or raise Duplicate when they take a unique key of another."""
    row = await get_existing(session, model, row_id, label)
    try:
        async with session.begin_nested():
            for name, value in changes.items():
                setattr(row, name, value)
            await session.flush()
        await session.refresh(row)  # server-side values (updated_at) come back
    except IntegrityError as clash:
        await session.refresh(row)
        for columns in unique_keys:
            if any(c in changes for c in columns):
                shown = ", ".join(f"{c} {changes.get(c)!r}" for c in columns)
                raise Duplicate(f"{label}: {shown} already exists", field=columns[-1]) from clash
        raise
    return row


async def delete_item(session: AsyncSession, item_id: uuid.UUID) -> None:
    """Delete an item that nothing refers to; otherwise Conflict naming what does (archive
    it instead: its history stays)."""
    item = await get_existing(session, Item, item_id, "item")
    references = {
        "stock on hand": select(StockLevel.item_id).where(
            StockLevel.item_id == item_id, StockLevel.on_hand > 0
        ),
        "reservations": select(Reservation.id).where(Reservation.item_id == item_id),
        "movements in the ledger": select(StockMovement.id).where(StockMovement.item_id == item_id),
        "products": select(Product.id).where(Product.item_id == item_id),
        "bills of materials": select(BomLine.item_id).where(BomLine.item_id == item_id),
        "orders": select(OrderRequirement.item_id).where(OrderRequirement.item_id == item_id),
        "purchase orders": select(PurchaseOrderLine.id).where(PurchaseOrderLine.item_id == item_id),
    }
    found = [what for what, query in references.items() if await session.scalar(query.limit(1))]
    if found:
        raise Conflict(
            f"{item.sku} is still referred to by {', '.join(found)}; archive it instead "
            "(PATCH is_active=false)",
            sku=item.sku,
        )
    await session.execute(delete(SupplierItem).where(SupplierItem.item_id == item_id))
    await session.execute(delete(StockLevel).where(StockLevel.item_id == item_id))
    await session.execute(delete(BinStock).where(BinStock.item_id == item_id))
    await session.delete(item)
