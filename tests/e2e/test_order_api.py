"""The order API's answers to mistakes and retries."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from tests.e2e.conftest import Stack
from tests.support import days_ahead


async def test_a_retried_post_with_an_idempotency_key_returns_the_same_order(stack: Stack) -> None:
    body = {
        "product_sku": "KB-65-SOL",
        "quantity": 1,
        "customer": "Boris",
        "priority": "URGENT",
        "due_date": days_ahead(24),
    }
    key = {"Idempotency-Key": f"planner-{uuid.uuid4()}"}
    first, second = await asyncio.gather(
        stack.api.post("/api/production/orders", json=body, headers=key),
        stack.api.post("/api/production/orders", json=body, headers=key),
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    other = await stack.api.post("/api/production/orders", json=body)
    assert other.json()["id"] != first.json()["id"]
    numbers = [int(answer.json()["number"].removeprefix("ZK-")) for answer in (first, other)]
    assert numbers[1] == numbers[0] + 1  # the repeat took no number of its own
    listed = await stack.api.get("/api/production/orders", params={"priority": "URGENT"})
    assert listed.headers["X-Total-Count"] == "2"
    assert {o["product_sku"] for o in listed.json()} == {"KB-65-SOL"}


async def test_stage_mistakes_get_409_with_the_reason(stack: Stack) -> None:
    order = await stack.order()
    wrong = await stack.complete(order, "assembly", expect=409)
    assert wrong["code"] == "wrong_stage"
    assert wrong["current"] == "design"
    await stack.complete(order, "design")
    await stack.until(order, lambda o: o["stage"] == "assembly")
    automatic = await stack.complete(order, "procurement", expect=409)
    assert "automatic" in automatic["detail"]
    await stack.complete(order, "assembly")
    verdictless = await stack.complete(order, "testing", expect=422)
    assert "passed" in str(verdictless["detail"])
    order = await stack.get(order)
    assert (order["stage"], order["rework_count"]) == ("testing", 0)


async def test_unknown_orders_and_malformed_requests(stack: Stack) -> None:
    missing = uuid.uuid4()
    assert (await stack.api.get(f"/api/production/orders/{missing}")).status_code == 404
    completion = {"worker": "Ivan"}
    url = f"/api/production/orders/{missing}/stages/design/complete"
    assert (await stack.api.post(url, json=completion)).status_code == 404
    cancel = await stack.api.post(f"/api/production/orders/{missing}/cancel", json={"reason": "x"})
    assert cancel.status_code == 404
    order = await stack.order()
    base = f"/api/production/orders/{order['id']}"
    assert (
        await stack.api.post(f"{base}/stages/painting/complete", json=completion)
    ).status_code == 422
    bad_verdict = {"passed": "maybe"}
    assert (
        await stack.api.post(f"{base}/stages/design/complete", json=bad_verdict)
    ).status_code == 422
    assert (await stack.api.post(f"{base}/cancel", json={})).status_code == 422
    assert (
        await stack.api.get("/api/production/orders", params={"status": "lost"})
    ).status_code == 422


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"product_sku": "NOPE"}, 404),
        ({"product_sku": "SW-LIN-RED"}, 404),  # an item, but not a product
        ({"warehouse_id": str(uuid.UUID(int=9))}, 404),
        ({"quantity": 0}, 422),
        ({"priority": "SOON"}, 422),
        ({"due_date": "someday"}, 422),
        ({"customer": ""}, 422),
    ],
)
async def test_bad_orders_are_refused(stack: Stack, change: dict[str, object], status: int) -> None:
    body = {
        "product_sku": "KB-65-HS",
        "quantity": 1,
        "customer": "Anna",
        "due_date": days_ahead(31),
    } | change
    response = await stack.api.post("/api/production/orders", json=body)
    assert response.status_code == status
    assert response.json()["detail"]
