"""What suppliers offer: prices, price breaks, minimum quantities, packs, lead times."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.purchasing import SupplierOffer
from persistence.tables import Supplier, SupplierItem, SupplierPriceBreak


async def offers_for(
    session: AsyncSession, item_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[SupplierOffer[uuid.UUID, uuid.UUID]]]:
    """Every supplier's offer for the items, with its price breaks; blocked ones inactive."""
    rows = (
        await session.execute(
            select(SupplierItem, Supplier.status)
            .join(Supplier, Supplier.id == SupplierItem.supplier_id)
            .where(SupplierItem.item_id.in_(list(item_ids)))
        )
    ).all()
    breaks = await price_breaks(session, [si.id for si, _ in rows])
    offers: dict[uuid.UUID, list[SupplierOffer[uuid.UUID, uuid.UUID]]] = defaultdict(list)
    for si, status in rows:
        offers[si.item_id].append(
            SupplierOffer(
                supplier=si.supplier_id,
                item=si.item_id,
                unit_price=si.unit_price,
                min_order_qty=si.min_order_qty,
                lead_time_days=si.lead_time_days,
                preferred=si.preferred,
                pack_size=si.pack_size,
                active=status == "active",
                price_breaks=tuple(breaks.get(si.id, [])),
            )
        )
    return offers


async def price_breaks(
    session: AsyncSession, offer_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[int, Decimal]]]:
    found: dict[uuid.UUID, list[tuple[int, Decimal]]] = {}
    for pb in await session.scalars(
        select(SupplierPriceBreak)
        .where(SupplierPriceBreak.supplier_item_id.in_(offer_ids))
        .order_by(SupplierPriceBreak.min_quantity)
    ):
        found.setdefault(pb.supplier_item_id, []).append((pb.min_quantity, pb.unit_price))
    return found
