"""The shop floor and quality control through the API, with the worker running the real
activities on PostgreSQL: workers and equipment, the queue, starting stages, checklists with a
failed inspection and its rework, holds, priority, at-risk orders and a unit's story."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.access import Role
from tests.e2e.conftest import Stack
from tests.support import days_ahead

QC_ITEMS = [
    {"description": "Keycap legends aligned and complete", "required": True},
    {"description": "Case free of scratches", "required": True, "kind": "PASS_FAIL"},
    {"description": "Stabilisers do not rattle", "required": False},
]


async def _post(stack: Stack, path: str, body: dict[str, Any], role: Role, expect: int) -> Any:
    response = await stack.api.post(path, json=body, headers=await stack.headers(role))
    assert response.status_code == expect, response.text
    return response.json() if response.content else None


async def _floor(stack: Stack) -> dict[str, str]:
    """The equipment and people of a small floor; returns worker ids by first name."""
    await _post(
        stack,
        "/api/production/equipment",
        {"name": "SS-1", "equipment_type": "soldering_station", "stage": "soldering"},
        Role.PLANNER,
        201,
    )
    workers = {
        "Ivan": {"assembly": 3, "soldering": 3, "testing": 2, "shipping": 2},
        "Marta": {"assembly": 2, "soldering": 1},
        "Olga": {"testing": 3, "qc": 4},
    }
    ids = {}
    for name, skills in workers.items():
        body = {"name": name, "skills": [{"stage": s, "level": n} for s, n in skills.items()]}
        ids[name] = (await _post(stack, "/api/production/workers", body, Role.PLANNER, 201))["id"]
    return ids


async def _start(
    stack: Stack,
    order: dict[str, Any],
    stage: str,
    worker_id: str,
    expect: int = 200,
    equipment_id: str | None = None,
) -> dict[str, Any]:
    return dict(
        await _post(
            stack,
            f"/api/production/orders/{order['id']}/stages/{stage}/start",
            {"worker_id": worker_id, "equipment_id": equipment_id},
            Role.FLOOR_WORKER if stage != "qc" else Role.INSPECTOR,
            expect,
        )
    )


async def _inspect(
    stack: Stack, order: dict[str, Any], results: list[dict[str, Any]], expect: int = 200
) -> dict[str, Any]:
    body = {"worker": "Olga", "inspection": {"results": results}}
    return dict(
        await _post(
            stack,
            f"/api/production/orders/{order['id']}/stages/qc/complete",
            body,
            Role.INSPECTOR,
            expect,
        )
    )


async def _queue(stack: Stack, stage: str, **params: Any) -> list[dict[str, Any]]:
    response = await stack.api.get("/api/production/queue", params={"stage": stage, **params})
    assert response.status_code == 200, response.text
    return list(response.json())


async def test_a_soldered_unit_through_the_floor_with_a_failed_qc_item(stack: Stack) -> None:
    workers = await _floor(stack)
    template = await _post(
        stack, "/api/quality/templates", {"stage": "qc", "items": QC_ITEMS}, Role.INSPECTOR, 201
    )
    legends, scratches, stabilisers = (item["id"] for item in template["items"])

    urgent = await stack.order(product_sku="KB-65-SOL", priority="URGENT", due_date=days_ahead(20))
    normal = await stack.order(product_sku="KB-65-SOL", priority="NORMAL", due_date=days_ahead(10))
    for order in (normal, urgent):
        await stack.complete(order, "design")
        await stack.until(order, lambda o: o["stage"] == "assembly")
        await _start(stack, order, "assembly", workers["Ivan"])
        assembled = await stack.complete(order, "assembly")
        assert assembled["serial_numbers"] == [f"KB-65-SOL-{order['number']}-01"]

    # The soldering queue: the urgent order first although it is due later.
    queue = await _queue(stack, "soldering")
    assert [q["number"] for q in queue] == [urgent["number"], normal["number"]]
    assert queue[0]["state"] == "waiting"
    assert queue[0]["serial_numbers"] == [f"KB-65-SOL-{urgent['number']}-01"]

    refused = await _start(stack, urgent, "soldering", workers["Marta"], expect=409)
    assert "Marta has level 1 soldering skill; soldering needs level 3" in refused["detail"]
    assert (refused["code"], refused["worker"], refused["level"], refused["needed"]) == (
        "not_qualified",
        "Marta",
        1,
        3,
    )
    started = await _start(stack, urgent, "soldering", workers["Ivan"])
    entry = started["stages"][-1]
    assert (entry["started_by"], entry["equipment"]) == ("Ivan", "SS-1")
    equipment = (await stack.api.get("/api/production/equipment")).json()
    assert [(e["name"], e["status"], e["held_by_order"]) for e in equipment] == [
        ("SS-1", "in_use", urgent["number"])
    ]
    busy = await _start(stack, normal, "soldering", workers["Ivan"], expect=409)
    assert f"SS-1 (in use by {urgent['number']})" in busy["detail"]
    queue = await _queue(stack, "soldering")
    assert (queue[0]["state"], queue[0]["equipment"]) == ("in_progress", "SS-1")

    soldered = await stack.complete(urgent, "soldering")
    entry = soldered["stages"][-2]
    assert entry["work_seconds"] is not None
    assert entry["queue_seconds"] is not None
    equipment = (await stack.api.get("/api/production/equipment")).json()
    assert [(e["status"], e["held_by_order"]) for e in equipment] == [("available", None)]
    await stack.complete(urgent, "testing", passed=True)

    # QC with the checklist: malformed inspections are refused before the workflow sees them.
    assert (await stack.complete(urgent, "qc", passed=True, expect=422))["detail"]
    missing = await _inspect(stack, urgent, [{"item_id": legends, "passed": True}], expect=422)
    assert "Case free of scratches" in str(missing)
    await _start(stack, urgent, "qc", workers["Olga"])
    waiting = (
        await stack.api.get("/api/quality/inspections", params={"order_id": urgent["id"]})
    ).json()
    assert [(i["stage"], i["status"], i["inspector"]) for i in waiting] == [
        ("qc", "in_progress", "Olga"),  # the one it waits for comes first
        ("testing", "passed", "admin@tests.example"),  # a plain verdict: no checklist
    ]
    failed = await _inspect(
        stack,
        urgent,
        [
            {"item_id": legends, "passed": False, "comment": "F legend smudged"},
            {"item_id": scratches, "passed": True},
            {"item_id": stabilisers, "passed": False, "comment": "slight rattle"},
        ],
    )
    rework = failed["stages"][-1]
    assert (failed["stage"], failed["rework_count"]) == ("assembly", 1)
    assert (rework["rework_from"], rework["rework_items"]) == (
        "qc",
        ["Keycap legends aligned and complete: F legend smudged"],
    )
    history = (
        await stack.api.get("/api/quality/inspections", params={"order_id": urgent["id"]})
    ).json()
    assert [(i["stage"], i["status"]) for i in history] == [("qc", "failed"), ("testing", "passed")]
    assert [(r["ok"], r["comment"]) for r in history[0]["results"]] == [
        (False, "F legend smudged"),
        (True, None),
        (False, "slight rattle"),
    ]
    assert history[0]["template_id"] == template["id"]

    for stage in ("assembly", "soldering"):
        await stack.complete(urgent, stage)
    await stack.complete(urgent, "testing", passed=True)
    passed = await _inspect(
        stack,
        urgent,
        [{"item_id": legends, "passed": True}, {"item_id": scratches, "passed": True}],
    )
    assert passed["stage"] == "shipping"
    shipped = await stack.complete(urgent, "shipping")
    assert shipped["status"] == "completed"

    serial = shipped["serial_numbers"][0]
    story = (await stack.api.get(f"/api/production/units/{serial}")).json()
    assert (story["order_number"], story["product_sku"]) == (urgent["number"], "KB-65-SOL")
    assert story["shipped_at"] is not None
    assert {c["sku"]: c["per_unit"] for c in story["components"]}["SW-LIN-RED"] == 68
    soldering = [s for s in story["stages"] if s["stage"] == "soldering"]
    assert [(s["started_by"], s["equipment"]) for s in soldering] == [
        ("Ivan", "SS-1"),
        (None, None),
    ]
    assert [(i["stage"], i["status"]) for i in story["inspections"]] == [
        ("qc", "passed"),
        ("testing", "passed"),
        ("qc", "failed"),
        ("testing", "passed"),
    ]
    assert all(serial in i["serials"] for i in story["inspections"])
    unknown = await stack.api.get("/api/production/units/KB-65-SOL-NOPE-01")
    assert unknown.status_code == 404

    # The start refused while SS-1 was busy, tried again now that it is free, goes through;
    # the same start once more is a repeat.
    retried = await _start(stack, normal, "soldering", workers["Ivan"])
    assert (retried["stages"][-1]["started_by"], retried["stages"][-1]["equipment"]) == (
        "Ivan",
        "SS-1",
    )
    again = await _start(stack, normal, "soldering", workers["Ivan"])
    assert again["stages"][-1]["work_started_at"] == retried["stages"][-1]["work_started_at"]
    await stack.assert_books()


async def test_held_orders_leave_the_queue_and_priority_reorders_it(stack: Stack) -> None:
    first = await stack.order(priority="NORMAL", due_date=days_ahead(20))
    second = await stack.order(priority="NORMAL", due_date=days_ahead(21))
    assert [q["number"] for q in await _queue(stack, "design")] == [
        first["number"],
        second["number"],
    ]

    refused = await _post(
        stack, f"/api/production/orders/{first['id']}/hold", {"reason": "x"}, Role.FLOOR_WORKER, 403
    )
    assert "orders:manage" in refused["detail"]
    held = await _post(
        stack,
        f"/api/production/orders/{first['id']}/hold",
        {"reason": "customer is changing the layout"},
        Role.PLANNER,
        200,
    )
    assert (held["on_hold"], held["hold_reason"]) == (True, "customer is changing the layout")
    assert [q["number"] for q in await _queue(stack, "design")] == [second["number"]]
    with_held = await _queue(stack, "design", include_held="true")
    assert [(q["number"], q["state"]) for q in with_held] == [
        (first["number"], "on_hold"),
        (second["number"], "waiting"),
    ]
    blocked = await stack.complete(first, "design", expect=409)
    assert "on hold" in blocked["detail"]
    await _post(
        stack, f"/api/production/orders/{first['id']}/hold", {"reason": "again"}, Role.PLANNER, 409
    )
    for _ in range(2):  # a repeated resume (a retry, a double click) changes nothing more
        resumed = await _post(
            stack, f"/api/production/orders/{first['id']}/resume", {}, Role.PLANNER, 200
        )
        assert resumed["on_hold"] is False

    response = await stack.api.patch(
        f"/api/production/orders/{second['id']}",
        json={"priority": "URGENT"},
        headers=await stack.headers(Role.PLANNER),
    )
    assert response.status_code == 200, response.text
    assert response.json()["priority"] == "URGENT"
    assert [q["number"] for q in await _queue(stack, "design")] == [
        second["number"],
        first["number"],
    ]
    bad = await stack.api.patch(f"/api/production/orders/{second['id']}", json={"priority": "ASAP"})
    assert bad.status_code == 422
    query = f"WorkflowId = '{second['workflow_id']}' AND OrderPriority = 'URGENT'"
    async with asyncio.timeout(20):
        while not [w async for w in stack.temporal.list_workflows(query)]:
            await asyncio.sleep(0.2)


async def test_an_order_that_cannot_make_its_due_date_is_flagged_at_once(stack: Stack) -> None:
    today = datetime.now(UTC).date().isoformat()
    order = await stack.order(due_date=today)  # the stage targets add up to days
    order = await stack.until(order, lambda o: o["at_risk"])
    assert [e["kind"] for e in order["escalations"]] == ["at_risk"]
    assert today in order["escalations"][0]["detail"]
    assert order["stages"][0]["due_at"] is not None


async def test_stage_targets_count_the_plants_working_time(stack: Stack) -> None:
    """The plant works around the clock but is closed for the next two days: design (a
    90-minute target) entered now is due 90 minutes after the plant reopens, and an order due
    tomorrow is at risk."""
    design_target = {"target_minutes": 90}
    response = await stack.api.patch("/api/production/stages/design", json=design_target)
    assert response.status_code == 200, response.text
    now = datetime.now(UTC)
    around_the_clock = [{"weekday": day, "start": "00:00", "end": "00:00"} for day in range(7)]
    plant = {"name": "Plant", "zone": "UTC", "is_default": True, "shifts": around_the_clock}
    calendar = await _post(stack, "/api/production/calendars", plant, Role.PLANNER, 201)
    reopens = now + timedelta(days=2)
    closed = {"starts_at": now.isoformat(), "ends_at": reopens.isoformat(), "note": "stocktaking"}
    path = f"/api/production/calendars/{calendar['id']}/exceptions"
    await _post(stack, path, closed, Role.PLANNER, 201)
    order = await stack.until(await stack.order(due_date=days_ahead(1)), lambda o: o["at_risk"])
    design = order["stages"][0]
    assert datetime.fromisoformat(design["due_at"]) == reopens + timedelta(minutes=90)


async def test_resources_and_checklists_refuse_what_makes_no_sense(stack: Stack) -> None:
    workers = await _floor(stack)
    duplicate = {"name": "SS-1", "equipment_type": "soldering_station", "stage": "soldering"}
    await _post(stack, "/api/production/equipment", duplicate, Role.PLANNER, 409)
    automatic = {"name": "Bot", "skills": [{"stage": "procurement", "level": 2}]}
    await _post(stack, "/api/production/workers", automatic, Role.PLANNER, 422)
    nobody = {"name": "Ghost", "user_id": "00000000-0000-0000-0000-000000000001"}
    await _post(stack, "/api/production/workers", nobody, Role.PLANNER, 404)
    solderers = (
        await stack.api.get("/api/production/workers", params={"stage": "soldering"})
    ).json()
    assert [w["name"] for w in solderers] == ["Ivan"]  # Marta is below the stage's level
    assert workers["Ivan"] == solderers[0]["id"]

    measure = {"description": "Current draw", "kind": "MEASURE", "unit": "mA"}
    await _post(
        stack, "/api/quality/templates", {"stage": "qc", "items": [measure]}, Role.INSPECTOR, 422
    )
    await _post(
        stack, "/api/quality/templates", {"stage": "design", "items": QC_ITEMS}, Role.INSPECTOR, 422
    )
    await _post(
        stack, "/api/quality/templates", {"stage": "qc", "items": QC_ITEMS}, Role.FLOOR_WORKER, 403
    )
    general = await _post(
        stack,
        "/api/quality/templates",
        {"stage": "testing", "items": [measure | {"min": 20, "max": 150}]},
        Role.INSPECTOR,
        201,
    )
    own = await _post(
        stack,
        "/api/quality/templates",
        {"stage": "testing", "product_sku": "KB-65-HS", "items": QC_ITEMS},
        Role.INSPECTOR,
        201,
    )
    replaced = await _post(
        stack,
        "/api/quality/templates",
        {"stage": "testing", "items": [measure | {"max": 120}]},
        Role.INSPECTOR,
        201,
    )
    active = (await stack.api.get("/api/quality/templates", params={"stage": "testing"})).json()
    assert {t["id"] for t in active} == {own["id"], replaced["id"]}
    old = (await stack.api.get(f"/api/quality/templates/{general['id']}")).json()
    assert old["active"] is False

    # A measured value out of range fails testing; the hot-swap product has its own checklist.
    order = await stack.order(product_sku="KB-65-SOL")
    await stack.complete(order, "design")
    await stack.until(order, lambda o: o["stage"] == "assembly")
    await stack.complete(order, "assembly")
    await stack.complete(order, "soldering")
    item = replaced["items"][0]["id"]
    body = {"worker": "Ivan", "inspection": {"results": [{"item_id": item, "value": "131.5"}]}}
    failed = await _post(
        stack,
        f"/api/production/orders/{order['id']}/stages/testing/complete",
        body,
        Role.FLOOR_WORKER,
        200,
    )
    assert (failed["stage"], failed["rework_count"]) == ("soldering", 1)
    assert failed["stages"][-1]["rework_items"] == ["Current draw = 131.5 mA"]
    maintenance = (await stack.api.get("/api/production/equipment")).json()[0]
    response = await stack.api.patch(
        f"/api/production/equipment/{maintenance['id']}",
        json={"status": "maintenance", "notes": "tip replaced"},
        headers=await stack.headers(Role.PLANNER),
    )
    assert response.json()["status"] == "maintenance"
    refused = await _start(stack, order, "soldering", workers["Ivan"], expect=409)
    assert "SS-1 (maintenance)" in refused["detail"]


async def test_starts_at_once_wait_for_each_other_instead_of_refusing(stack: Stack) -> None:
    workers = await _floor(stack)
    order = await stack.order(product_sku="KB-65-SOL")
    await stack.complete(order, "design")
    await stack.until(order, lambda o: o["stage"] == "assembly")
    await stack.complete(order, "assembly")
    marta, ivan = await asyncio.gather(  # Marta may not solder yet; Ivan may
        _start(stack, order, "soldering", workers["Marta"], expect=409),
        _start(stack, order, "soldering", workers["Ivan"]),
    )
    assert "soldering needs level 3" in marta["detail"]
    assert (ivan["stages"][-1]["started_by"], ivan["stages"][-1]["equipment"]) == ("Ivan", "SS-1")


async def test_the_worker_may_choose_which_free_equipment_to_take(stack: Stack) -> None:
    workers = await _floor(stack)
    second, rig = [
        await _post(stack, "/api/production/equipment", body, Role.PLANNER, 201)
        for body in (
            {"name": "SS-2", "equipment_type": "soldering_station", "stage": "soldering"},
            {"name": "Rig-1", "equipment_type": "test_rig", "stage": "testing"},
        )
    ]
    first, other = [await stack.order(product_sku="KB-65-SOL") for _ in range(2)]
    for order in (first, other):
        await stack.complete(order, "design")
        await stack.until(order, lambda o: o["stage"] == "assembly")
        refused = await _start(
            stack, order, "assembly", workers["Ivan"], 409, equipment_id=second["id"]
        )
        assert refused["detail"] == "assembly needs no equipment"
        await stack.complete(order, "assembly")

    ivan = workers["Ivan"]
    wrong = await _start(stack, first, "soldering", ivan, 409, equipment_id=rig["id"])
    assert wrong["detail"] == "Rig-1 is a test_rig; soldering needs a soldering_station"
    await _start(stack, first, "soldering", ivan, 404, equipment_id=str(uuid.uuid4()))
    chosen = await _start(stack, first, "soldering", ivan, equipment_id=second["id"])
    assert chosen["stages"][-1]["equipment"] == "SS-2"  # not SS-1, the first by name

    busy = await _start(stack, other, "soldering", ivan, 409, equipment_id=second["id"])
    assert (busy["code"], busy["equipment"]) == ("equipment_busy", "SS-2")
    assert (
        busy["detail"]
        == f"no free soldering_station for soldering: SS-2 (in use by {first['number']})"
    )
    any_free = await _start(stack, other, "soldering", ivan)
    assert any_free["stages"][-1]["equipment"] == "SS-1"
