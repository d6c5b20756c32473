"""Requests a client may repeat — after a 503, a timeout, a double click — have one effect, and a
different request under the same key (or for something already recorded) is told so: goods
receipts, stage completions, order intake, purchase-order and order updates."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from domain.access import Role
from tests.e2e.conftest import Stack
from tests.support import days_ahead, ok

SWITCH = "SW-LIN-RED"


# --- goods receipts ---------------------------------------------------------------------------


async def _draft_purchase_order(stack: Stack) -> tuple[str, str]:
    """A buyer's draft for 700 switches; (its URL, the switch's item id)."""
    item = str(stack.demo.items[SWITCH])
    supplier = str(stack.demo.suppliers["Gateron Direct"])
    po = ok(
        await stack.api.post(
            "/api/purchasing/purchase-orders",
            json={"supplier_id": supplier, "lines": [{"item_id": item, "quantity": 700}]},
        ),
        201,
    )
    return f"/api/purchasing/purchase-orders/{po['id']}", item


async def _confirmed_purchase_order(stack: Stack) -> tuple[str, str]:
    """The draft, sent and confirmed."""
    url, item = await _draft_purchase_order(stack)
    for step in ("send", "confirm"):
        ok(await stack.api.post(f"{url}/{step}"))
    return url, item


async def test_a_delivery_is_booked_once_under_its_delivery_note(stack: Stack) -> None:
    url, item = await _confirmed_purchase_order(stack)
    delivery = {"lines": [{"item_id": item, "quantity": 70}], "reference": "DN-4711"}
    answers = await asyncio.gather(
        *(stack.api.post(f"{url}/receive", json=delivery) for _ in range(10))
    )
    assert {a.status_code for a in answers} == {200}
    again = ok(await stack.api.post(f"{url}/receive", json=delivery))
    (line,) = again["lines"]
    assert line["received_quantity"] == 70
    assert [r["quantity"] for r in again["receipts"]] == [70]
    assert await stack.stock(SWITCH) == (370, 0)
    other = await stack.api.post(
        f"{url}/receive",
        json={"lines": [{"item_id": item, "quantity": 140}], "reference": "DN-4711"},
    )
    assert other.status_code == 409
    assert other.json()["code"] == "already_recorded"
    assert "DN-4711" in other.json()["detail"]
    second = ok(
        await stack.api.post(
            f"{url}/receive",
            json={"lines": [{"item_id": item, "quantity": 140}], "reference": "DN-4712"},
        )
    )
    assert second["lines"][0]["received_quantity"] == 210
    await stack.assert_books()


async def test_a_delivery_without_a_note_needs_an_idempotency_key(stack: Stack) -> None:
    url, item = await _confirmed_purchase_order(stack)
    lines = {"lines": [{"item_id": item, "quantity": 70}]}
    bare = await stack.api.post(f"{url}/receive", json=lines)
    assert bare.status_code == 422
    assert bare.json()["detail"][0]["loc"] == ["body", "reference"]
    key = {"Idempotency-Key": f"dock-{uuid.uuid4()}"}
    for _ in range(2):
        booked = ok(await stack.api.post(f"{url}/receive", json=lines, headers=key))
        assert booked["lines"][0]["received_quantity"] == 70
    reused = await stack.api.post(
        f"{url}/receive", json={"lines": [{"item_id": item, "quantity": 7}]}, headers=key
    )
    assert reused.status_code == 422
    assert reused.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    # Keys are the sender's own: the storekeeper's same key is a delivery of its own.
    storekeeper = await stack.headers(Role.STOREKEEPER)
    theirs = ok(await stack.api.post(f"{url}/receive", json=lines, headers=key | storekeeper))
    assert theirs["lines"][0]["received_quantity"] == 140
    await stack.assert_books()


async def test_two_different_deliveries_under_one_note_at_once_book_one(stack: Stack) -> None:
    url, item = await _confirmed_purchase_order(stack)
    answers = await asyncio.gather(
        *(
            stack.api.post(
                f"{url}/receive",
                json={"lines": [{"item_id": item, "quantity": n}], "reference": "DN-77"},
            )
            for n in (70, 140)
        )
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    po = ok(await stack.api.get(url))
    assert [r["quantity"] for r in po["receipts"]] in ([70], [140])
    await stack.assert_books()


async def test_a_long_key_books_a_delivery_once(stack: Stack) -> None:
    url, item = await _confirmed_purchase_order(stack)
    key = {"Idempotency-Key": "k" * 200}
    lines = {"lines": [{"item_id": item, "quantity": 70}]}
    for _ in range(2):
        assert (ok(await stack.api.post(f"{url}/receive", json=lines, headers=key)))["lines"][0][
            "received_quantity"
        ] == 70


async def test_a_move_from_several_bins_retried_with_its_key_is_booked_once(stack: Stack) -> None:
    bins = (await stack.api.get(f"/api/inventory/warehouses/{stack.demo.warehouse_id}/bins")).json()
    storage = {b["code"]: b["id"] for b in bins}
    item, warehouse = str(stack.demo.items[SWITCH]), str(stack.demo.warehouse_id)
    ok(  # 300 in A-01-01 already; 50 more in A-01-02
        await stack.api.post(
            "/api/inventory/move",
            json={
                "item_id": item,
                "warehouse_id": warehouse,
                "bin_id": storage["A-01-02"],
                "quantity": 50,
                "reason": "second shelf",
            },
        ),
        201,
    )
    issue = {
        "item_id": item,
        "warehouse_id": warehouse,
        "movement_type": "ISSUE",
        "quantity": 320,
        "reason": "to the repair bench",
    }
    key = {"Idempotency-Key": "bench-1"}
    first = ok(await stack.api.post("/api/inventory/move", json=issue, headers=key), 201)
    assert len(first["legs"]) == 2  # picked from both shelves
    again = ok(await stack.api.post("/api/inventory/move", json=issue, headers=key), 201)
    assert again == first
    other = await stack.api.post("/api/inventory/move", json=issue | {"quantity": 5}, headers=key)
    assert other.status_code == 422
    assert await stack.stock(SWITCH) == (30, 0)
    await stack.assert_books()


async def test_a_fixed_delivery_is_booked_after_a_refused_one(stack: Stack) -> None:
    url, item = await _confirmed_purchase_order(stack)
    too_many = {"lines": [{"item_id": item, "quantity": 7000}], "reference": "DN-9"}
    assert (await stack.api.post(f"{url}/receive", json=too_many)).status_code == 409
    fixed = {"lines": [{"item_id": item, "quantity": 700}], "reference": "DN-9"}
    assert (ok(await stack.api.post(f"{url}/receive", json=fixed)))["status"] == "received"


@pytest.mark.parametrize("round_", range(4))  # a repeat that arrives as the workflow ends is rare
async def test_purchase_order_steps_repeated_answer_as_the_first(stack: Stack, round_: int) -> None:
    url, _ = await _draft_purchase_order(stack)
    sent = await asyncio.gather(*(stack.api.post(f"{url}/send") for _ in range(3)))
    assert [a.status_code for a in sent] == [200, 200, 200]
    assert (ok(await stack.api.post(f"{url}/send")))["status"] == "sent"
    cancelled = await asyncio.gather(*(stack.api.post(f"{url}/cancel") for _ in range(3)))
    assert [a.status_code for a in cancelled] == [200, 200, 200]
    assert (ok(await stack.api.post(f"{url}/cancel")))["status"] == "cancelled"
    assert (await stack.api.post(f"{url}/confirm")).status_code == 409


async def test_a_draft_sent_twice_with_its_key_is_made_once(stack: Stack) -> None:
    item = str(stack.demo.items[SWITCH])
    supplier = str(stack.demo.suppliers["Gateron Direct"])
    draft = {"supplier_id": supplier, "lines": [{"item_id": item, "quantity": 700}]}
    key = {"Idempotency-Key": f"draft-{uuid.uuid4()}"}
    drafts = {"status": "draft", "supplier_id": supplier}
    before = ok(await stack.api.get("/api/purchasing/purchase-orders", params=drafts))
    answers = await asyncio.gather(
        *(
            stack.api.post("/api/purchasing/purchase-orders", json=draft, headers=key)
            for _ in range(4)
        )
    )
    assert [a.status_code for a in answers] == [201] * 4, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    number = answers[0].json()["number"]
    after = ok(await stack.api.get("/api/purchasing/purchase-orders", params=drafts))
    assert [po["number"] for po in after] == [number] + [po["number"] for po in before]
    other = await stack.api.post(
        "/api/purchasing/purchase-orders",
        json=draft | {"lines": [{"item_id": item, "quantity": 1400}]},
        headers=key,
    )
    assert other.status_code == 422
    assert other.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert number in other.json()["detail"][0]["msg"]


async def test_a_reservation_sent_twice_with_its_key_is_made_once(stack: Stack) -> None:
    query: dict[str, str | int] = {
        "item_id": str(stack.demo.items[SWITCH]),
        "warehouse_id": str(stack.demo.warehouse_id),
        "quantity": 40,
        "note": "spare switches for the demo board",
    }
    key = {"Idempotency-Key": f"hold-{uuid.uuid4()}"}
    answers = await asyncio.gather(
        *(stack.api.post("/api/inventory/reserve", params=query, headers=key) for _ in range(4))
    )
    assert [a.status_code for a in answers] == [201] * 4, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert await stack.stock(SWITCH) == (300, 40)
    other = await stack.api.post(
        "/api/inventory/reserve", params=query | {"quantity": 41}, headers=key
    )
    assert other.status_code == 422
    assert other.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    unkeyed = ok(await stack.api.post("/api/inventory/reserve", params=query), 201)
    assert unkeyed["id"] != answers[0].json()["id"]
    assert await stack.stock(SWITCH) == (300, 80)
    await stack.assert_books()


# --- stage completions ------------------------------------------------------------------------


def _url(order: dict[str, Any], stage: str) -> str:
    return f"/api/production/orders/{order['id']}/stages/{stage}/complete"


async def test_a_repeated_completion_joins_the_first_and_a_different_one_is_refused(
    stack: Stack,
) -> None:
    order = await stack.order()
    await stack.complete(order, "design")
    await stack.until(order, lambda o: o["stage"] == "assembly")
    report = {"worker": "Ivan", "notes": "assembled"}
    double = await asyncio.gather(
        *(stack.api.post(_url(order, "assembly"), json=report) for _ in range(2))
    )
    assert [a.status_code for a in double] == [200, 200]
    late = ok(await stack.api.post(_url(order, "assembly"), json=report))
    assert [s["stage"] for s in late["stages"]].count("assembly") == 1
    assert late["stage"] == "testing"
    other = await stack.api.post(_url(order, "assembly"), json={"worker": "Marta"})
    assert other.status_code == 409
    assert other.json()["code"] == "already_recorded"
    assert other.json()["recorded_by"] == "admin@tests.example"


async def test_a_contradicting_inspection_is_refused_not_dropped(stack: Stack) -> None:
    order = await stack.order()
    await stack.complete(order, "design")
    await stack.until(order, lambda o: o["stage"] == "assembly")
    await stack.complete(order, "assembly")
    await stack.complete(order, "testing", passed=True)
    failed = ok(await stack.api.post(_url(order, "qc"), json={"passed": False}))
    assert (failed["stage"], failed["rework_count"]) == ("assembly", 1)
    repeated = ok(await stack.api.post(_url(order, "qc"), json={"passed": False}))
    assert (repeated["stage"], repeated["rework_count"]) == ("assembly", 1)
    contradiction = await stack.api.post(_url(order, "qc"), json={"passed": True})
    assert contradiction.status_code == 409
    assert contradiction.json()["recorded_passed"] is False
    assert "passed: false" in contradiction.json()["detail"]
    # Back at assembly, a testing report is for a stage the order is not at.
    early = await stack.api.post(_url(order, "testing"), json={"passed": True})
    assert early.status_code == 409
    assert early.json()["code"] == "wrong_stage"
    order = await stack.get(order)
    assert (order["stage"], order["rework_count"]) == ("assembly", 1)


async def test_a_named_pass_is_never_taken_for_a_later_one(stack: Stack) -> None:
    order = await stack.order()
    await stack.complete(order, "design")
    await stack.until(order, lambda o: o["stage"] == "assembly")
    await stack.complete(order, "assembly")
    testing = (await stack.get(order))["stages"][-1]
    first = {"passed": True, "stage_seq": testing["seq"]}
    ok(await stack.api.post(_url(order, "testing"), json=first))
    ok(await stack.api.post(_url(order, "qc"), json={"passed": False}))  # rework
    await stack.complete(order, "assembly", passed=None)
    at_testing_again = await stack.get(order)
    assert at_testing_again["stage"] == "testing"
    # The first testing report arrives late, once more: a repeat of pass 1, not pass 2's report.
    late = ok(await stack.api.post(_url(order, "testing"), json=first))
    assert (late["stage"], late["stages"][-1]["status"]) == ("testing", "active")
    wrong = await stack.api.post(
        _url(order, "testing"), json={"passed": False, "stage_seq": testing["seq"]}
    )
    assert wrong.status_code == 409
    assert wrong.json()["stage_seq"] == testing["seq"]
    current = at_testing_again["stages"][-1]["seq"]
    done = ok(
        await stack.api.post(_url(order, "testing"), json={"passed": True, "stage_seq": current})
    )
    assert done["stage"] == "qc"


async def test_a_repeated_last_stage_answers_with_the_finished_order(stack: Stack) -> None:
    order = await stack.order()
    await stack.complete(order, "design")
    await stack.until(order, lambda o: o["stage"] == "assembly")
    for stage, passed in [("assembly", None), ("testing", True), ("qc", True)]:
        await stack.complete(order, stage, passed=passed)
    shipped = {"notes": "DHL 1234567890"}
    first = ok(await stack.api.post(_url(order, "shipping"), json=shipped))
    again = ok(await stack.api.post(_url(order, "shipping"), json=shipped))
    assert first["status"] == again["status"] == "completed"
    other = await stack.api.post(_url(order, "shipping"), json={"notes": "UPS instead"})
    assert other.status_code == 409
    await stack.assert_books()


# --- order intake and updates -----------------------------------------------------------------


async def test_an_idempotency_key_is_bound_to_its_request_and_its_sender(stack: Stack) -> None:
    body = {"product_sku": "KB-65-HS", "quantity": 1, "customer": "Vera", "due_date": days_ahead(9)}
    key = {"Idempotency-Key": f"intake-{uuid.uuid4()}"}
    first = ok(await stack.api.post("/api/production/orders", json=body, headers=key), 201)
    changed = await stack.api.post(
        "/api/production/orders", json=body | {"quantity": 2}, headers=key
    )
    assert changed.status_code == 422
    assert changed.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert first["number"] in changed.json()["detail"][0]["msg"]
    planner = await stack.headers(Role.PLANNER)
    theirs = ok(
        await stack.api.post("/api/production/orders", json=body, headers=key | planner), 201
    )
    assert theirs["id"] != first["id"]
    same = ok(await stack.api.post("/api/production/orders", json=body, headers=key), 201)
    assert same["id"] == first["id"]


async def test_holds_resumes_and_cancels_repeat_harmlessly(stack: Stack) -> None:
    order = await stack.order()
    url = f"/api/production/orders/{order['id']}"
    hold = {"reason": "customer is changing the layout"}
    held = await asyncio.gather(*(stack.api.post(f"{url}/hold", json=hold) for _ in range(2)))
    assert [a.status_code for a in held] == [200, 200]
    assert (ok(await stack.api.post(f"{url}/hold", json=hold)))["hold_reason"] == hold["reason"]
    other = await stack.api.post(f"{url}/hold", json={"reason": "another reason"})
    assert other.status_code == 409
    assert hold["reason"] in other.json()["detail"]
    for _ in range(2):
        assert (ok(await stack.api.post(f"{url}/resume", json={})))["on_hold"] is False
    cancel = {"reason": "customer withdrew"}
    for _ in range(2):
        assert (ok(await stack.api.post(f"{url}/cancel", json=cancel)))["status"] == "cancelled"
    assert (await stack.api.post(f"{url}/hold", json=hold)).status_code == 409
    await stack.assert_books()


async def test_only_inspections_take_a_verdict(stack: Stack) -> None:
    order = await stack.order()
    refused = await stack.api.post(_url(order, "design"), json={"passed": False})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "passed"]
