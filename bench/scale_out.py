"""Scale-out on one machine: the same orders through a stack with several worker and API
processes (`zhuchka dev --workers N --api-replicas M`), and the proof that nothing happened
twice: every order completed once, the ledger moved one keyboard's quantities for each,
stock consistent."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from bench.order_throughput import _one_order, _run_all, _stock_up, passing_inspections
from bench.stack import RunningStack
from domain.stages import OrderStatus
from persistence.database import create_engine, create_session_factory
from persistence.tables import Order, StockMovement
from services.inventory.stock_audit import audit_stock


async def measure(stack: RunningStack, *, orders: int, concurrency: int) -> dict[str, Any]:
    async with stack.client() as api:
        await _stock_up(api, orders + 1)
        checklists = await passing_inspections(api)
        await _one_order(api, checklists)  # warms every process up
        seconds = await _run_all(orders, concurrency, lambda: _one_order(api, checklists))
        expected = await _one_keyboards_moves(api)
    checked = await exactly_once(stack, orders + 1, expected)
    return {"orders_per_s": orders / seconds, "cpu_seconds": stack.cpu_seconds(), **checked}


async def _one_keyboards_moves(api: httpx.AsyncClient) -> dict[tuple[str, str], int]:
    """What one keyboard moves in the ledger: its components issued, the unit received from
    assembly and issued to the customer."""
    products = (await api.get("/api/production/products")).json()
    product = next(p for p in products if p["sku"] == "KB-65-HS")
    listed = (await api.get("/api/inventory/items", params={"size": 200})).json()["items"]
    items = {i["sku"]: i["id"] for i in listed}
    unit = product["item_id"]
    components = {("ISSUE", items[line["sku"]]): -line["quantity"] for line in product["bom"]}
    return components | {("RECEIPT", unit): 1, ("ISSUE", unit): -1}


async def exactly_once(
    stack: RunningStack, expected: int, moves: dict[tuple[str, str], int]
) -> dict[str, Any]:
    """Every order the bench took is completed, each has the same ledger rows as the others
    (components issued once, the unit received and shipped once), and stock agrees with the
    ledger."""
    engine = create_engine(stack.settings)
    try:
        sessions = create_session_factory(engine)
        async with sessions() as session:
            by_status = await session.execute(
                select(Order.status, func.count())
                .where(Order.customer == "bench")
                .group_by(Order.status)
            )
            statuses: dict[str, int] = dict(by_status.all())
            moved = StockMovement.order_id, StockMovement.movement_type, StockMovement.item_id
            rows = (
                await session.execute(
                    select(*moved, func.sum(StockMovement.delta))
                    .join(Order, Order.id == StockMovement.order_id)
                    .where(Order.customer == "bench")
                    .group_by(*moved)
                )
            ).all()
        audit = await audit_stock(sessions)
    finally:
        await engine.dispose()
    per_order: dict[Any, dict[tuple[str, str], int]] = {}
    for order_id, movement, item_id, delta in rows:
        per_order.setdefault(order_id, {})[(movement, str(item_id))] = delta
    return {
        "completed": statuses.get(OrderStatus.COMPLETED.value, 0),
        "expected": expected,
        "other_statuses": {s: n for s, n in statuses.items() if s != OrderStatus.COMPLETED},
        "moved_exactly_once": sum(ledger == moves for ledger in per_order.values()),
        "moves_per_order": len(moves),
        "stock_consistent": audit.consistent,
    }


def report(single: dict[str, Any], scaled: dict[str, Any], workers: int, apis: int) -> str:
    ratio = scaled["orders_per_s"] / single["orders_per_s"]
    ok = (
        scaled["completed"] == scaled["expected"]
        and not scaled["other_statuses"]
        and scaled["moved_exactly_once"] == scaled["expected"]
        and scaled["stock_consistent"]
    )
    return "\n".join(
        [
            f"Scale-out ({workers} workers, {apis} API processes; same orders and machine)",
            f"  one worker, one API process      {single['orders_per_s']:8.2f} orders/s",
            f"  {workers} workers, {apis} API processes"
            f"       {scaled['orders_per_s']:8.2f} orders/s  ratio {ratio:.2f}",
            f"  completed exactly once: {scaled['completed']} of {scaled['expected']} orders, "
            f"{scaled['moved_exactly_once']} moved exactly one keyboard's "
            f"{scaled['moves_per_order']} quantities in the ledger, "
            f"stock {'consistent' if scaled['stock_consistent'] else 'INCONSISTENT'}"
            + ("" if ok else "  << NOT EXACTLY ONCE"),
            "  CPU seconds each process used: "
            + ", ".join(f"{name} {cpu:.1f}" for name, cpu in scaled["cpu_seconds"].items()),
        ]
    )
