"""The reorder scan: a Temporal Schedule runs it (hourly by default), and the API can run it
now. It raises drafts for the items below their reorder point."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.purchasing_activities import PurchasingActivities
    from workflows.contracts import ReorderScanInput, ReorderScanResult
    from workflows.schedules import ensure_schedule

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


async def ensure_reorder_schedule(client: Client, task_queue: str, every: timedelta) -> None:
    """Create the schedule, or bring an existing one to this interval and task queue."""
    await ensure_schedule(
        client,
        SCHEDULE_ID,
        ReorderScanWorkflow.run,
        ReorderScanInput(),
        task_queue=task_queue,
        every=every,
    )
