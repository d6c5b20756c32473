"""`zhuchka seed --history`: a past the figures can speak of, loaded once, the books in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import text

from persistence.database import SessionFactory
from tests.support import Demo, assert_stock_consistent, ok
from zhuchka.demo_floor import seed_demo_floor
from zhuchka.demo_history import load_history
from zhuchka.history_simulation import Scale

SCALE = Scale(days=90, orders_per_day=3)


async def _load(sessions: SessionFactory) -> dict[str, int]:
    async with sessions.begin() as session:
        return await load_history(session, SCALE)


async def test_history_is_loaded_once_and_keeps_the_books(
    sessions: SessionFactory, demo: Demo
) -> None:
    async with sessions.begin() as session:
        await seed_demo_floor(session)
    written = await _load(sessions)
    assert written["orders"] > 150
    assert written["stock_movements"] > written["orders"]
    assert {"order_stages", "inspections", "inspection_results", "purchase_orders"} <= set(written)
    assert await _load(sessions) == {}  # the second time: nothing
    await assert_stock_consistent(sessions)
    async with sessions() as session:
        lowest = await session.scalar(
            text(
                "SELECT min(running) FROM (SELECT sum(delta) OVER (PARTITION BY item_id"
                " ORDER BY created_at, id) AS running FROM stock_movements) ledger"
            )
        )
        assert lowest is not None
        assert lowest >= 0, "a shelf went below zero"
        unfinished = await session.scalar(
            text(
                "SELECT count(*) FROM orders WHERE number LIKE 'ZK-H%'"
                " AND (status <> 'completed' OR completed_at >= now())"
            )
        )
        assert unfinished == 0
        reworked = await session.scalar(
            text("SELECT count(*) FROM order_stages WHERE rework_from IS NOT NULL")
        )
        assert reworked, "some inspections failed and sent units back"


async def test_every_figure_has_something_to_say(
    api: httpx.AsyncClient, sessions: SessionFactory, demo: Demo
) -> None:
    async with sessions.begin() as session:
        await seed_demo_floor(session)
    await _load(sessions)
    now = datetime.now(UTC)
    period = {"since": (now - timedelta(days=SCALE.days)).isoformat(), "until": now.isoformat()}
    production = ok(await api.get("/api/analytics/production", params=period))
    assert production["overall"]["oee"] is not None
    assert production["bottleneck"] is not None
    # A real floor's figures: one pass at a time per person, inside their working hours.
    assert all(0 < w["utilisation"] <= 1 for w in production["workers"])
    assert all(e["availability"] <= 1 for e in production["equipment"] if e["availability"])
    assert production["throughput"][-1]["day"] >= (now - timedelta(days=4)).date().isoformat()
    delivery = ok(await api.get("/api/analytics/delivery", params=period))
    assert delivery["total"]["shipped"] > 150
    assert delivery["suppliers"]
    quality = ok(await api.get("/api/analytics/quality", params=period))
    assert quality["failing_checks"]
    assert quality["time_in_qc"]["p50_seconds"]
    inventory = ok(await api.get("/api/analytics/inventory", params=period))
    assert {f["abc"] for f in inventory["items"]} >= {"A", "B"}
    assert any(f["turnover"] for f in inventory["items"])
