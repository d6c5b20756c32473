"""Orders per second through every stage, via the API, against two bare workflows on the same
Temporal server: the minimal shape of the pipeline (seven stages, one activity and one update
each: the limit for it) and one with the same number of activities and updates as a real order.
Then stage completions' latency at several stations at once (`stage_latency`)."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.worker import Worker

from bench import stage_latency
from bench.bare_workflow import BareOrderWorkflow, BareShape, MinimalOrderWorkflow, bare_step
from bench.stack import RunningStack
from workflow_client.connect import connect

STEPS = ["assembly", "testing", "qc", "shipping"]  # after design, for a hot-swap keyboard


async def _stock_up(api: httpx.AsyncClient, orders: int) -> None:
    """Enough of every component for `orders` keyboards, so none waits for a purchase."""
    product = next(
        p for p in (await api.get("/api/production/products")).json() if p["sku"] == "KB-65-HS"
    )
    warehouse = (await api.get("/api/inventory/warehouses")).json()[0]["id"]
    items = {
        i["sku"]: i["id"]
        for i in (await api.get("/api/inventory/items", params={"size": 200})).json()["items"]
    }
    for line in product["bom"]:
        response = await api.post(
            "/api/inventory/move",
            json={
                "item_id": items[line["sku"]],
                "warehouse_id": warehouse,
                "quantity": line["quantity"] * orders,
                "reason": "benchmark stock",
            },
        )
        response.raise_for_status()


async def passing_inspections(api: httpx.AsyncClient) -> dict[str, list[dict[str, Any]]]:
    """For each stage with a checklist, results that pass every item."""
    response = await api.get("/api/quality/templates", params={"product_sku": "KB-65-HS"})
    response.raise_for_status()
    general = await api.get("/api/quality/templates")
    general.raise_for_status()
    passing: dict[str, list[dict[str, Any]]] = {}
    every_product = [t for t in general.json() if t["product_sku"] is None]
    for template in [*every_product, *response.json()]:  # the product's own last: it wins
        passing[template["stage"]] = [
            {"item_id": item["id"], "passed": True}
            if item["kind"] == "PASS_FAIL"
            else {"item_id": item["id"], "value": item["min"] or item["max"]}
            for item in template["items"]
        ]
    return passing


def passing_completion(
    stage: str, checklists: dict[str, list[dict[str, Any]]], worker: str = "bench"
) -> dict[str, Any]:
    """A stage's completion that passes: its checklist all passed, or a plain verdict where
    the stage inspects without one."""
    body: dict[str, Any] = {"worker": worker}
    if stage in checklists:
        body["inspection"] = {"results": checklists[stage]}
    elif stage in ("testing", "qc"):
        body["passed"] = True
    return body


async def _one_order(api: httpx.AsyncClient, checklists: dict[str, list[dict[str, Any]]]) -> str:
    created = await api.post(
        "/api/production/orders",
        json={
            "product_sku": "KB-65-HS",
            "quantity": 1,
            "customer": "bench",
            "due_date": (date.today() + timedelta(days=60)).isoformat(),
        },
    )
    created.raise_for_status()
    order = created.json()
    url = f"/api/production/orders/{order['id']}"
    (await api.post(f"{url}/stages/design/complete", json={"worker": "bench"})).raise_for_status()
    while (await api.get(url)).json()["stage"] != "assembly":
        await asyncio.sleep(0.02)
    for stage in STEPS:
        body = passing_completion(stage, checklists)
        (await api.post(f"{url}/stages/{stage}/complete", json=body)).raise_for_status()
    return str(order["workflow_id"])


def _cpu_ms_each(before: dict[str, float], after: dict[str, float], count: int) -> dict[str, float]:
    """Milliseconds of CPU each process spent per workflow between two readings."""
    return {name: (after[name] - before[name]) * 1000 / count for name in after}


def cpu_report(order: dict[str, float], minimal: dict[str, float]) -> str:
    """Where the CPU goes: with the cores busy, throughput is the cores over an order's CPU."""
    lines = [
        "CPU per workflow, by process (ms; the bench process is the client, and for the",
        "bare workflows also their worker)",
        f"  {'process':12s} {'order':>8s} {'minimal':>8s}",
    ]
    for name in order:
        lines.append(f"  {name:12s} {order[name]:8.0f} {minimal[name]:8.0f}")
    lines.append(f"  {'all':12s} {sum(order.values()):8.0f} {sum(minimal.values()):8.0f}")
    return "\n".join(lines)


