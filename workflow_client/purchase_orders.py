"""Starting a purchase order's workflow from outside a workflow (an activity, the API):
idempotent on the order's number, so whoever creates the purchase order may call it again. A
finished workflow of the same number may be started anew: it loads the purchase order, and one
that is received or cancelled ends at once."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from contracts.purchase_orders import (
    PURCHASE_ORDER_WORKFLOW,
    PurchaseOrderRef,
    purchase_order_workflow_id,
)


async def start_purchase_order_workflow(
    client: Client, task_queue: str, ref: PurchaseOrderRef
) -> None:
    await client.start_workflow(
        PURCHASE_ORDER_WORKFLOW,
        ref,
        id=purchase_order_workflow_id(ref.number),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        static_summary=f"purchase order {ref.number}",
    )
