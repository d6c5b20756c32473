"""The inventory API against real PostgreSQL and Redis: contract, errors and stock rules."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.support import Demo

ITEM = {
    "sku": "KB-001",
    "name": "Mechanical Keyboard",
    "item_type": "FINISHED_PRODUCT",
    "category": "OTHER",
    "unit_of_measure": "PIECE",
    "min_stock_level": 10,
}
WAREHOUSE = {
    "name": "Main Warehouse",
    "code": "WH-001",
    "address": "123 Storage St",
    "city": "City",
    "country": "Country",
}


async def test_health_is_open_and_deep_health_checks_every_dependency(
    api: httpx.AsyncClient,
) -> None:
    assert (await api.get("/api/health")).json()["status"] == "ok"
    assert (await api.get("/api/health/liveness")).status_code == 200
    deep = await api.get("/api/health/deep")
    checks = deep.json()["checks"]
    assert checks["database"]["status"] == "ok"
    assert checks["redis"]["status"] == "ok"
    # No Temporal server in this tier: the deep check says so instead of pretending.
    assert checks["temporal"]["status"] == "failed"
    assert deep.status_code == 503


async def test_items_are_created_found_and_unique(api: httpx.AsyncClient) -> None:
    created = await api.post("/api/inventory/items", json=ITEM)
    assert created.status_code == 201
    item = created.json()
    assert item["sku"] == "KB-001"
    assert uuid.UUID(item["id"])
    duplicate = await api.post("/api/inventory/items", json={**ITEM, "name": "Other"})
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "duplicate"
    assert "KB-001" in duplicate.json()["detail"]
    assert (await api.get(f"/api/inventory/items/{item['id']}")).json()["name"] == ITEM["name"]
    assert (await api.get(f"/api/inventory/items/{uuid.uuid4()}")).status_code == 404
    page = (await api.get("/api/inventory/items", params={"search": "keyboard", "size": 5})).json()
    assert page["total"] == 1
    assert page["items"][0]["id"] == item["id"]
    assert (page["page"], page["size"]) == (1, 5)


async def test_item_lists_are_paged(api: httpx.AsyncClient, demo: Demo) -> None:
    first = (await api.get("/api/inventory/items", params={"page": 1, "size": 4})).json()
    second = (await api.get("/api/inventory/items", params={"page": 2, "size": 4})).json()
    assert first["total"] == second["total"] == len(demo.items)
    assert len(first["items"]) == 4
    assert not {i["sku"] for i in first["items"]} & {i["sku"] for i in second["items"]}
    switches = (await api.get("/api/inventory/items", params={"search": "SW-LIN"})).json()
    assert [i["sku"] for i in switches["items"]] == ["SW-LIN-RED"]


@pytest.mark.parametrize(
    "payload",
    [
        {**ITEM, "item_type": "GADGET"},
        {**ITEM, "min_stock_level": -1},
        {**ITEM, "sku": ""},
        {**ITEM, "min_stock_level": 10, "max_stock_level": 5},
        {key: value for key, value in ITEM.items() if key != "name"},
    ],
)
async def test_malformed_items_get_422(api: httpx.AsyncClient, payload: dict[str, object]) -> None:
    response = await api.post("/api/inventory/items", json=payload)
    assert response.status_code == 422
    assert response.json()["detail"]


async def test_warehouses_have_unique_codes(api: httpx.AsyncClient) -> None:
    created = await api.post("/api/inventory/warehouses", json=WAREHOUSE)
    assert created.status_code == 201
    assert (await api.post("/api/inventory/warehouses", json=WAREHOUSE)).status_code == 409
    listed = (await api.get("/api/inventory/warehouses")).json()
    assert [w["code"] for w in listed] == ["WH-001"]


async def test_moves_change_stock_through_the_ledger(api: httpx.AsyncClient, demo: Demo) -> None:
    item, warehouse = str(demo.items["CABLE-USBC"]), str(demo.warehouse_id)
    move = {"item_id": item, "warehouse_id": warehouse}
    receipt = await api.post(
        "/api/inventory/move", json={**move, "quantity": 50, "reason": "Purchase order receipt"}
    )
    assert receipt.status_code == 201
    assert receipt.json()["movement_type"] == "RECEIPT"
    issue = await api.post(
        "/api/inventory/move",
        json={**move, "quantity": 5, "reason": "sample", "movement_type": "ISSUE"},
    )
    assert issue.json()["delta"] == -5
    adjust = await api.post(
        "/api/inventory/move",
        json={**move, "quantity": -2, "reason": "damaged", "movement_type": "ADJUSTMENT"},
    )
    assert adjust.status_code == 201
    too_much = await api.post(
        "/api/inventory/move",
        json={**move, "quantity": 1000, "reason": "x", "movement_type": "ISSUE"},
    )
    assert too_much.status_code == 409
    assert too_much.json()["code"] == "insufficient_stock"
    (stock,) = (await api.get("/api/inventory/stock", params={"item_id": item})).json()
    assert (stock["sku"], stock["warehouse_id"]) == ("CABLE-USBC", warehouse)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (63, 0, 63)
    # The receipt went to the receiving bin; the issue and the correction came from storage.
    assert {b["bin_code"]: b["on_hand"] for b in stock["bins"]} == {"RCV-01": 50, "A-01-01": 13}
    ledger = (await api.get("/api/inventory/movements", params={"item_id": item})).json()
    assert [m["delta"] for m in ledger] == [-2, -5, 50, 20]  # newest first; 20 is opening stock
    assert ledger[0]["reason"] == "damaged"


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"quantity": 0}, 422),
        ({"quantity": -3}, 422),
        ({"quantity": 0, "movement_type": "ADJUSTMENT"}, 422),
        ({"movement_type": "TELEPORT"}, 422),
        ({"reason": ""}, 422),
        ({"item_id": "not-a-uuid"}, 422),
        ({"item_id": str(uuid.UUID(int=1))}, 404),
        ({"warehouse_id": str(uuid.UUID(int=2))}, 404),
    ],
)
async def test_bad_moves_get_a_clear_answer(
    api: httpx.AsyncClient, demo: Demo, change: dict[str, object], status: int
) -> None:
    move = {
        "item_id": str(demo.items["BOX-65"]),
        "warehouse_id": str(demo.warehouse_id),
        "quantity": 1,
        "reason": "x",
        **change,
    }
    response = await api.post("/api/inventory/move", json=move)
    assert response.status_code == status
    assert response.json()["detail"]


async def test_reservations_hold_stock_until_released(api: httpx.AsyncClient, demo: Demo) -> None:
    params = {"item_id": str(demo.items["BOX-65"]), "warehouse_id": str(demo.warehouse_id)}
    first = await api.post("/api/inventory/reserve", params={**params, "quantity": 15})
    assert first.status_code == 201
    assert first.json()["status"] == "reserved"
    refused = await api.post("/api/inventory/reserve", params={**params, "quantity": 6})
    assert refused.status_code == 409
    assert refused.json()["available"] == 5
    assert (
        await api.post("/api/inventory/reserve", params={**params, "quantity": 0})
    ).status_code == 422
    unknown: dict[str, str | int] = {**params, "item_id": str(uuid.UUID(int=3)), "quantity": 1}
    assert (await api.post("/api/inventory/reserve", params=unknown)).status_code == 404
    issue = await api.post(
        "/api/inventory/move",
        json={**params, "quantity": 6, "reason": "x", "movement_type": "ISSUE"},
    )
    assert issue.status_code == 409
    released = await api.post(f"/api/inventory/reservations/{first.json()['id']}/release")
    assert released.json()["status"] == "released"
    again = await api.post(f"/api/inventory/reservations/{first.json()['id']}/release")
    assert again.status_code == 409
    stock = (await api.get("/api/inventory/stock", params=params)).json()
    assert stock[0]["reserved"] == 0


async def test_metrics_are_labelled_by_route_template(api: httpx.AsyncClient) -> None:
    await api.get(f"/api/inventory/items/{uuid.uuid4()}")
    await api.get("/api/inventory/items/by-barcode/items")  # a value that is also a segment
    text = (await api.get("/metrics")).text
    assert 'route="/api/inventory/items/{item_id}",status="404"' in text
    assert 'route="/api/inventory/items/by-barcode/{code}",status="404"' in text
    assert "http_request_duration_seconds_bucket" in text
