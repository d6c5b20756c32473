"""The analytics endpoints on years of workshop: a history of at least 1,000,000 ledger rows,
50,000 orders and 200,000 stage records, bulk-loaded (the demo history's generator for the
orders, their stages, inspections, purchases and the components they consumed; then receipts
and issues of other items to make up the ledger's million). Each endpoint is asked 5 times
through HTTP, over the default 30 days and over a year; its median is printed against the
median of a plain `SELECT count(*)` over the ledger in the same run."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import text

from bench.stack import RunningStack
from core.settings import Settings
from persistence.database import create_engine, create_session_factory
from zhuchka.demo_floor import seed_demo_floor
from zhuchka.demo_history import load_history
from zhuchka.history_simulation import Scale

ROUNDS = 5
LEDGER_ROWS = 1_000_000
# 50,000 orders over the 335 days of intake (a year less the last month), 5 days a week.
HISTORY = Scale(days=365, orders_per_day=50_000 / (335 * 5 / 7), seed=11)
ENDPOINTS = [
    "/api/analytics/production",
    "/api/analytics/delivery",
    "/api/analytics/quality",
    "/api/analytics/inventory",
    "/api/analytics/inventory/dead-stock",
    "/api/health/metrics-summary",
]
# 50,000 orders a year need a larger floor than the demo's four people: 250 more, skilled for
# every manual stage, 80 test rigs and 45 soldering stations (the plant's default calendar).
_LARGER_FLOOR = text(
    """
    INSERT INTO workers (id, name, available, active)
    SELECT gen_random_uuid(), 'Bench worker ' || n, true, true FROM generate_series(1, 250) n
    """
)
_LARGER_FLOOR_SKILLS = text(
    """
    INSERT INTO worker_skills (worker_id, stage, level)
    SELECT w.id, s.stage, 4 FROM workers w,
           unnest(ARRAY['design', 'assembly', 'soldering', 'testing', 'qc', 'shipping']) s(stage)
    WHERE w.name LIKE 'Bench worker %'
    """
)
_LARGER_FLOOR_EQUIPMENT = text(
    """
    INSERT INTO equipment (id, name, equipment_type, stage, station, status, notes)
    SELECT gen_random_uuid(), kind.prefix || n, kind.type, kind.stage, 'Bench ' || kind.prefix,
           'available', ''
    FROM (VALUES ('BR-', 'test_rig', 'testing', 80), ('BS-', 'soldering_station', 'soldering', 45))
             AS kind(prefix, type, stage, count),
         generate_series(1, 80) n
    WHERE n <= kind.count
    """
)
# Other items received and issued in pairs, never below zero, spread over the year: what
# makes the ledger a million rows besides the orders' components.
_FILLER_ITEMS = text(
    """
    INSERT INTO items (id, sku, name, item_type, category, unit_of_measure, min_stock_level,
                       unit_cost, is_active)
    SELECT gen_random_uuid(), 'BENCH-' || lpad(n::text, 4, '0'), 'bench item ' || n,
           'CONSUMABLE', 'BENCH-' || (n % 12), 'PIECE', 0, 1 + n % 40, true
    FROM generate_series(1, 400) AS n
    """
)
_FILLER_LEVELS = text(
    """
    INSERT INTO stock_levels (item_id, warehouse_id, on_hand, reserved, quarantined)
    SELECT i.id, w.id, 0, 0, 0 FROM items i, (SELECT id FROM warehouses ORDER BY code LIMIT 1) w
    WHERE i.sku LIKE 'BENCH-%'
    """
)
_FILLER_MOVES = text(
    """
    WITH items AS (SELECT id, row_number() OVER (ORDER BY sku) - 1 AS n FROM items
                   WHERE sku LIKE 'BENCH-%'),
         place AS (SELECT b.id AS bin_id, b.warehouse_id FROM bins b
                   JOIN zones z ON z.id = b.zone_id WHERE z.zone_type = 'STORAGE'
                   ORDER BY b.code LIMIT 1),
         pairs AS (SELECT k, now() - interval '365 days' + (k * interval '1 second')
                              * (365 * 86400 / CAST(:pairs AS float8)) AS at
                   FROM generate_series(0, CAST(:pairs AS integer) - 1) AS k)
    INSERT INTO stock_movements (item_id, warehouse_id, bin_id, movement_type, quantity, delta,
                                 reason, operation_id, actor, created_at)
    SELECT i.id, place.warehouse_id, place.bin_id, leg.kind, 5 + p.k % 20,
           leg.sign * (5 + p.k % 20), 'bench', gen_random_uuid(), 'bench', p.at + leg.later
    FROM pairs p JOIN items i ON i.n = p.k % 400, place,
         (VALUES ('RECEIPT', 1, interval '0'), ('ISSUE', -1, interval '1 hour'))
             AS leg(kind, sign, later)
    """
)


async def load_years(settings: Settings) -> dict[str, int]:
    """The demo floor made larger, a year of history and the ledger filled up to a million
    rows; returns the rows of the main tables."""
    engine = create_engine(settings)
    sessions = create_session_factory(engine)
    async with sessions.begin() as session:
        await seed_demo_floor(session)
        await session.execute(_LARGER_FLOOR)
        await session.execute(_LARGER_FLOOR_SKILLS)
        await session.execute(_LARGER_FLOOR_EQUIPMENT)
        await load_history(session, HISTORY)
    async with sessions.begin() as session:
        ledger = (await session.execute(text("SELECT count(*) FROM stock_movements"))).scalar_one()
        await session.execute(_FILLER_ITEMS)
        await session.execute(_FILLER_LEVELS)
        await session.execute(_FILLER_MOVES, {"pairs": max(LEDGER_ROWS - ledger, 0) // 2 + 1})
    async with engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
        await connection.commit()
    await engine.dispose()
    return await row_counts(settings)


async def row_counts(settings: Settings) -> dict[str, int]:
    engine = create_engine(settings)
    async with create_session_factory(engine)() as session:
        counts = {
            table: (await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()  # noqa: S608 - our own table names
            for table in ("stock_movements", "orders", "order_stages", "inspections")
        }
    await engine.dispose()
    return counts


async def measure(stack: RunningStack) -> dict[str, Any]:
    started = time.perf_counter()
    counts = await load_years(stack.settings)
    loaded = time.perf_counter() - started
    engine = create_engine(stack.settings)
    sessions = create_session_factory(engine)

    async def count_ledger() -> None:
        async with sessions() as session:
            await session.execute(text("SELECT count(*) FROM stock_movements"))

    baseline = await _median(count_ledger)
    now = datetime.now(UTC)
    periods = {"30 days": None, "a year": {"since": (now - timedelta(days=365)).isoformat()}}
    timings: dict[str, dict[str, float]] = {}
    async with stack.client() as api:
        for path in ENDPOINTS:
            for name, params in periods.items():
                if path.endswith(("dead-stock", "metrics-summary")) and params:
                    continue  # no period to them

                async def ask(path: str = path, params: dict[str, str] | None = params) -> None:
                    answer = await api.get(path, params=params or {})
                    _check(answer)

                timings.setdefault(path, {})[name] = await _median(ask)
    await engine.dispose()
    return {"rows": counts, "load_s": loaded, "count_ms": baseline, "endpoints_ms": timings}


def _check(answer: httpx.Response) -> None:
    if answer.status_code != 200:
        raise RuntimeError(f"{answer.request.url}: {answer.status_code} {answer.text[:300]}")


async def _median(call: Any) -> float:
    await call()  # warm: plans, caches, the pool
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def report(measured: dict[str, Any]) -> str:
    rows = measured["rows"]
    baseline = measured["count_ms"]
    lines = [
        f"Analytics on {rows['stock_movements']:,} ledger rows, {rows['orders']:,} orders, "
        f"{rows['order_stages']:,} stage records, {rows['inspections']:,} inspections",
        f"(loaded in {measured['load_s']:.0f} s; median of {ROUNDS} requests; baseline: "
        f"SELECT count(*) over the ledger, {baseline:.0f} ms)",
        f"  {'endpoint':40s} {'30 days':>9s} {'a year':>9s}   ratio (year)",
    ]
    slowest = 0.0
    for path, by_period in measured["endpoints_ms"].items():
        month = by_period.get("30 days", 0.0)
        year = by_period.get("a year")
        worst = max(month, year or 0.0)
        slowest = max(slowest, worst)
        shown_year = f"{year:7.0f} ms" if year is not None else f"{'—':>10s}"
        lines.append(
            f"  {path.removeprefix('/api/'):40s} {month:6.0f} ms {shown_year}   "
            f"{worst / baseline:6.1f}"
        )
    verdict = "every one under 1 s" if slowest < 1000 else "NOT ALL UNDER 1 s"
    lines.append(f"  slowest {slowest:.0f} ms: {verdict}")
    return "\n".join(lines)
