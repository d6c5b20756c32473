"""The reorder scan: a Temporal Schedule runs it (hourly by default), and the API can run it
now. It raises drafts for the items below their reorder point."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
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
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.purchasing_activities import PurchasingActivities
    from workflows.contracts import ReorderScanInput, ReorderScanResult

SCHEDULE_ID = "reorder-scan"


@workflow.defn(name="ReorderScan")
class ReorderScanWorkflow:
    @workflow.run
    async def run(self, request: ReorderScanInput) -> ReorderScanResult:
        result = await workflow.execute_activity_method(
            PurchasingActivities.reorder_scan,
            request,
            start_to_close_timeout=timedelta(minutes=5),
            retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=1), maximum_attempts=5),
            summary="raise drafts for items below their reorder point",
        )
        workflow.set_current_details(
            f"{result.lines} line(s) on {', '.join(result.purchase_orders) or 'no'} purchase "
            f"order(s); {len(result.held)} held"
        )
        return result


def _schedule(task_queue: str, every: timedelta) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            ReorderScanWorkflow.run,
            ReorderScanInput(),
            id=SCHEDULE_ID,
            task_queue=task_queue,
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


async def ensure_reorder_schedule(client: Client, task_queue: str, every: timedelta) -> None:
    """Create the schedule, or bring an existing one to this interval and task queue."""
    try:
        await client.create_schedule(SCHEDULE_ID, _schedule(task_queue, every))
    except ScheduleAlreadyRunningError:

        async def replace(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=_schedule(task_queue, every))

        await client.get_schedule_handle(SCHEDULE_ID).update(replace)
