"""A stage completion from the station's side: p50 and p99 from request to response with 1,
12 and 50 stations reporting at once, against a bare update round trip (one activity, no
database) at the same concurrency; and, at one station, where the milliseconds go."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from api.server_timing import parse
from bench.bare_workflow import MinimalOrderWorkflow

LOCAL_ACTIVITY_MARKER = "core_local_activity"  # the history's record of a local activity
STAGES = [("design", None), ("assembly", None), ("testing", True), ("qc", True), ("shipping", None)]


@dataclass
class Completion:
    stage: str
    ms: float
    server: dict[str, tuple[float, int]]


@dataclass
class Station:
    completions: list[Completion] = field(default_factory=list)
    workflow_ids: list[str] = field(default_factory=list)


async def _timed_post(api: httpx.AsyncClient, url: str, body: dict[str, Any]) -> Completion:
    started = time.perf_counter()
    response = await api.post(url, json=body)
    ms = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return Completion(url.rsplit("/", 2)[-2], ms, parse(response.headers.get("server-timing", "")))


async def order_through(
    api: httpx.AsyncClient, checklists: dict[str, list[dict[str, Any]]], station: Station
) -> None:
    """One order from intake to shipping, each stage completion timed."""
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
    station.workflow_ids.append(order["workflow_id"])
    url = f"/api/production/orders/{order['id']}"
    for stage, passed in STAGES:
        if stage == "assembly":  # procurement runs by itself
            while (await api.get(url)).json()["stage"] != "assembly":
                await asyncio.sleep(0.02)
        body: dict[str, Any] = {"worker": "bench"}
        if stage in checklists:
            body["inspection"] = {"results": checklists[stage]}
        elif passed is not None:
            body["passed"] = passed
        station.completions.append(await _timed_post(api, f"{url}/stages/{stage}/complete", body))


async def stations_at_work(
    api: httpx.AsyncClient,
    checklists: dict[str, list[dict[str, Any]]],
    stations: int,
    orders_each: int,
) -> list[Station]:
    working = [Station() for _ in range(stations)]

    async def work(station: Station) -> None:
        for _ in range(orders_each):
            await order_through(api, checklists, station)

    await asyncio.gather(*(work(s) for s in working))
    return working


async def bare_updates(client: Client, queue: str, stations: int, orders_each: int) -> list[float]:
    """Milliseconds of each update round trip of the minimal workflow (one activity each)."""
    timings: list[float] = []

    async def work() -> None:
        for _ in range(orders_each):
            handle = await client.start_workflow(
                MinimalOrderWorkflow.run, id=f"minimal-{uuid.uuid4()}", task_queue=queue
            )
            for _ in range(MinimalOrderWorkflow.STAGES):
                started = time.perf_counter()
                await handle.execute_update(MinimalOrderWorkflow.stage)
                timings.append((time.perf_counter() - started) * 1000)
            await handle.result()

    await asyncio.gather(*(work() for _ in range(stations)))
    return timings


def percentiles(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[98]


@dataclass
class Activities:
    """What Temporal's history says of one update: its activities, scheduled on the server or
    run in the worker's own workflow task (local)."""

    scheduled: int = 0
    local: int = 0
    dispatch_ms: float = 0.0  # scheduled -> started
    run_ms: float = 0.0  # started -> completed


async def activities_per_update(client: Client, workflow_id: str) -> list[Activities]:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    found: list[Activities] = []
    scheduled: dict[int, float] = {}
    started: dict[int, float] = {}
    current: Activities | None = None
    owner: dict[int, Activities] = {}  # scheduled event id -> the update that scheduled it
    for event in history.events:
        at = event.event_time.ToDatetime().timestamp() * 1000
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            current = Activities()
            found.append(current)
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
            current = None
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            scheduled[event.event_id] = at
            if current is not None:
                current.scheduled += 1
                owner[event.event_id] = current
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            activity = event.activity_task_started_event_attributes.scheduled_event_id
            started[activity] = at
            if activity in owner:
                owner[activity].dispatch_ms += at - scheduled[activity]
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            activity = event.activity_task_completed_event_attributes.scheduled_event_id
            if activity in owner:
                owner[activity].run_ms += at - started[activity]
        elif (
            kind == EventType.EVENT_TYPE_MARKER_RECORDED
            and current is not None
            and event.marker_recorded_event_attributes.marker_name == LOCAL_ACTIVITY_MARKER
        ):
            current.local += 1
    return found


