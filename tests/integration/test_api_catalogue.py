"""Products, suppliers and their offers through the API."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.support import Demo


async def _keyboard_item(api: httpx.AsyncClient) -> None:
    """A finished item a product can be made of: the TKL keyboard."""
    item = {"sku": "KB-TKL", "name": "TKL", "item_type": "FINISHED_PRODUCT", "category": "KEYBOARD"}
    assert (await api.post("/api/inventory/items", json=item)).status_code == 201


async def test_a_product_is_a_finished_item_with_a_bom(api: httpx.AsyncClient, demo: Demo) -> None:
    await _keyboard_item(api)
    bom = [{"sku": "SW-LIN-RED", "quantity": 87}, {"sku": "BOX-65", "quantity": 1}]
    created = await api.post("/api/production/products", json={"sku": "KB-TKL", "bom": bom})
    assert created.status_code == 201
    assert created.json()["bom"] == sorted(bom, key=lambda line: str(line["sku"]))
    skus = [p["sku"] for p in (await api.get("/api/production/products")).json()]
    assert skus == ["KB-65-HS", "KB-65-SOL", "KB-TKL"]
    again = await api.post("/api/production/products", json={"sku": "KB-TKL", "bom": bom})
    assert again.status_code == 409


async def test_the_catalogue_is_read_fresh_in_a_fixed_number_of_queries(
    api: httpx.AsyncClient, demo: Demo
) -> None:
    statements: list[str] = []

    def seen(_connection: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        before = (await api.get("/api/production/products")).json()
        asked = len(statements)
        hot_swap = next(p for p in before if p["sku"] == "KB-65-HS")
        renamed = await api.patch(
            f"/api/inventory/items/{hot_swap['item_id']}", json={"name": "Zhuchka 65, black"}
        )
        assert renamed.status_code == 200, renamed.text
        bom = [{"sku": "SW-LIN-RED", "quantity": 87}]
        await _keyboard_item(api)
        assert (
            await api.post("/api/production/products", json={"sku": "KB-TKL", "bom": bom})
        ).status_code == 201
        statements.clear()
        after = (await api.get("/api/production/products")).json()
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    names = {p["sku"]: p["name"] for p in after}
    assert names["KB-65-HS"] == "Zhuchka 65, black"  # a rename shows at once
    assert "KB-TKL" in names  # so does a new product
    assert len(statements) == asked  # one product more, no query more


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"sku": "SW-LIN-RED", "bom": [{"sku": "BOX-65", "quantity": 1}]}, 409),  # a component
        ({"sku": "NOPE", "bom": [{"sku": "BOX-65", "quantity": 1}]}, 404),
        ({"sku": "KB-65-HS", "bom": [{"sku": "NOPE", "quantity": 1}]}, 404),
        ({"sku": "KB-65-HS", "bom": []}, 422),
        ({"sku": "KB-65-HS", "bom": [{"sku": "BOX-65", "quantity": 0}]}, 422),
    ],
)
async def test_bad_products_are_refused(
    api: httpx.AsyncClient, demo: Demo, payload: dict[str, object], status: int
) -> None:
    assert (await api.post("/api/production/products", json=payload)).status_code == status


async def test_suppliers_and_their_offers(api: httpx.AsyncClient, demo: Demo) -> None:
    created = await api.post(
        "/api/purchasing/suppliers", json={"name": "Kailh", "email": "sales@kailh.example"}
    )
    assert created.status_code == 201
    supplier = created.json()
    assert supplier["status"] == "active"
    assert (await api.post("/api/purchasing/suppliers", json={"name": "Kailh"})).status_code == 409
    assert (
        await api.post("/api/purchasing/suppliers", json={"name": "X", "email": "nope"})
    ).status_code == 422
    offer = {
        "item_id": str(demo.items["SW-LIN-RED"]),
        "unit_price": "0.29",
        "min_order_qty": 700,
        "pack_size": 70,
        "lead_time_days": 14,
        "preferred": False,
    }
    url = f"/api/purchasing/suppliers/{supplier['id']}/items"
    added = await api.post(url, json=offer)
    assert added.status_code == 201
    assert added.json()["unit_price"] == "0.29"
    assert (await api.post(url, json=offer)).status_code == 409
    assert (await api.post(url, json={**offer, "unit_price": "-1"})).status_code == 422
    unknown_item = await api.post(url, json={**offer, "item_id": str(uuid.uuid4())})
    assert unknown_item.status_code == 404
    unknown_supplier = await api.post(f"/api/purchasing/suppliers/{uuid.uuid4()}/items", json=offer)
    assert unknown_supplier.status_code == 404
    assert len((await api.get(url)).json()) == 1
