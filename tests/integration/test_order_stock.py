"""What an order does to stock, each step safe to repeat (as a Temporal retry would)."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from domain.stock import Priority
from persistence.database import SessionFactory
from persistence.tables import Reservation, StockMovement
from services.orders.order_stock import (
    consume_for_order,
    record_shipment,
    release_for_order,
    reserve_for_order,
)
from tests.support import Demo, assert_stock_consistent, place_order, stock_of


async def test_an_order_within_stock_is_reserved_completely(
    sessions: SessionFactory, demo: Demo
) -> None:
    order = await place_order(sessions, demo, quantity=2)
    for _ in range(2):  # the second call is a retry: nothing more is reserved
        async with sessions.begin() as session:
            result = await reserve_for_order(session, order.order_id)
        assert result.complete
        assert result.shortages == []
    async with sessions() as session:
        assert await stock_of(session, demo, "SW-LIN-RED") == (300, 136)
        assert await stock_of(session, demo, "STAB-SCREW-2U") == (60, 8)
        await assert_stock_consistent(sessions)


async def test_a_shortage_is_reserved_as_far_as_it_goes(
    sessions: SessionFactory, demo: Demo
) -> None:
    order = await place_order(sessions, demo, quantity=5)  # 340 switches, 300 on hand
    async with sessions.begin() as session:
        result = await reserve_for_order(session, order.order_id)
    assert not result.complete
    assert [(s.sku, s.quantity) for s in result.shortages] == [("SW-LIN-RED", 40)]
    async with sessions() as session:
        assert await stock_of(session, demo, "SW-LIN-RED") == (300, 300)


async def test_orders_racing_for_the_last_switches_split_them_exactly(
    sessions: SessionFactory, demo: Demo
) -> None:
    orders = [await place_order(sessions, demo, quantity=2) for _ in range(3)]  # 3 x 136 > 300

    async def reserve(order_id: object) -> int:
        async with sessions.begin() as session:
            result = await reserve_for_order(session, order_id)  # type: ignore[arg-type]
        return sum(s.quantity for s in result.shortages if s.sku == "SW-LIN-RED")

    short = await asyncio.gather(*(reserve(o.order_id) for o in orders))
    assert sum(short) == 3 * 136 - 300
    async with sessions() as session:
        assert await stock_of(session, demo, "SW-LIN-RED") == (300, 300)
        await assert_stock_consistent(sessions)


async def test_consuming_at_assembly_issues_the_components_once(
    sessions: SessionFactory, demo: Demo
) -> None:
    order = await place_order(sessions, demo)
    async with sessions.begin() as session:
        await reserve_for_order(session, order.order_id)
    for expected in (8, 0):  # eight BOM lines, then a retry that finds nothing left to consume
        async with sessions.begin() as session:
            assert await consume_for_order(session, order.order_id, "Ivan") == expected
    async with sessions() as session:
        assert await stock_of(session, demo, "SW-LIN-RED") == (232, 0)
        issues = await session.scalar(
            select(func.count()).where(StockMovement.order_id == order.order_id)
        )
        assert issues == 8
        await assert_stock_consistent(sessions)


async def test_release_gives_back_only_what_was_not_consumed(
    sessions: SessionFactory, demo: Demo
) -> None:
    order = await place_order(sessions, demo, priority=Priority.URGENT)
    async with sessions.begin() as session:
        await reserve_for_order(session, order.order_id)
    for expected in (8, 0):
        async with sessions.begin() as session:
            assert await release_for_order(session, order.order_id) == expected
    async with sessions() as session:
        assert await stock_of(session, demo, "SW-LIN-RED") == (300, 0)
        statuses = set(
            await session.scalars(
                select(Reservation.status).where(Reservation.order_id == order.order_id)
            )
        )
        assert statuses == {"released"}
        await assert_stock_consistent(sessions)


async def test_shipping_books_the_finished_units_in_and_out_once(
    sessions: SessionFactory, demo: Demo
) -> None:
    order = await place_order(sessions, demo, quantity=3)
    for _ in range(2):
        async with sessions.begin() as session:
            await record_shipment(session, order.order_id, "Sasha")
    async with sessions() as session:
        assert await stock_of(session, demo, "KB-65-HS") == (0, 0)
        rows = (
            await session.execute(
                select(StockMovement.movement_type, StockMovement.delta)
                .where(StockMovement.order_id == order.order_id)
                .order_by(StockMovement.id)
            )
        ).all()
        assert [tuple(r) for r in rows] == [("RECEIPT", 3), ("ISSUE", -3)]
