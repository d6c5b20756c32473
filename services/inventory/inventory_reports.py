"""Inventory analytics: what is low (with what is on order), and the stock summarised."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Subquery, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.purchasing import OPEN_STATUSES
from persistence.tables import (
    Item,
    PurchaseOrder,
    PurchaseOrderLine,
    Reservation,
    StockLevel,
    SupplierItem,
    Warehouse,
)


@dataclass(frozen=True)
class LowStock:
    item_id: uuid.UUID
    sku: str
    name: str
    item_type: str
    on_hand: int
    reserved: int
    quarantined: int
    available: int
    on_order: int
    min_stock_level: int
    reorder_point: int | None
    threshold: int
    shortfall: int  # threshold - (available + on order); <= 0 when what is ordered covers it


def _on_order() -> Subquery:
    return (
        select(
            PurchaseOrderLine.item_id,
            func.sum(PurchaseOrderLine.quantity - PurchaseOrderLine.received_quantity).label("q"),
        )
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(PurchaseOrder.status.in_([s.value for s in OPEN_STATUSES]))
        .group_by(PurchaseOrderLine.item_id)
        .subquery()
    )


async def low_stock(session: AsyncSession, warehouse_id: uuid.UUID | None = None) -> list[LowStock]:
    """Active items whose available stock is below their minimum or reorder point."""
    levels = select(
        StockLevel.item_id,
        func.sum(StockLevel.on_hand).label("on_hand"),
        func.sum(StockLevel.reserved).label("reserved"),
        func.sum(StockLevel.quarantined).label("quarantined"),
        func.sum(StockLevel.available).label("available"),
    ).group_by(StockLevel.item_id)
    if warehouse_id:
        levels = levels.where(StockLevel.warehouse_id == warehouse_id)
    stock = levels.subquery()
    ordered = _on_order()
    threshold = func.greatest(Item.min_stock_level, func.coalesce(Item.reorder_point, 0))
    available = func.coalesce(stock.c.available, 0)
    rows = await session.execute(
        select(
            Item,
            func.coalesce(stock.c.on_hand, 0),
            func.coalesce(stock.c.reserved, 0),
            func.coalesce(stock.c.quarantined, 0),
            available,
            func.coalesce(ordered.c.q, 0),
        )
        .outerjoin(stock, stock.c.item_id == Item.id)
        .outerjoin(ordered, ordered.c.item_id == Item.id)
        .where(Item.is_active.is_(True), threshold > 0, available < threshold)
        .order_by(Item.sku)
    )
    found = []
    for item, on_hand, reserved, quarantined, free, on_order in rows:
        limit = max(item.min_stock_level, item.reorder_point or 0)
        found.append(
            LowStock(
                item_id=item.id,
                sku=item.sku,
                name=item.name,
                item_type=item.item_type,
                on_hand=int(on_hand),
                reserved=int(reserved),
                quarantined=int(quarantined),
                available=int(free),
                on_order=int(on_order),
                min_stock_level=item.min_stock_level,
                reorder_point=item.reorder_point,
                threshold=limit,
                shortfall=limit - int(free) - int(on_order),
            )
        )
    return found


@dataclass(frozen=True)
class Totals:
    items: int
    on_hand: int
    reserved: int
    value: Decimal


@dataclass(frozen=True)
class Summary:
    items: int
    archived_items: int
    warehouses: int
    open_reservations: int
    low_stock_items: int
    totals: Totals
    by_type: dict[str, Totals]
    by_warehouse: dict[str, Totals]


@dataclass(frozen=True)
class _Held:
    item_id: uuid.UUID
    item_type: str
    warehouse: str
    on_hand: int
    reserved: int
    unit_value: Decimal


def _total(held: list[_Held]) -> Totals:
    value = sum((h.unit_value * h.on_hand for h in held), Decimal(0))
    return Totals(
        items=len({h.item_id for h in held if h.on_hand > 0}),
        on_hand=sum(h.on_hand for h in held),
        reserved=sum(h.reserved for h in held),
        value=value.quantize(Decimal("0.01")),
    )


def unit_values() -> Subquery:
    """What one unit of each item is worth (`item_id`, `value`): its unit cost, else its
    cheapest supplier price, else 0. Every stock value is counted with it."""
    price = (
        select(SupplierItem.item_id, func.min(SupplierItem.unit_price).label("price"))
        .group_by(SupplierItem.item_id)
        .subquery()
    )
    return (
        select(
            Item.id.label("item_id"), func.coalesce(Item.unit_cost, price.c.price, 0).label("value")
        )
        .outerjoin(price, price.c.item_id == Item.id)
        .subquery("unit_values")
    )


async def summary(session: AsyncSession) -> Summary:
    """Counts, units and value (see `unit_values`)."""
    worth = unit_values()
    rows = await session.execute(
        select(
            Item.id,
            Item.item_type,
            Warehouse.code,
            StockLevel.on_hand,
            StockLevel.reserved,
            worth.c.value,
        )
        .join(Item, Item.id == StockLevel.item_id)
        .join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
        .join(worth, worth.c.item_id == Item.id)
    )
    held = [_Held(i, t, w, q, r, Decimal(v)) for i, t, w, q, r, v in rows]
    active, archived, warehouses, reservations = (
        await session.execute(
            select(
                select(func.count()).where(Item.is_active.is_(True)).scalar_subquery(),
                select(func.count()).where(Item.is_active.is_(False)).scalar_subquery(),
                select(func.count()).select_from(Warehouse).scalar_subquery(),
                select(func.count()).where(Reservation.status == "reserved").scalar_subquery(),
            )
        )
    ).one()
    return Summary(
        items=active,
        archived_items=archived,
        warehouses=warehouses,
        open_reservations=reservations,
        low_stock_items=len(await low_stock(session)),
        totals=_total(held),
        by_type={
            k: _total([h for h in held if h.item_type == k])
            for k in sorted({h.item_type for h in held})
        },
        by_warehouse={
            k: _total([h for h in held if h.warehouse == k])
            for k in sorted({h.warehouse for h in held})
        },
    )
