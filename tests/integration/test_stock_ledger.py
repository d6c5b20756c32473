"""Stock moves through the ledger; reservations compete safely on real PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import select

from domain.errors import Conflict, InsufficientStock
from domain.stock import MovementType, ZoneType
from persistence.database import SessionFactory
from persistence.tables import Warehouse, Zone
from services.inventory.locations import default_bin
from services.inventory.reservations import release_reservation, reserve_exact
from services.inventory.stock_ledger import LedgerEntry, post_movement
from tests.support import Demo, assert_stock_consistent, ledger_sum, stock_of


async def test_receipts_issues_and_adjustments_are_ledger_rows(
    sessions: SessionFactory, demo: Demo
) -> None:
    item, warehouse = demo.items["CABLE-USBC"], demo.warehouse_id
    async with sessions.begin() as session:
        for movement_type, delta in [
            (MovementType.RECEIPT, 30),
            (MovementType.ISSUE, -5),
            (MovementType.ADJUSTMENT, -2),
        ]:
            await post_movement(session, LedgerEntry(item, warehouse, movement_type, delta, "t"))
    async with sessions() as session:
        assert await stock_of(session, demo, "CABLE-USBC") == (20 + 30 - 5 - 2, 0)
        assert await ledger_sum(session, item, warehouse) == 43
        await assert_stock_consistent(sessions)


async def test_an_idempotency_key_books_a_movement_once(
    sessions: SessionFactory, demo: Demo
) -> None:
    entry = LedgerEntry(
        demo.items["BOX-65"], demo.warehouse_id, MovementType.ISSUE, -3, "t", idempotency_key="k1"
    )
    for _ in range(3):
        async with sessions.begin() as session:
            await post_movement(session, entry)
    async with sessions() as session:
        assert await stock_of(session, demo, "BOX-65") == (17, 0)


async def test_issuing_more_than_available_changes_nothing(
    sessions: SessionFactory, demo: Demo
) -> None:
    with pytest.raises(InsufficientStock):
        async with sessions.begin() as session:
            await post_movement(
                session,
                LedgerEntry(demo.items["BOX-65"], demo.warehouse_id, MovementType.ISSUE, -21, "t"),
            )
    async with sessions() as session:
        assert await stock_of(session, demo, "BOX-65") == (20, 0)
        await assert_stock_consistent(sessions)


async def test_reserved_stock_cannot_be_issued(sessions: SessionFactory, demo: Demo) -> None:
    async with sessions.begin() as session:
        await reserve_exact(session, demo.items["BOX-65"], demo.warehouse_id, 15)
    with pytest.raises(InsufficientStock, match="only 5 available"):
        async with sessions.begin() as session:
            await post_movement(
                session,
                LedgerEntry(demo.items["BOX-65"], demo.warehouse_id, MovementType.ISSUE, -6, "t"),
            )


async def test_a_released_reservation_frees_the_stock_once(
    sessions: SessionFactory, demo: Demo
) -> None:
    async with sessions.begin() as session:
        reservation = await reserve_exact(session, demo.items["BOX-65"], demo.warehouse_id, 15)
    async with sessions.begin() as session:
        await release_reservation(session, reservation.id)
    with pytest.raises(Conflict, match="already released"):
        async with sessions.begin() as session:
            await release_reservation(session, reservation.id)
    async with sessions() as session:
        assert await stock_of(session, demo, "BOX-65") == (20, 0)
        await assert_stock_consistent(sessions)


async def test_concurrent_reservations_never_exceed_the_stock(
    sessions: SessionFactory, demo: Demo
) -> None:
    """300 switches on hand; 40 requests of 68 race. Exactly 4 may win (272), none more."""
    item, warehouse = demo.items["SW-LIN-RED"], demo.warehouse_id

    async def attempt() -> bool:
        try:
            async with sessions.begin() as session:
                await reserve_exact(session, item, warehouse, 68)
        except InsufficientStock:
            return False
        return True

    outcomes = await asyncio.gather(*(attempt() for _ in range(40)))
    assert sum(outcomes) == 4
    async with sessions() as session:
        assert await stock_of(session, demo, "SW-LIN-RED") == (300, 272)
        await assert_stock_consistent(sessions)


async def test_two_transactions_racing_for_the_same_stock_cannot_both_win(
    sessions: SessionFactory, demo: Demo
) -> None:
    """The classic allocation race, made deterministic: both read availability, then both
    reserve the whole stock of 20 boxes. The second blocks on the first's row and then fails."""
    item, warehouse = demo.items["BOX-65"], demo.warehouse_id
    first, second = sessions(), sessions()
    try:
        assert (await stock_of(first, demo, "BOX-65"))[0] == 20
        assert (await stock_of(second, demo, "BOX-65"))[0] == 20
        await reserve_exact(first, item, warehouse, 20)
        blocked = asyncio.create_task(reserve_exact(second, item, warehouse, 20))
        await asyncio.sleep(0.2)
        assert not blocked.done()  # waiting for the first transaction's row lock
        await first.commit()
        with pytest.raises(InsufficientStock):
            await blocked
        await second.rollback()
    finally:
        await first.close()
        await second.close()
    async with sessions() as session:
        assert await stock_of(session, demo, "BOX-65") == (20, 20)


async def test_first_movements_racing_into_a_new_warehouse_share_its_default_bins(
    sessions: SessionFactory,
) -> None:
    """Twenty first shipments from a warehouse with no Shipping zone yet: one makes the zone
    and its bin, the others find them (none is told of a clash)."""
    async with sessions.begin() as session:
        warehouse = Warehouse(name="Kazan depot", code="WH-KZN")
        session.add(warehouse)

    async def dispatch_bin() -> uuid.UUID:
        async with sessions.begin() as session:
            return await default_bin(session, warehouse.id, ZoneType.SHIPPING)

    bins = await asyncio.gather(*(dispatch_bin() for _ in range(20)))
    assert len(set(bins)) == 1
    async with sessions() as session:
        zones = (await session.scalars(select(Zone).where(Zone.warehouse_id == warehouse.id))).all()
    assert [(z.name, z.zone_type) for z in zones] == [("Shipping", "SHIPPING")]