LEVELS = {1: 8, 12: 2, 50: 1}  # stations: orders each station takes through


async def measure(
    api: httpx.AsyncClient,
    client: Client,
    queue: str,
    checklists: dict[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    """`queue` has a worker for the minimal workflow; stock for every order is in place."""
    levels: dict[int, dict[str, float]] = {}
    breakdown: dict[str, float] = {}
    for stations, orders_each in LEVELS.items():
        working = await stations_at_work(api, checklists, stations, orders_each)
        completions = [c for s in working for c in s.completions]
        p50, p99 = percentiles([c.ms for c in completions])
        bare_p50, bare_p99 = percentiles(await bare_updates(client, queue, stations, orders_each))
        levels[stations] = {
            "completions": len(completions),
            "p50_ms": p50,
            "p99_ms": p99,
            "bare_p50_ms": bare_p50,
            "bare_p99_ms": bare_p99,
        }
        if stations == 1:
            breakdown = await _breakdown(client, completions, working[0].workflow_ids)
    return {"levels": levels, "breakdown": breakdown}


async def _breakdown(
    client: Client, completions: list[Completion], workflow_ids: list[str]
) -> dict[str, float]:
    """Means per completion at one station: the client's view, the API's parts, and what the
    histories say of the activities each update ran."""
    updates = [a for w in workflow_ids for a in await activities_per_update(client, w)]

    def mean_part(part: str, index: int = 0) -> float:
        return statistics.fmean(c.server.get(part, (0.0, 0))[index] for c in completions)

    return {
        "completions": len(completions),
        "client_ms": statistics.fmean(c.ms for c in completions),
        "server_ms": mean_part("total"),
        "auth_ms": mean_part("auth"),
        "db_ms": mean_part("db"),
        "db_statements": mean_part("db", 1),
        "temporal_ms": mean_part("temporal"),
        "activities_scheduled": statistics.fmean(u.scheduled for u in updates),
        "activities_local": statistics.fmean(u.local for u in updates),
        "activity_dispatch_ms": statistics.fmean(u.dispatch_ms for u in updates),
        "activity_run_ms": statistics.fmean(u.run_ms for u in updates),
    }


def report(measured: dict[str, Any]) -> str:
    lines = [
        "Stage completion, request to response (ms); baseline: a bare update round trip",
        "(one activity, no database) at the same concurrency",
        "  stations  completions     p50     p99   bare p50  bare p99   p50 ratio",
    ]
    for stations, level in measured["levels"].items():
        lines.append(
            f"  {stations:8d}  {level['completions']:11.0f}  {level['p50_ms']:6.0f}  "
            f"{level['p99_ms']:6.0f}   {level['bare_p50_ms']:8.0f}  {level['bare_p99_ms']:8.0f}"
            f"   {level['p50_ms'] / level['bare_p50_ms']:9.2f}"
        )
    b = measured["breakdown"]
    rest = b["server_ms"] - b["auth_ms"] - b["db_ms"] - b["temporal_ms"]
    in_temporal = b["temporal_ms"] - b["activity_dispatch_ms"] - b["activity_run_ms"]
    lines += [
        "",
        f"Where a stage completion's time goes (one station, mean of {b['completions']:.0f}, ms)",
        _row("at the client, request to response", b["client_ms"]),
        _row("HTTP and the client, outside the API", b["client_ms"] - b["server_ms"]),
        _row("session check (Redis)", b["auth_ms"]),
        _row(f"database ({b['db_statements']:.1f} statements)", b["db_ms"]),
        _row("the workflow update, of which", b["temporal_ms"]),
        _row(
            f"  {b['activities_scheduled']:.1f} activities on the server: waiting",
            b["activity_dispatch_ms"],
        ),
        _row("    and running", b["activity_run_ms"]),
        _row(
            f"  {b['activities_local']:.1f} local activities, workflow tasks, round trips",
            in_temporal,
        ),
        _row("the rest of the API (routing, JSON)", rest),
    ]
    return "\n".join(lines)


def _row(label: str, ms: float) -> str:
    return f"  {label:<50}{ms:7.1f}"
