"""Purchase orders raised for shortages, and deliveries handed to the orders waiting."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from domain.errors import Conflict, IllegalTransition
from domain.purchasing import PurchaseOrderStatus
from domain.stock import Priority
from persistence.database import SessionFactory
from persistence.tables import PurchaseOrder, PurchaseOrderLine
from services.orders.order_stock import reserve_for_order
from services.purchasing import goods_receipt, procurement, purchase_orders
from tests.support import Demo, assert_stock_consistent, place_order, stock_of

TODAY = date(2026, 11, 28)


async def _short_order(sessions: SessionFactory, demo: Demo, quantity: int, **kwargs: object):  # type: ignore[no-untyped-def]
    order = await place_order(sessions, demo, quantity=quantity, **kwargs)
    async with sessions.begin() as session:
        reserved = await reserve_for_order(session, order.order_id)
        result = await procurement.raise_purchase_orders(
            session, order.order_id, {s.item_id: s.quantity for s in reserved.shortages}, TODAY
        )
    return order, reserved, result


async def _lines(sessions: SessionFactory) -> list[tuple[str, str, str, int]]:
    async with sessions() as session:
        rows = await session.execute(
            select(
                PurchaseOrder.number,
                PurchaseOrder.status,
                PurchaseOrderLine.item_id,
                PurchaseOrderLine.quantity,
            )
            .join(PurchaseOrderLine, PurchaseOrderLine.purchase_order_id == PurchaseOrder.id)
            .order_by(PurchaseOrder.number)
        )
        return [(n, s, str(i), q) for n, s, i, q in rows]


async def test_a_shortage_leaves_a_buyers_own_draft_alone(
    sessions: SessionFactory, demo: Demo
) -> None:
    cables = demo.items["CABLE-USBC"]
    async with sessions.begin() as session:
        manual = await purchase_orders.create_manual(
            session,
            demo.suppliers["Keyparts Depot"],
            demo.warehouse_id,
            [purchase_orders.ManualLine(cables, 10)],
            actor="buyer",
            today=TODAY,
        )
    _, reserved, result = await _short_order(sessions, demo, 16)  # 64 stabilisers, 60 on hand
    assert ("STAB-SCREW-2U", 4) in [(s.sku, s.quantity) for s in reserved.shortages]
    assert manual.number not in result.purchase_orders  # Keyparts gets a draft of its own
    async with sessions() as session:
        lines = await session.execute(
            select(PurchaseOrderLine.item_id, PurchaseOrderLine.quantity).where(
                PurchaseOrderLine.purchase_order_id == manual.id
            )
        )
        assert lines.all() == [(cables, 10)]


async def test_a_shortage_raises_a_draft_for_the_preferred_supplier_in_whole_reels(
    sessions: SessionFactory, demo: Demo
) -> None:
    _, reserved, result = await _short_order(sessions, demo, 5)  # 40 switches short
    assert [(s.sku, s.quantity) for s in reserved.shortages] == [("SW-LIN-RED", 40)]
    (number,) = result.purchase_orders
    assert await _lines(sessions) == [(number, "draft", str(demo.items["SW-LIN-RED"]), 700)]
    async with sessions() as session:
        po = await session.scalar(select(PurchaseOrder))
        assert po is not None
        assert po.supplier_id == demo.suppliers["Gateron Direct"]
        assert po.expected_date == TODAY + timedelta(days=14)


async def test_raising_again_buys_nothing_more(sessions: SessionFactory, demo: Demo) -> None:
    order, reserved, first = await _short_order(sessions, demo, 5)
    async with sessions.begin() as session:
        again = await procurement.raise_purchase_orders(
            session, order.order_id, {s.item_id: s.quantity for s in reserved.shortages}, TODAY
        )
    assert again.purchase_orders == first.purchase_orders
    assert len(await _lines(sessions)) == 1


async def test_a_second_order_is_covered_by_the_first_ones_surplus(
    sessions: SessionFactory, demo: Demo
) -> None:
    _, _, first = await _short_order(sessions, demo, 5)  # 700 ordered for 40 short
    _, reserved, result = await _short_order(sessions, demo, 1)  # 68 more short
    assert [(s.sku, s.quantity) for s in reserved.shortages] == [("SW-LIN-RED", 68)]
    assert result.purchase_orders == first.purchase_orders
    assert [q for *_, q in await _lines(sessions)] == [700]


async def test_a_blocked_supplier_is_passed_over(sessions: SessionFactory, demo: Demo) -> None:
    from persistence.tables import Supplier

    async with sessions.begin() as session:
        gateron = await session.get(Supplier, demo.suppliers["Gateron Direct"])
        assert gateron is not None
        gateron.status = "blocked"
    await _short_order(sessions, demo, 5)
    async with sessions() as session:
        po = await session.scalar(select(PurchaseOrder))
        assert po is not None
        assert po.supplier_id == demo.suppliers["Keyparts Depot"]
    assert [q for *_, q in await _lines(sessions)] == [140]  # MOQ 140, reels of 70


async def test_a_delivery_is_reserved_for_the_waiting_orders_by_priority(
    sessions: SessionFactory, demo: Demo
) -> None:
    normal, *_ = await _short_order(sessions, demo, 5)  # takes all 300, 40 short
    urgent, *_ = await _short_order(sessions, demo, 1, priority=Priority.URGENT)  # 68 short
    async with sessions() as session:
        po_id = await session.scalar(select(PurchaseOrder.id))
    assert po_id is not None
    async with sessions.begin() as session:
        with pytest.raises(Conflict, match="confirmed first"):
            await goods_receipt.receive(
                session, po_id, [goods_receipt.ReceiptLine(demo.items["SW-LIN-RED"], 70)], None
            )
    async with sessions.begin() as session:
        await purchase_orders.change_status(session, po_id, PurchaseOrderStatus.SENT)
        await purchase_orders.change_status(session, po_id, PurchaseOrderStatus.CONFIRMED)
    async with sessions.begin() as session:
        outcome = await goods_receipt.receive(
            session, po_id, [goods_receipt.ReceiptLine(demo.items["SW-LIN-RED"], 70)], "Boris"
        )
    # 70 arrive: the urgent order's 68 first, the normal order gets the last 2.
    assert outcome.allocated == {urgent.order_id: 68, normal.order_id: 2}
    assert set(outcome.waiting_orders) == {urgent.order_id, normal.order_id}
    assert outcome.purchase_order.status == PurchaseOrderStatus.PARTIALLY_RECEIVED
    async with sessions() as session:
        assert await stock_of(session, demo, "SW-LIN-RED") == (370, 370)
        await assert_stock_consistent(sessions)
    async with sessions.begin() as session:
        with pytest.raises(Conflict, match="exceed"):
            await goods_receipt.receive(
                session, po_id, [goods_receipt.ReceiptLine(demo.items["SW-LIN-RED"], 631)], None
            )


async def test_cancelling_withdraws_demand_and_drafts_nobody_needs(
    sessions: SessionFactory, demo: Demo
) -> None:
    first, *_ = await _short_order(sessions, demo, 5)
    # 272 switches more (joins the first draft's surplus), and one solder PCB and one keycap set
    # short (a new draft each)
    second, *_ = await _short_order(sessions, demo, 4, sku="KB-65-SOL")
    async with sessions.begin() as session:
        assert await procurement.withdraw_order_demands(session, first.order_id) == []
    async with sessions.begin() as session:
        cancelled = await procurement.withdraw_order_demands(session, second.order_id)
    assert len(cancelled) == 3  # the drafts for switches, PCBs and keycaps served nobody else
    assert {s for _, s, _, _ in await _lines(sessions)} == {"cancelled"}


async def test_illegal_transitions_are_refused(sessions: SessionFactory, demo: Demo) -> None:
    await _short_order(sessions, demo, 5)
    async with sessions() as session:
        po_id = await session.scalar(select(PurchaseOrder.id))
    assert po_id is not None
    with pytest.raises(IllegalTransition):
        async with sessions.begin() as session:
            await purchase_orders.change_status(session, po_id, PurchaseOrderStatus.CONFIRMED)
