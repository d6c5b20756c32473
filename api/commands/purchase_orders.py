"""A purchase order's changes through its workflow: send, confirm, receive, cancel. A command
reads the purchase order once and calls the workflow's update once (starting the workflow when
it is missing); the caller shows the purchase order as it now is."""

from __future__ import annotations

import uuid
from typing import Any

import structlog

from api.deps import Workflows
from api.idempotency import digest
from api.workflow_calls import execute_update, temporal_call
from contracts.purchase_orders import (
    GoodsReceipt,
    PurchaseOrderAction,
    PurchaseOrderRef,
    purchase_order_workflow_id,
)
from domain.errors import AlreadyRecorded, DomainError, IllegalTransition, InvalidInput
from domain.purchasing import OPEN_STATUSES, PurchaseOrderStatus
from persistence.tables import PurchaseOrder, PurchaseOrderReceipt
from services.purchasing import goods_receipt, purchase_orders
from workflow_client.purchase_orders import start_purchase_order_workflow
from workflows.purchase_order import PurchaseOrderWorkflow

log = structlog.get_logger(__name__)


async def start_workflow(workflows: Workflows, po: PurchaseOrder) -> None:
    async with temporal_call(
        "could not start the purchase order's workflow", within=workflows.within
    ):
        await start_purchase_order_workflow(
            workflows.temporal,
            workflows.settings.temporal_task_queue,
            PurchaseOrderRef(purchase_order_id=po.id, number=po.number),
        )


_MOVES = {
    PurchaseOrderStatus.SENT: PurchaseOrderWorkflow.send,
    PurchaseOrderStatus.CONFIRMED: PurchaseOrderWorkflow.confirm,
    PurchaseOrderStatus.CANCELLED: PurchaseOrderWorkflow.cancel,
}


async def move(
    workflows: Workflows,
    po_id: uuid.UUID,
    target: PurchaseOrderStatus,
    action: PurchaseOrderAction,
) -> None:
    """Send (from draft), confirm (from sent) or cancel (from draft or sent); one already
    there is a repeat."""
    await _update(workflows, po_id, _MOVES[target], action, target.value, target)


async def receive(workflows: Workflows, po_id: uuid.UUID, receipt: GoodsReceipt) -> None:
    """Book a delivery once under its key (the delivery note, or the sender's Idempotency-Key):
    the same delivery again is a repeat, other lines under the same key are refused."""
    key = receipt.receipt_key or ""
    async with workflows.sessions() as session:
        booked = await goods_receipt.receipt_under(session, po_id, key)
    if booked is not None:
        if booked.request_digest not in (None, receipt.digest):
            raise _booked_differently(receipt.reference, booked)
        return
    await _update(
        workflows,
        po_id,
        PurchaseOrderWorkflow.receive,
        receipt,
        "received",
        update_id=f"receive:{digest(key, receipt.digest)}",
    )


def _booked_differently(reference: str | None, booked: PurchaseOrderReceipt) -> DomainError:
    when = f"{booked.received_at:%Y-%m-%d %H:%M} UTC by {booked.received_by or 'someone'}"
    if reference:
        return AlreadyRecorded(
            f"delivery note {reference} was already booked on {when} with other lines; "
            "this receipt was not booked",
            reference=reference,
        )
    return InvalidInput(
        f"this Idempotency-Key already booked a delivery on {when} with other lines; use a "
        "new key for a new delivery",
        field="Idempotency-Key",
        location="header",
    )


async def _update(
    workflows: Workflows,
    po_id: uuid.UUID,
    update: Any,
    argument: Any,
    name: str,
    reached: PurchaseOrderStatus | None = None,
    *,
    update_id: str | None = None,
) -> None:
    """Run an update on the purchase order's workflow (started when it is missing: its start
    was lost, or it predates workflows); a finished purchase order is a 409 at once. When the
    purchase order is already `reached` (a retry, a double click) there is nothing to do (the
    workflow does the same for concurrent repeats). Requests with the same `update_id` are
    one: a repeat joins the first."""
    po = await _read(workflows, po_id)
    if reached is not None and po.status == reached:
        return
    _refuse_if_closed(po)

    async def start_missing() -> None:  # never again for a purchase order that has closed
        _refuse_if_closed(await _read(workflows, po_id))
        await start_workflow(workflows, po)

    handle = workflows.temporal.get_workflow_handle(purchase_order_workflow_id(po.number))
    try:
        await execute_update(
            handle,
            update,
            argument,
            update_id=update_id,
            within=workflows.within,
            start_missing=start_missing,
        )
    except DomainError:
        # a concurrent repeat may have made the change first, and the workflow ended with it
        if reached is None or (await _read(workflows, po_id)).status != reached:
            raise
    log.info(f"purchase_order.{name}", number=po.number)


async def _read(workflows: Workflows, po_id: uuid.UUID) -> PurchaseOrder:
    async with workflows.sessions() as session:
        return await purchase_orders.get_purchase_order(session, po_id)


def _refuse_if_closed(po: PurchaseOrder) -> None:
    if po.status not in OPEN_STATUSES:
        raise IllegalTransition(f"the purchase order is already {po.status}", status=po.status)
