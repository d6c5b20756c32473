"""Quarantined stock is on hand but neither reservable nor pickable: availability, reservation
and picking share one definition of usable stock (`domain.stock`), so an order can never be
told it is covered by units it can never pick, and no move strands a reservation."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select

from domain.errors import InsufficientStock
from domain.stock import MovementType
from persistence.database import SessionFactory
from persistence.tables import Bin, Zone
from services.inventory.reservations import reserve_exact
from services.inventory.stock_ledger import LedgerEntry, post_movement, transfer
from services.orders.order_stock import consume_for_order, reserve_for_order
from tests.support import Demo, assert_stock_consistent, place_order, stock_of


async def _bin(sessions: SessionFactory, demo: Demo, zone_type: str) -> uuid.UUID:
    async with sessions() as session:
        found = await session.scalar(
            select(Bin.id)
            .join(Zone, Zone.id == Bin.zone_id)
            .where(Zone.warehouse_id == demo.warehouse_id, Zone.zone_type == zone_type)
            .order_by(Bin.code)
            .limit(1)
        )
    assert found is not None
    return found


async def _take_all_pcbs(sessions: SessionFactory, demo: Demo) -> None:
    """Issue the six hot-swap PCBs on the shelf, so only what arrives later is there."""
    async with sessions.begin() as session:
        await post_movement(
            session,
            LedgerEntry(
                demo.items["PCB-65-HS"], demo.warehouse_id, MovementType.ISSUE, -6, "scrapped"
            ),
        )


async def _receive(
    sessions: SessionFactory, demo: Demo, sku: str, quantity: int, bin_id: uuid.UUID
) -> None:
    async with sessions.begin() as session:
        await post_movement(
            session,
            LedgerEntry(
                demo.items[sku],
                demo.warehouse_id,
                MovementType.RECEIPT,
                quantity,
                "delivery",
                bin_id=bin_id,
            ),
        )


async def test_quarantined_stock_is_not_reserved_for_an_order(
    sessions: SessionFactory, demo: Demo
) -> None:
    await _take_all_pcbs(sessions, demo)
    await _receive(sessions, demo, "PCB-65-HS", 4, await _bin(sessions, demo, "QUARANTINE"))
    order = await place_order(sessions, demo, quantity=2)
    async with sessions.begin() as session:
        result = await reserve_for_order(session, order.order_id)
    assert not result.complete  # so procurement buys, instead of waiting at assembly forever
    assert [(s.sku, s.quantity) for s in result.shortages] == [("PCB-65-HS", 2)]
    async with sessions() as session:
        assert await stock_of(session, demo, "PCB-65-HS") == (4, 0)
    await assert_stock_consistent(sessions)


async def test_what_is_reserved_can_always_be_picked(sessions: SessionFactory, demo: Demo) -> None:
    await _take_all_pcbs(sessions, demo)
    quarantine = await _bin(sessions, demo, "QUARANTINE")
    await _receive(sessions, demo, "PCB-65-HS", 4, quarantine)
    await _receive(sessions, demo, "PCB-65-HS", 2, await _bin(sessions, demo, "STORAGE"))
    order = await place_order(sessions, demo, quantity=2)
    async with sessions.begin() as session:
        assert (await reserve_for_order(session, order.order_id)).complete
    async with sessions.begin() as session:
        assert await consume_for_order(session, order.order_id, "assembly")
    async with sessions() as session:
        assert await stock_of(session, demo, "PCB-65-HS") == (4, 0)  # the quarantined four
    await assert_stock_consistent(sessions)


async def test_nothing_available_in_quarantine_can_be_issued_or_reserved(
    sessions: SessionFactory, demo: Demo
) -> None:
    await _take_all_pcbs(sessions, demo)
    await _receive(sessions, demo, "PCB-65-HS", 4, await _bin(sessions, demo, "QUARANTINE"))
    item = demo.items["PCB-65-HS"]
    with pytest.raises(InsufficientStock, match="only 0"):
        async with sessions.begin() as session:
            await post_movement(
                session, LedgerEntry(item, demo.warehouse_id, MovementType.ISSUE, -1, "pick")
            )
    with pytest.raises(InsufficientStock, match="only 0 available"):
        async with sessions.begin() as session:
            await reserve_exact(session, item, demo.warehouse_id, 1)
    await assert_stock_consistent(sessions)


async def test_reserved_stock_cannot_be_moved_into_quarantine(
    sessions: SessionFactory, demo: Demo
) -> None:
    await _take_all_pcbs(sessions, demo)
    storage = await _bin(sessions, demo, "STORAGE")
    await _receive(sessions, demo, "PCB-65-HS", 3, storage)
    order = await place_order(sessions, demo, quantity=2)
    async with sessions.begin() as session:
        assert (await reserve_for_order(session, order.order_id)).complete
    move = LedgerEntry(
        demo.items["PCB-65-HS"], demo.warehouse_id, MovementType.TRANSFER, 2, "suspect"
    )
    with pytest.raises(InsufficientStock, match="into quarantine: only 1"):
        async with sessions.begin() as session:
            await transfer(
                session,
                move,
                to_warehouse_id=demo.warehouse_id,
                to_bin_id=await _bin(sessions, demo, "QUARANTINE"),
            )
    async with sessions.begin() as session:  # the one unreserved unit may go
        await transfer(
            session,
            LedgerEntry(
                demo.items["PCB-65-HS"], demo.warehouse_id, MovementType.TRANSFER, 1, "suspect"
            ),
            to_warehouse_id=demo.warehouse_id,
            to_bin_id=await _bin(sessions, demo, "QUARANTINE"),
        )
    await assert_stock_consistent(sessions)


async def test_stock_released_from_quarantine_is_usable_again(
    api: httpx.AsyncClient, sessions: SessionFactory, demo: Demo
) -> None:
    await _take_all_pcbs(sessions, demo)
    quarantine = await _bin(sessions, demo, "QUARANTINE")
    await _receive(sessions, demo, "PCB-65-HS", 4, quarantine)
    item, warehouse = str(demo.items["PCB-65-HS"]), str(demo.warehouse_id)
    (held,) = (await api.get("/api/inventory/stock", params={"item_id": item})).json()
    assert (held["on_hand"], held["quarantined"], held["available"]) == (4, 4, 0)
    released = await api.post(
        "/api/inventory/move",
        json={
            "item_id": item,
            "warehouse_id": warehouse,
            "movement_type": "TRANSFER",
            "bin_id": str(quarantine),
            "to_bin_id": str(await _bin(sessions, demo, "STORAGE")),
            "quantity": 3,
            "reason": "inspected: fine",
        },
    )
    assert released.status_code == 201, released.text
    (now,) = (await api.get("/api/inventory/stock", params={"item_id": item})).json()
    assert (now["on_hand"], now["quarantined"], now["available"]) == (4, 1, 3)
    reserved = await api.post(
        "/api/inventory/reserve",
        params={"item_id": item, "warehouse_id": warehouse, "quantity": 4},
    )
    assert reserved.status_code == 409
    assert "only 3 available" in reserved.json()["detail"]
    await assert_stock_consistent(sessions)
