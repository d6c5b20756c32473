"""What the web app needs from the API: orders and purchase orders found by their numbers, list
filters and sorting, what a user may do, live events, and the app served at /."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from domain.access import Action, Role
from tests.e2e.conftest import Stack, serving
from tests.support import bearer_token, days_ahead, running_app

ORDERS = "/api/production/orders"
SWITCH = "SW-LIN-RED"


async def test_orders_are_found_by_number_and_listed_by_what_people_search(stack: Stack) -> None:
    urgent = await stack.order(customer="Klava Orlova", priority="URGENT", due_date=days_ahead(5))
    later = await stack.order(customer="Boris", priority="LOW", due_date=days_ahead(40))
    by_number = await stack.api.get(f"{ORDERS}/{urgent['number'].lower()}")
    assert by_number.status_code == 200
    assert by_number.json()["id"] == urgent["id"]
    assert (await stack.api.get(f"{ORDERS}/{urgent['id']}")).json()["number"] == urgent["number"]
    missing = await stack.api.get(f"{ORDERS}/ZK-999999")
    assert missing.status_code == 404
    assert "ZK-999999" in missing.json()["detail"]

    found = await stack.api.get(ORDERS, params={"search": "orlova"})
    assert [o["number"] for o in found.json()] == [urgent["number"]]
    assert found.headers["X-Total-Count"] == "1"
    wildcard = await stack.api.get(ORDERS, params={"search": "%"})
    assert wildcard.json() == []
    by_priority = await stack.api.get(
        ORDERS, params={"sort": "priority", "descending": "false", "open_only": "true"}
    )
    numbers = [o["number"] for o in by_priority.json()]
    assert numbers.index(urgent["number"]) < numbers.index(later["number"])
    due_soon = await stack.api.get(ORDERS, params={"due_before": days_ahead(10)})
    assert {o["number"] for o in due_soon.json()} == {urgent["number"]}
    by_product = await stack.api.get(ORDERS, params={"product_sku": "NO-SUCH-SKU"})
    assert by_product.json() == []
    bad_sort = await stack.api.get(ORDERS, params={"sort": "password"})
    assert bad_sort.status_code == 422


async def _draft(stack: Stack) -> dict[str, Any]:
    item = str(stack.demo.items[SWITCH])
    supplier = str(stack.demo.suppliers["Gateron Direct"])
    made = await stack.api.post(
        "/api/purchasing/purchase-orders",
        json={"supplier_id": supplier, "lines": [{"item_id": item, "quantity": 700}]},
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


async def test_purchase_orders_are_found_by_number(stack: Stack) -> None:
    po = await _draft(stack)
    by_number = await stack.api.get(f"/api/purchasing/purchase-orders/{po['number']}")
    assert by_number.json()["id"] == po["id"]
    missing = await stack.api.get("/api/purchasing/purchase-orders/PO-999999")
    assert missing.status_code == 404


async def test_me_says_what_the_session_may_do(stack: Stack) -> None:
    stack.api.headers["Authorization"] = f"Bearer {await bearer_token(stack.services, Role.BUYER)}"
    me = (await stack.api.get("/api/user/me")).json()
    assert me["roles"] == ["buyer"]
    assert Action.MANAGE_PURCHASING.value in me["actions"]
    assert Action.MANAGE_ORDERS.value not in me["actions"]
    assert Action.READ.value in me["actions"]
    assert me["stages"] == []  # a buyer reports no stage's work
    stack.api.headers["Authorization"] = (
        f"Bearer {await bearer_token(stack.services, Role.INSPECTOR)}"
    )
    assert (await stack.api.get("/api/user/me")).json()["stages"] == ["qc"]


async def _events(base: str, token: str | None) -> AsyncIterator[tuple[str, Any]]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        httpx.AsyncClient(base_url=base, timeout=30) as client,
        client.stream("GET", "/api/events", headers=headers) as response,
    ):
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        event = ""
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: "):
                yield event, json.loads(line.removeprefix("data: "))


async def test_a_viewer_hears_each_committed_change_whoever_makes_it(stack: Stack) -> None:
    viewer = await bearer_token(stack.services, Role.VIEWER)
    settings = stack.settings.model_copy(update={"events_stream_seconds": 30})
    async with serving(settings) as base:
        async with httpx.AsyncClient(base_url=base) as client:
            refused = await client.get("/api/events")
            assert refused.status_code == 401
        heard: list[tuple[str, Any]] = []
        ready = asyncio.Event()

        async def listen() -> None:
            async for event, data in _events(base, viewer):
                if event == "ready":
                    ready.set()
                heard.append((event, data))

        listening = asyncio.create_task(listen())
        await asyncio.wait_for(ready.wait(), 10)
        order = await stack.order()  # the API and then the worker's activities write
        po = await _draft(stack)
        async with stack.sessions.begin() as session:  # any other writer: plain SQL
            await session.execute(
                text("UPDATE purchase_orders SET notes = 'call them' WHERE id = :id"),
                {"id": po["id"]},
            )
        async with stack.sessions.begin() as session:
            await session.execute(
                text("UPDATE orders SET customer = 'Anna P.' WHERE id = :id"), {"id": order["id"]}
            )
        expected = [
            ("change", {"kind": "order", "id": order["id"]}),
            ("change", {"kind": "purchase_order", "id": po["id"]}),
        ]
        async with asyncio.timeout(10):
            while not all(e in heard for e in expected) or len(heard) < 3:
                await asyncio.sleep(0.05)
        listening.cancel()
        assert heard[0] == ("ready", {})


async def test_the_stream_ends_on_schedule_and_says_so(stack: Stack) -> None:
    viewer = await bearer_token(stack.services, Role.VIEWER)
    async with serving(stack.settings) as base:  # 0.2 s streams in tests
        events = [event async for event, _ in _events(base, viewer)]
    assert events == ["ready", "again"]


@pytest.fixture
def built_app(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>Zhuchka</title><div id=root>")
    (tmp_path / "assets" / "app-1a2b3c.js").write_text("console.log('board')")
    return tmp_path


async def test_the_app_is_served_at_root_and_api_paths_stay_the_apis(
    stack: Stack, built_app: Path
) -> None:
    settings = stack.settings.model_copy(update={"web_dist": built_app})
    async with running_app(settings) as (client, _):
        for path in ("/", "/orders/ZK-000123", "/station/assembly"):
            page = await client.get(path)
            assert page.status_code == 200, path
            assert page.headers["content-type"].startswith("text/html")
            assert "id=root" in page.text
            policy = page.headers["content-security-policy"]
            assert "script-src 'self';" in policy  # no inline script, no eval
        asset = await client.get("/assets/app-1a2b3c.js")
        assert asset.text == "console.log('board')"
        assert "immutable" in asset.headers["cache-control"]
        gone = await client.get("/assets/app-of-another-build.js")  # never the page under its name
        assert gone.status_code == 404
        assert "immutable" not in gone.headers.get("cache-control", "")
        unknown = await client.get("/api/no-such-thing")
        assert unknown.status_code == 404
        assert unknown.headers["content-type"] == "application/json"
        assert (await client.post("/api/no-such-thing")).status_code == 404
        assert (await client.get("/api/health/liveness")).status_code == 200


async def test_without_a_build_root_says_how_to_get_one(stack: Stack, tmp_path: Path) -> None:
    settings = stack.settings.model_copy(update={"web_dist": tmp_path / "missing"})
    async with running_app(settings) as (client, _):
        page = await client.get("/")
        assert page.status_code == 200
        assert "make run" in page.text


async def test_stock_and_purchase_orders_are_searched_and_paged_by_the_server(
    stack: Stack,
) -> None:
    page = await stack.api.get("/api/inventory/stock", params={"limit": 2, "offset": 1})
    total = int(page.headers["X-Total-Count"])
    assert total > 3
    assert len(page.json()) == 2
    everything = (await stack.api.get("/api/inventory/stock")).json()
    assert [r["sku"] for r in page.json()] == [r["sku"] for r in everything[1:3]]
    switches = await stack.api.get("/api/inventory/stock", params={"search": "linear switch"})
    assert [r["sku"] for r in switches.json()] == [SWITCH]
    item = stack.demo.items[SWITCH]
    await stack.api.patch(f"/api/inventory/items/{item}", json={"barcode": "4600000000017"})
    scanned = await stack.api.get("/api/inventory/stock", params={"search": "4600000000017"})
    assert [r["sku"] for r in scanned.json()] == [SWITCH]

    first, second = await _draft(stack), await _draft(stack)
    by_supplier = await stack.api.get(
        "/api/purchasing/purchase-orders", params={"search": "gateron", "limit": 1}
    )
    assert by_supplier.headers["X-Total-Count"] == "2"
    assert [po["number"] for po in by_supplier.json()] == [second["number"]]
    older = await stack.api.get(
        "/api/purchasing/purchase-orders", params={"search": "gateron", "limit": 1, "offset": 1}
    )
    assert [po["number"] for po in older.json()] == [first["number"]]
    by_number = await stack.api.get(
        "/api/purchasing/purchase-orders", params={"search": first["number"].lower()}
    )
    assert [po["number"] for po in by_number.json()] == [first["number"]]


async def test_the_new_order_preview_counts_what_orders_taken_earlier_still_need(
    stack: Stack,
) -> None:
    coverage = "/api/production/products/KB-65-HS/coverage"

    async def lines() -> tuple[int, dict[str, dict[str, int]]]:
        answer = (await stack.api.get(coverage, params={"quantity": 1})).json()
        return answer["buildable"], {line["sku"]: line for line in answer["lines"]}

    buildable, before = await lines()
    assert buildable > 0
    assert all(line["awaited"] == 0 and line["short"] == 0 for line in before.values())

    # An order for all of it, still in design, has reserved nothing: it comes first all the same.
    first = await stack.order(quantity=buildable)
    buildable_now, waiting = await lines()
    assert buildable_now == 0
    for sku, line in waiting.items():
        assert line["available"] == before[sku]["available"]
        assert line["awaited"] == line["per_unit"] * buildable
    assert any(line["short"] > 0 for line in waiting.values())

    # Once it has reserved, the stock it holds is no longer available, nor awaited.
    await stack.complete(first, "design")
    await stack.until(first, lambda o: o["stage"] == "assembly")
    _, reserved = await lines()
    for sku, line in reserved.items():
        assert line["awaited"] == 0
        assert line["available"] == before[sku]["available"] - line["per_unit"] * buildable