async def _run_all(count: int, concurrency: int, one: Any) -> float:
    gate = asyncio.Semaphore(concurrency)

    async def guarded() -> None:
        async with gate:
            await one()

    started = time.perf_counter()
    await asyncio.gather(*(guarded() for _ in range(count)))
    return time.perf_counter() - started


async def shape_of(client: Client, workflow_id: str) -> BareShape:
    """How many activities a real order ran before its first update and after each one, and
    whether they ran as local activities."""
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    counts, local = [0], 0
    for event in history.events:
        marker = event.marker_recorded_event_attributes.marker_name
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            counts.append(0)
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            counts[-1] += 1
        elif (
            event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
            and marker == stage_latency.LOCAL_ACTIVITY_MARKER
        ):
            counts[-1] += 1
            local += 1
    return BareShape(activities_per_step=counts, local=local > sum(counts) / 2)


async def measure(stack: RunningStack, *, orders: int, concurrency: int) -> dict[str, Any]:
    client = await connect(stack.settings)
    latency_orders = sum(n * each for n, each in stage_latency.LEVELS.items())
    async with stack.client() as api:
        await _stock_up(api, orders + 1 + latency_orders)
        checklists = await passing_inspections(api)
        sample = await _one_order(api, checklists)  # warms up, tells the shape of a real order
        shape = await shape_of(client, sample)
        before = stack.cpu_by_process()
        real = await _run_all(orders, concurrency, lambda: _one_order(api, checklists))
        order_cpu = _cpu_ms_each(before, stack.cpu_by_process(), orders)

        queue = f"bench-bare-{uuid.uuid4().hex[:6]}"
        async with Worker(
            client,
            task_queue=queue,
            workflows=[BareOrderWorkflow, MinimalOrderWorkflow],
            activities=[bare_step],
        ):

            async def same_shape() -> None:
                handle = await client.start_workflow(
                    BareOrderWorkflow.run, shape, id=f"bare-{uuid.uuid4()}", task_queue=queue
                )
                for _ in shape.activities_per_step[1:]:
                    await handle.execute_update(BareOrderWorkflow.step)
                await handle.result()

            async def minimal() -> None:
                handle = await client.start_workflow(
                    MinimalOrderWorkflow.run, id=f"minimal-{uuid.uuid4()}", task_queue=queue
                )
                for _ in range(MinimalOrderWorkflow.STAGES):
                    await handle.execute_update(MinimalOrderWorkflow.stage)
                await handle.result()

            await same_shape()
            await minimal()
            baseline = await _run_all(orders, concurrency, same_shape)
            before = stack.cpu_by_process()
            least = await _run_all(orders, concurrency, minimal)
            minimal_cpu = _cpu_ms_each(before, stack.cpu_by_process(), orders)
            latency = await stage_latency.measure(api, client, queue, checklists)
    return {
        "orders": orders,
        "concurrency": concurrency,
        "activities": sum(shape.activities_per_step),
        "kind": "local activities" if shape.local else "activities",
        "updates": len(shape.activities_per_step) - 1,
        "orders_per_s": orders / real,
        "minimal_workflows_per_s": orders / least,
        "minimal_ratio": least / real,
        "bare_workflows_per_s": orders / baseline,
        "ratio": baseline / real,
        "cpu_ms_per_order": order_cpu,
        "cpu_ms_per_minimal": minimal_cpu,
        "latency": latency,
        "resident_mb": stack.resident_mb(),
    }
