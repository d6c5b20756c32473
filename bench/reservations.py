"""Reservations per second on one hot item under many concurrent requests, against the
cheapest correct thing PostgreSQL can do: one conditional UPDATE per transaction."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from sqlalchemy import text

from bench.stack import RunningStack
from domain.errors import InsufficientStock
from persistence.database import create_engine, create_session_factory
from services.inventory.reservations import reserve_exact

WARM_UP = 50
CONDITIONAL_UPDATE = text(
    "UPDATE stock_levels SET reserved = reserved + 1"
    " WHERE item_id = :item AND warehouse_id = :warehouse"
    " AND on_hand - quarantined - reserved >= 1"
)


async def _hot_item(api: httpx.AsyncClient, stock: int) -> tuple[str, str]:
    sku = f"BENCH-HOT-{uuid.uuid4().hex[:6]}"
    item = (
        await api.post(
            "/api/inventory/items",
            json={"sku": sku, "name": "hot item", "item_type": "COMPONENT", "category": "BENCH"},
        )
    ).json()["id"]
    warehouse = (await api.get("/api/inventory/warehouses")).json()[0]["id"]
    moved = await api.post(
        "/api/inventory/move",
        json={"item_id": item, "warehouse_id": warehouse, "quantity": stock, "reason": "bench"},
    )
    moved.raise_for_status()
    return item, warehouse


async def _rate(
    count: int, concurrency: int, one: Callable[[], Awaitable[bool]]
) -> tuple[float, int]:
    gate = asyncio.Semaphore(concurrency)
    granted = 0

    async def guarded() -> None:
        nonlocal granted
        async with gate:
            ok = await one()
        granted += ok  # not `granted += await ...`: that reads `granted` before the await

    started = time.perf_counter()
    await asyncio.gather(*(guarded() for _ in range(count)))
    return count / (time.perf_counter() - started), granted


async def measure(stack: RunningStack, *, requests: int, concurrency: int) -> dict[str, Any]:
    engine = create_engine(stack.settings)
    sessions = create_session_factory(engine)
    async with stack.client() as api:
        # Stock for the warm-up and every run below, less a quarter of the last one: its last
        # requests meet an empty shelf and must be refused, never over-reserved.
        item, warehouse = await _hot_item(api, stock=WARM_UP + 3 * requests - requests // 4)
        ids = {"item": uuid.UUID(item), "warehouse": uuid.UUID(warehouse)}

        async def baseline() -> bool:
            async with sessions.begin() as session:
                result = await session.execute(CONDITIONAL_UPDATE, ids)
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

        async def ours() -> bool:
            try:
                async with sessions.begin() as session:
                    await reserve_exact(session, ids["item"], ids["warehouse"], 1)
            except InsufficientStock:
                return False
            return True

        async def through_api() -> bool:
            response = await api.post(
                "/api/inventory/reserve",
                params={"item_id": item, "warehouse_id": warehouse, "quantity": 1},
            )
            if response.status_code not in (201, 409):
                raise RuntimeError(f"unexpected answer {response.status_code}: {response.text}")
            return response.status_code == 201

        await _rate(WARM_UP, concurrency, baseline)  # warm the pool
        baseline_rate, _ = await _rate(requests, concurrency, baseline)
        ours_rate, _ = await _rate(requests, concurrency, ours)
        api_rate, api_granted = await _rate(requests, concurrency, through_api)
        async with sessions() as session:
            on_hand, reserved = (
                await session.execute(
                    text("SELECT on_hand, reserved FROM stock_levels WHERE item_id = :item"), ids
                )
            ).one()
    await engine.dispose()
    assert reserved == on_hand, "the hot item must end fully reserved, never over"
    return {
        "requests": requests,
        "concurrency": concurrency,
        "conditional_update_per_s": baseline_rate,
        "reserve_per_s": ours_rate,
        "api_reserve_per_s": api_rate,
        "api_refused": requests - api_granted,
        "ratio_reserve": ours_rate / baseline_rate,
        "ratio_api": api_rate / baseline_rate,
    }
