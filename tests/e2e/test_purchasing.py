"""Purchasing end to end: deliveries go to the most urgent waiting order first; purchase
orders are workflows (late ones flagged, cancelled ones replaced); the reorder scan runs on a
Temporal Schedule and on demand; suppliers, offers and manual purchase orders through the API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.access import Role
from tests.e2e.conftest import Stack
from tests.support import days_ahead, ok
from workflow_client.schedules import REORDER_SCAN_SCHEDULE_ID, ensure_reorder_schedule

SWITCH = "SW-LIN-RED"


async def _leave_switches(stack: Stack, keep: int) -> None:
    """Issue switches until `keep` are left on the shelf."""
    ok(
        await stack.api.post(
            "/api/inventory/move",
            json={
                "item_id": str(stack.demo.items[SWITCH]),
                "warehouse_id": str(stack.demo.warehouse_id),
                "quantity": 300 - keep,
                "movement_type": "ISSUE",
                "reason": "sent to the repair bench",
            },
        ),
        201,
    )


def _switch_short(order: dict[str, Any]) -> int:
    return sum(s["quantity"] for s in order["shortages"] if s["sku"] == SWITCH)


async def _waiting(stack: Stack, order: dict[str, Any]) -> dict[str, Any]:
    return await stack.until(
        order, lambda o: o["waiting_for_stock"] and bool(o["purchase_orders"]), seconds=30
    )


async def _po(stack: Stack, number: str) -> dict[str, Any]:
    found = ok(await stack.api.get("/api/purchasing/purchase-orders"))
    return next(p for p in found if p["number"] == number)


async def test_a_delivery_goes_to_the_urgent_order_first(stack: Stack) -> None:
    await _leave_switches(stack, 50)
    low = await stack.order(quantity=2, priority="LOW", due_date=days_ahead(20))
    await stack.complete(low, "design")
    low = await _waiting(stack, low)  # took the 50, 86 short
    urgent = await stack.order(quantity=2, priority="URGENT", due_date=days_ahead(62))
    await stack.complete(urgent, "design")
    urgent = await _waiting(stack, urgent)  # 136 short
    assert (_switch_short(low), _switch_short(urgent)) == (86, 136)

    # One purchase order for the switch supplier, in whole reels above its minimum.
    numbers = {p["number"] for o in (low, urgent) for p in o["purchase_orders"]}
    (number,) = numbers
    po = await _po(stack, number)
    (line,) = po["lines"]
    assert (po["supplier_name"], line["sku"], line["quantity"]) == ("Gateron Direct", SWITCH, 700)
    assert line["quantity"] % 70 == 0
    assert {d["order_number"]: d["waiting_for"] for d in line["orders"]} == {
        low["number"]: 86,
        urgent["number"]: 136,
    }
    url = f"/api/purchasing/purchase-orders/{po['id']}"
    buyer = await stack.headers(Role.BUYER)
    assert (ok(await stack.api.post(f"{url}/send", headers=buyer)))["status"] == "sent"
    assert (ok(await stack.api.post(f"{url}/confirm", headers=buyer)))["status"] == "confirmed"

    # Two reels arrive: the urgent order's 136 first, though the low one waited longer.
    item = line["item_id"]
    storekeeper = await stack.headers(Role.STOREKEEPER)
    part = ok(
        await stack.api.post(
            f"{url}/receive",
            json={"lines": [{"item_id": item, "quantity": 140}], "reference": "DN-104"},
            headers=storekeeper,
        )
    )
    assert part["status"] == "partially_received"
    receipt = part["receipts"][0]
    assert receipt["received_by"] == "storekeeper@tests.example"
    assert (receipt["reference"], receipt["bin_code"]) == ("DN-104", None)  # the receiving bin
    assert part["currency"] == "USD"  # the supplier's
    urgent = await stack.until(urgent, lambda o: o["stage"] == "assembly")
    low = await stack.get(low)
    assert low["stage"] == "procurement"
    assert _switch_short(low) == 82

    rest = ok(
        await stack.api.post(
            f"{url}/receive",
            json={"lines": [{"item_id": item, "quantity": 560}], "reference": "DN-105"},
        )
    )
    assert rest["status"] == "received"
    await stack.until(low, lambda o: o["stage"] == "assembly")
    over = await stack.api.post(
        f"{url}/receive", json={"lines": [{"item_id": item, "quantity": 1}], "reference": "DN-106"}
    )
    assert over.status_code == 409
    assert "already received" in over.json()["detail"]
    await stack.assert_books()


async def test_a_cancelled_purchase_order_is_replaced_for_the_orders_waiting_on_it(
    stack: Stack,
) -> None:
    await _leave_switches(stack, 0)
    order = await stack.order(quantity=1)
    await stack.complete(order, "design")
    order = await _waiting(stack, order)
    (first,) = [p["number"] for p in order["purchase_orders"]]
    po = await _po(stack, first)
    cancelled = ok(
        await stack.api.post(
            f"/api/purchasing/purchase-orders/{po['id']}/cancel", json={"reason": "wrong reel"}
        )
    )
    assert cancelled["status"] == "cancelled"
    again = await stack.api.post(f"/api/purchasing/purchase-orders/{po['id']}/send")
    assert again.status_code == 409

    def replaced(o: dict[str, Any]) -> bool:
        return any(p["number"] != first and p["status"] == "draft" for p in o["purchase_orders"])

    order = await stack.until(order, replaced, seconds=30)
    assert _switch_short(order) == 68


async def test_a_purchase_order_past_its_expected_date_is_late(stack: Stack) -> None:
    supplier = stack.demo.suppliers["Keyparts Depot"]
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    created = ok(
        await stack.api.post(
            "/api/purchasing/purchase-orders",
            json={
                "supplier_id": str(supplier),
                "lines": [{"item_id": str(stack.demo.items["CABLE-USBC"]), "quantity": 10}],
                "expected_date": yesterday,
            },
        ),
        201,
    )
    assert (created["origin"], created["status"], created["total"]) == ("manual", "draft", "45.00")
    url = f"/api/purchasing/purchase-orders/{created['id']}"
    sent = ok(await stack.api.post(f"{url}/send"))
    assert sent["is_late"] is True
    late = ok(await stack.api.get("/api/purchasing/purchase-orders", params={"late": True}))
    assert [p["number"] for p in late] == [created["number"]]
    # The workflow escalates: the purchase order is flagged (and counted in a metric).
    async with asyncio.timeout(20):
        while not (ok(await stack.api.get(url)))["escalated_at"]:
            await asyncio.sleep(0.2)


async def test_manual_purchase_orders_refuse_what_the_supplier_will_not_do(stack: Stack) -> None:
    parts = str(stack.demo.suppliers["Keyparts Depot"])
    cable = str(stack.demo.items["CABLE-USBC"])

    async def create(**body: Any) -> Any:
        return await stack.api.post(
            "/api/purchasing/purchase-orders", json={"supplier_id": parts, **body}
        )

    assert (await create(lines=[{"item_id": cable, "quantity": 3}])).status_code == 409  # MOQ 10
    not_offered = await create(
        lines=[{"item_id": str(stack.demo.items["PCB-65-HS"]), "quantity": 10}]
    )
    assert not_offered.status_code == 409
    assert (await create(lines=[])).status_code == 422
    ok(await stack.api.patch(f"/api/purchasing/suppliers/{parts}", json={"status": "blocked"}))
    blocked = await create(lines=[{"item_id": cable, "quantity": 10}])
    assert blocked.status_code == 409
    assert "blocked" in blocked.json()["detail"]


async def test_the_reorder_scan_runs_on_a_schedule_and_on_demand(stack: Stack) -> None:
    await ensure_reorder_schedule(
        stack.temporal, stack.settings.temporal_task_queue, timedelta(hours=1)
    )
    schedule = await stack.temporal.get_schedule_handle(REORDER_SCAN_SCHEDULE_ID).describe()
    assert schedule.schedule.spec.intervals[0].every == timedelta(hours=1)
    box = str(stack.demo.items["BOX-65"])
    ok(
        await stack.api.patch(
            f"/api/inventory/items/{box}", json={"reorder_point": 30, "max_stock_level": 120}
        )
    )
    suggested = ok(await stack.api.get("/api/purchasing/suggestions"))
    (parts,) = [s for s in suggested["suppliers"] if s["supplier_name"] == "Keyparts Depot"]
    assert [(ln["sku"], ln["quantity"]) for ln in parts["lines"]] == [
        ("BOX-65", 100)
    ]  # 120 - 20, packs of 25

    first = ok(await stack.api.post("/api/purchasing/reorder-scan"))
    (number,) = first["purchase_orders"]
    po = await _po(stack, number)
    assert [(ln["sku"], ln["quantity"], ln["orders"]) for ln in po["lines"]] == [
        ("BOX-65", 100, [])
    ]
    again = ok(await stack.api.post("/api/purchasing/reorder-scan"))
    assert again["purchase_orders"] == []  # what was ordered counts as coming
    assert (await _po(stack, number))["lines"][0]["quantity"] == 100


async def test_suppliers_offers_with_price_breaks_and_performance(stack: Stack) -> None:
    created = ok(
        await stack.api.post(
            "/api/purchasing/suppliers",
            json={
                "name": "Kailh",
                "email": "sales@kailh.example",
                "rating": 4.5,
                "payment_terms": "net 30",
                "currency": "USD",
                "credit_limit": "5000.00",
                "over_receipt_tolerance_pct": 5,
                "contacts": [
                    {"name": "Li Wei", "email": "li@kailh.example", "role": "sales"},
                    {"name": "Chen Yu", "phone": "+86 755 1234", "role": "logistics"},
                ],
            },
        ),
        201,
    )
    assert [c["name"] for c in created["contacts"]] == ["Chen Yu", "Li Wei"]
    url = f"/api/purchasing/suppliers/{created['id']}"
    offer = ok(
        await stack.api.post(
            f"{url}/items",
            json={
                "item_id": str(stack.demo.items["STAB-SCREW-2U"]),
                "unit_price": "1.00",
                "min_order_qty": 20,
                "pack_size": 10,
                "lead_time_days": 3,
                "price_breaks": [{"min_quantity": 100, "unit_price": "0.80"}],
            },
        ),
        201,
    )
    assert offer["price_breaks"] == [{"min_quantity": 100, "unit_price": "0.8000"}]
    dup_breaks = await stack.api.patch(
        f"{url}/items/{offer['id']}",
        json={
            "price_breaks": [
                {"min_quantity": 5, "unit_price": 1},
                {"min_quantity": 5, "unit_price": 2},
            ]
        },
    )
    assert dup_breaks.status_code == 422
    po = ok(
        await stack.api.post(
            "/api/purchasing/purchase-orders",
            json={
                "supplier_id": created["id"],
                "lines": [{"item_id": str(stack.demo.items["STAB-SCREW-2U"]), "quantity": 100}],
            },
        ),
        201,
    )
    assert po["lines"][0]["unit_price"] == "0.8000"
    po_url = f"/api/purchasing/purchase-orders/{po['id']}"
    ok(await stack.api.post(f"{po_url}/send"))
    ok(await stack.api.post(f"{po_url}/confirm"))
    item = str(stack.demo.items["STAB-SCREW-2U"])
    beyond = await stack.api.post(
        f"{po_url}/receive",
        json={"lines": [{"item_id": item, "quantity": 106}], "reference": "DN-107"},
    )
    assert beyond.status_code == 409  # 5% tolerance: 105 at most
    assert beyond.json()["receivable"] == 105
    received = ok(
        await stack.api.post(
            f"{po_url}/receive",
            json={"lines": [{"item_id": item, "quantity": 104}], "reference": "DN-108"},
        )
    )
    assert received["status"] == "received"
    performance = ok(await stack.api.get(f"{url}/performance"))
    assert performance["lines"] == 1
    assert performance["on_time_rate"] == 1.0
    assert performance["average_lead_time_days"] is not None
    assert performance["average_days_past_promise"] < 0  # delivered before its expected date
    renamed = ok(await stack.api.patch(url, json={"rating": 3.5, "contacts": []}))
    assert (renamed["rating"], renamed["contacts"]) == ("3.5", [])
    assert (await stack.api.delete(url)).status_code == 409  # it has purchase orders
