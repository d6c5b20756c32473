"""Temporal Schedules the worker keeps: created when missing, brought to the given interval
and task queue when they exist. Overlapping runs are skipped."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from contracts.purchase_orders import REORDER_SCAN_WORKFLOW, ReorderScanInput


async def ensure_schedule(
    client: Client,
    schedule_id: str,
    run: str | Callable[[Any, Any], Awaitable[Any]],
    argument: Any,
    *,
    task_queue: str,
    every: timedelta,
) -> None:
    """Run the workflow `run` (its registered name) with `argument` every `every` (its runs
    are named after the schedule)."""
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(run, argument, id=schedule_id, task_queue=task_queue),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )
    try:
        await client.create_schedule(schedule_id, schedule)
    except ScheduleAlreadyRunningError:

        async def replace(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=schedule)

        await client.get_schedule_handle(schedule_id).update(replace)


REORDER_SCAN_SCHEDULE_ID = "reorder-scan"


async def ensure_reorder_schedule(client: Client, task_queue: str, every: timedelta) -> None:
    """The reorder scan's schedule: created, or brought to this interval and task queue."""
    await ensure_schedule(
        client,
        REORDER_SCAN_SCHEDULE_ID,
        REORDER_SCAN_WORKFLOW,
        ReorderScanInput(),
        task_queue=task_queue,
        every=every,
    )
