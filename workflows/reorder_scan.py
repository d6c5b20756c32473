"""The reorder scan: a Temporal Schedule runs it (hourly by default), and the API can run it
now. It raises drafts for the items below their reorder point."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.purchasing_activities import PurchasingActivities
    from contracts.purchase_orders import REORDER_SCAN_WORKFLOW, ReorderScanInput, ReorderScanResult


@workflow.defn(name=REORDER_SCAN_WORKFLOW)
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
