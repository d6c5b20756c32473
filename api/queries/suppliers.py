"""Suppliers with their contacts, and what each offers, as the purchasing screens read them."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.queries.grouping import grouped
from persistence.tables import Supplier, SupplierContact, SupplierItem
from services.inventory.catalogue import get_existing


async def supplier_names(session: AsyncSession) -> dict[uuid.UUID, str]:
    query = select(Supplier.id, Supplier.name)
    return dict((await session.execute(query)).all())


async def suppliers(session: AsyncSession, status: str | None) -> Sequence[Supplier]:
    """By name; with `status`, only the active or only the blocked ones."""
    query = select(Supplier)
    if status:
        query = query.where(Supplier.status == status)
    return (await session.scalars(query.order_by(Supplier.name))).all()


async def contacts_of(
    session: AsyncSession, supplier_ids: Iterable[uuid.UUID]
) -> defaultdict[uuid.UUID, list[SupplierContact]]:
    """Each supplier's contacts by name, in one query however many suppliers."""
    query = (
        select(SupplierContact)
        .where(SupplierContact.supplier_id.in_(set(supplier_ids)))
        .order_by(SupplierContact.name)
    )
    return grouped((c.supplier_id, c) for c in await session.scalars(query))


async def offers_of(session: AsyncSession, supplier_id: uuid.UUID) -> list[SupplierItem]:
    await get_existing(session, Supplier, supplier_id, "supplier")
    query = select(SupplierItem).where(SupplierItem.supplier_id == supplier_id)
    return list(await session.scalars(query))
