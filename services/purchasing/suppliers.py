"""Suppliers: their records, contacts and offers (with price breaks)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict
from persistence.tables import (
    Item,
    PurchaseOrder,
    Supplier,
    SupplierContact,
    SupplierItem,
    SupplierPriceBreak,
)
from services.inventory.catalogue import get_existing, insert_unique, update_unique


async def set_contacts(
    session: AsyncSession, supplier_id: uuid.UUID, contacts: Sequence[Mapping[str, Any]]
) -> None:
    """Replace the supplier's contacts."""
    await session.execute(delete(SupplierContact).where(SupplierContact.supplier_id == supplier_id))
    session.add_all(SupplierContact(supplier_id=supplier_id, **c) for c in contacts)
    await session.flush()


async def create_supplier(
    session: AsyncSession, values: Mapping[str, Any], contacts: Sequence[Mapping[str, Any]]
) -> Supplier:
    supplier = await insert_unique(session, Supplier, values, [("name",)])
    await set_contacts(session, supplier.id, contacts)
    return supplier


async def update_supplier(
    session: AsyncSession,
    supplier_id: uuid.UUID,
    changes: Mapping[str, Any],
    contacts: Sequence[Mapping[str, Any]] | None,
) -> Supplier:
    supplier = await update_unique(
        session, Supplier, supplier_id, changes, [("name",)], label="supplier"
    )
    if contacts is not None:
        await set_contacts(session, supplier_id, contacts)
    return supplier


async def delete_supplier(session: AsyncSession, supplier_id: uuid.UUID) -> None:
    supplier = await get_existing(session, Supplier, supplier_id, "supplier")
    if await session.scalar(
        select(PurchaseOrder.id).where(PurchaseOrder.supplier_id == supplier_id).limit(1)
    ):
        raise Conflict(
            f"{supplier.name} has purchase orders; block it instead (status blocked)",
            supplier_id=str(supplier_id),
        )
    # Price breaks go with their offers, contacts with the supplier (ON DELETE CASCADE).
    await session.execute(delete(SupplierItem).where(SupplierItem.supplier_id == supplier_id))
    await session.delete(supplier)


async def set_price_breaks(
    session: AsyncSession, offer_id: uuid.UUID, breaks: Sequence[tuple[int, Decimal]]
) -> None:
    await session.execute(
        delete(SupplierPriceBreak).where(SupplierPriceBreak.supplier_item_id == offer_id)
    )
    session.add_all(
        SupplierPriceBreak(supplier_item_id=offer_id, min_quantity=q, unit_price=p)
        for q, p in breaks
    )
    await session.flush()


async def create_offer(
    session: AsyncSession,
    supplier_id: uuid.UUID,
    values: Mapping[str, Any],
    breaks: Sequence[tuple[int, Decimal]],
) -> SupplierItem:
    await get_existing(session, Supplier, supplier_id, "supplier")
    await get_existing(session, Item, values["item_id"], "item")
    offer = await insert_unique(
        session, SupplierItem, {"supplier_id": supplier_id, **values}, [("supplier_id", "item_id")]
    )
    await set_price_breaks(session, offer.id, breaks)
    return offer


async def offer_of(
    session: AsyncSession, supplier_id: uuid.UUID, offer_id: uuid.UUID
) -> SupplierItem:
    offer = await get_existing(session, SupplierItem, offer_id, "supplier item")
    if offer.supplier_id != supplier_id:
        raise Conflict("that offer belongs to another supplier", offer_id=str(offer_id))
    return offer
