"""What an order does to stock: reserve its components, consume them, release them, ship.

Each function converges on a target state instead of adding increments, so running it twice
(a Temporal retry) changes nothing the second time.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.orders import ReserveResult, Shortage
from domain.stock import MovementType, ReservationStatus, StockPosition, ZoneType
from persistence.tables import Item, Order, OrderRequirement, Product, Reservation, Unit
from services.inventory.catalogue import get_existing
from services.inventory.locations import default_bin
from services.inventory.stock_ledger import (
    LedgerEntry,
    StockKey,
    issue_reserved,
    lock_positions,
    post_movement,
    save_position,
)
from services.orders.order_reservations import outstanding_needs, top_up_reservations
from services.purchasing.procurement import trim_demands


async def reserve_for_order(session: AsyncSession, order_id: uuid.UUID) -> ReserveResult:
    """Reserve as much of every outstanding component as is available now.

    The stock rows are locked before the order's needs are read: a goods receipt that
    allocates to this order commits either before (and its reservation is seen) or after.
    """
    order = await get_existing(session, Order, order_id, "order")
    components = await session.scalars(
        select(OrderRequirement.item_id).where(OrderRequirement.order_id == order_id)
    )
    positions = await lock_positions(session, [(item, order.warehouse_id) for item in components])
    needs = await outstanding_needs(session, order_id)
    grants: dict[StockKey, int] = {}
    for key, position in positions.items():
        if key[0] not in needs:
            continue
        granted, new_position = position.reserve_up_to(needs[key[0]])
        if granted:
            grants[key] = granted
            await save_position(session, key, new_position)
    await top_up_reservations(session, order_id, grants)
    left = {item: q - grants.get((item, order.warehouse_id), 0) for item, q in needs.items()}
    await trim_demands(session, order_id, left)
    shortages = await _describe(session, {item: q for item, q in left.items() if q > 0})
    return ReserveResult(complete=not shortages, shortages=shortages)


async def _describe(session: AsyncSession, quantities: Mapping[uuid.UUID, int]) -> list[Shortage]:
    if not quantities:
        return []
    skus = dict(
        (await session.execute(select(Item.id, Item.sku).where(Item.id.in_(quantities)))).all()
    )
    return sorted(
        (Shortage(item_id=i, sku=skus[i], quantity=q) for i, q in quantities.items()),
        key=lambda s: s.sku,
    )


async def _open_reservations(
    session: AsyncSession, order_id: uuid.UUID
) -> tuple[list[Reservation], dict[StockKey, StockPosition]]:
    """The order's open reservations and their stock positions, the stock rows locked first
    (the lock order of every writer) and the reservation rows after them."""
    is_open = (Reservation.order_id == order_id) & (
        Reservation.status == ReservationStatus.RESERVED
    )
    found = await session.execute(
        select(Reservation.item_id, Reservation.warehouse_id).where(is_open)
    )
    positions = await lock_positions(session, list(found))
    reservations = (
        await session.scalars(
            select(Reservation)
            .where(is_open)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).all()
    return list(reservations), positions


async def consume_for_order(session: AsyncSession, order_id: uuid.UUID, actor: str | None) -> int:
    """Issue every reserved component of the order (assembly). Returns the ledger rows written."""
    order = await get_existing(session, Order, order_id, "order")
    reservations, _ = await _open_reservations(session, order_id)
    for reservation in reservations:
        await issue_reserved(
            session,
            LedgerEntry(
                item_id=reservation.item_id,
                warehouse_id=reservation.warehouse_id,
                movement_type=MovementType.ISSUE,
                delta=-reservation.quantity,
                reason=f"consumed by order {order.number} at assembly",
                order_id=order_id,
                idempotency_key=f"{order_id}:consume:{reservation.item_id}",
                actor=actor,
            ),
        )
        reservation.status = ReservationStatus.CONSUMED
    return len(reservations)


async def release_for_order(session: AsyncSession, order_id: uuid.UUID) -> int:
    """Release every open reservation of the order (cancellation). Returns how many."""
    reservations, positions = await _open_reservations(session, order_id)
    for reservation in reservations:
        key = (reservation.item_id, reservation.warehouse_id)
        positions[key] = positions[key].release(reservation.quantity)
        await save_position(session, key, positions[key])
        reservation.status = ReservationStatus.RELEASED
    return len(reservations)


async def record_shipment(session: AsyncSession, order_id: uuid.UUID, actor: str | None) -> None:
    """The finished units enter the shipping bin from production and leave it to the customer."""
    order = await get_existing(session, Order, order_id, "order")
    product = await session.get(Product, order.product_id)
    assert product is not None
    dispatch = await default_bin(session, order.warehouse_id, ZoneType.SHIPPING)
    for movement_type, delta, reason, step in (
        (MovementType.RECEIPT, order.quantity, "finished units from production", "receipt"),
        (MovementType.ISSUE, -order.quantity, "shipped to the customer", "issue"),
    ):
        await post_movement(
            session,
            LedgerEntry(
                item_id=product.item_id,
                warehouse_id=order.warehouse_id,
                movement_type=movement_type,
                delta=delta,
                bin_id=dispatch,
                reason=f"{reason} (order {order.number})",
                order_id=order_id,
                idempotency_key=f"{order_id}:ship:{step}",
                actor=actor,
            ),
        )
    await session.execute(
        update(Unit)
        .where(Unit.order_id == order_id, Unit.shipped_at.is_(None))
        .values(shipped_at=func.now())
    )
