"""Starting a purchase order's workflow from outside a workflow (an activity, the API):
idempotent on the order's number, so whoever creates the purchase order may call it again. A
finished workflow of the same number may be started anew: it loads the purchase order, and one
that is received or cancelled ends at once."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from workflows.contracts import PurchaseOrderRef, purchase_order_workflow_id

PURCHASE_ORDER_WORKFLOW = "PurchaseOrder"  # the name workflows/purchase_order.py registers


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
