"""Taking an order and changing it: complete or start a stage, hold, resume, re-prioritise,
cancel. The order's workflow owns its rules (the update validators); a command finds the
workflow, shapes the request and returns the snapshot the update computed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import structlog
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from api.deps import Workflows
from api.workflow_calls import execute_update, running_order, temporal_call
from contracts import search_attributes
from contracts.orders import (
    CancelRequest,
    HoldRequest,
    InspectionInput,
    OrderInput,
    OrderSnapshot,
    PriorityChange,
    ResumeRequest,
    StageCompletion,
    StartStage,
    WorkingHours,
    order_workflow_id,
)
from domain.errors import Conflict, InvalidInput
from domain.quality import Result
from domain.stage_reports import check_repeat, reported_pass
from domain.stages import FINAL_STATUSES, INSPECTION_STAGES, OrderStatus, Stage
from domain.stock import Priority
from persistence.tables import Order, Warehouse
from services import quality
from services.floor import calendars, stage_work
from services.inventory.catalogue import default_warehouse, get_existing, product_by_sku
from services.orders.order_records import find_by_idempotency_key, next_order_number, register_order
from workflows.order_workflow import OrderWorkflow

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class NewOrder:
    product_sku: str
    quantity: int
    customer: str
    priority: Priority
    due_date: date
    warehouse_id: uuid.UUID | None
    created_by: str
    idempotency_key: str | None  # as stored: the sender's own
    digest: str


async def create(workflows: Workflows, session: AsyncSession, new: NewOrder) -> uuid.UUID:
    """Register the order in the request's transaction and start its workflow; the id of the
    order taken (the first one's, for a repeat under the same Idempotency-Key)."""
    key = new.idempotency_key
    if key:
        existing = await find_by_idempotency_key(session, key)
        if existing is not None:
            return _taken_before(existing, new.digest)
    settings = workflows.settings
    product = await product_by_sku(session, new.product_sku)
    warehouse = (
        await get_existing(session, Warehouse, new.warehouse_id, "warehouse")
        if new.warehouse_id
        else await default_warehouse(session, settings.default_warehouse_code)
    )
    order = OrderInput(
        order_id=uuid.uuid4(),
        number=await next_order_number(session),
        product_id=product.id,
        product_sku=new.product_sku,
        requires_soldering=product.requires_soldering,
        quantity=new.quantity,
        customer=new.customer,
        priority=new.priority,
        due_date=new.due_date,
        warehouse_id=warehouse.id,
        idempotency_key=key,
        request_digest=new.digest if key else None,
        created_by=new.created_by,
        procurement_recheck_seconds=settings.procurement_recheck_seconds,
        stage_targets=await stage_work.stage_targets(session, product.id),
        working_hours=WorkingHours.of(
            await calendars.rules_of(session, None, since=datetime.now(UTC))
        ),
        rework_limit=settings.rework_limit,
    )
    if not await register_order(session, order):  # a concurrent retry with the same key won
        existing = await find_by_idempotency_key(session, key or "")
        assert existing is not None
        return _taken_before(existing, new.digest)
    await _start_workflow(workflows, order)
    log.info(
        "order.created",
        order=order.number,
        order_id=str(order.order_id),
        workflow_id=order_workflow_id(order.number),
        product=order.product_sku,
        quantity=order.quantity,
        priority=order.priority.value,
    )
    return order.order_id


def _taken_before(order: Order, digest: str) -> uuid.UUID:
    if order.request_digest not in (None, digest):
        raise InvalidInput(
            f"this Idempotency-Key already took order {order.number} with a different request;"
            " use a new key for a new order",
            field="Idempotency-Key",
            location="header",
            order_number=order.number,
        )
    return order.id


async def _start_workflow(workflows: Workflows, order: OrderInput) -> None:
    """Started inside the request's transaction: if it fails, nothing is committed; if the
    commit fails after it, the workflow's first activity registers the order itself."""
    async with temporal_call("could not start the order workflow", within=workflows.within):
        try:
            await workflows.temporal.start_workflow(
                OrderWorkflow.run,
                order,
                id=order_workflow_id(order.number),
                task_queue=workflows.settings.temporal_task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                search_attributes=search_attributes.at_start(order),
                static_summary=(
                    f"{order.number}: {order.quantity} x {order.product_sku}, "
                    f"{order.priority.value}, due {order.due_date.isoformat()}"
                ),
            )
        except WorkflowAlreadyStartedError as clash:
            # Order numbers come from a sequence and are never reused; a clash means this
            # database and the Temporal namespace have different pasts (one of them was reset).
            raise Conflict(
                f"workflow {clash.workflow_id} already exists on the Temporal server; "
                "the database and Temporal are out of step",
                workflow_id=clash.workflow_id,
            ) from clash


@dataclass(frozen=True)
class StageReport:
    stage: Stage
    worker: str
    completed_by: str
    notes: str | None
    passed: bool | None
    results: Sequence[Result] | None  # an inspection's results, for a stage with a checklist
    stage_seq: int | None
    digest: str


async def complete_stage(
    workflows: Workflows, order_id: uuid.UUID, report: StageReport
) -> OrderSnapshot | None:
    """Report a stage done; None when the order is closed and this is a repeat of a report it
    recorded (nothing to ask its workflow). The workflow judges the stage, the verdict and the
    hold; this judges the inspection's results against the product's checklist."""
    running = await running_order(workflows, order_id, closed_too=True)
    if running.status in FINAL_STATUSES:  # no workflow to ask: a repeat, or too late
        recorded = reported_pass(running.passes, report.stage, report.stage_seq)
        if recorded is not None:
            check_repeat(recorded, report.digest)
            return None
        running.refuse_if_closed()
    inspection, passed = await _judged(workflows, running.product_id, report)
    snapshot: OrderSnapshot = await execute_update(
        running.handle,
        OrderWorkflow.complete_stage,
        StageCompletion(
            stage=report.stage,
            worker=report.worker,
            notes=report.notes,
            passed=passed,
            completed_by=report.completed_by,
            inspection=inspection,
            digest=report.digest,
            stage_seq=report.stage_seq,
        ),
        within=workflows.within,
    )
    log.info(
        "order.stage_completed",
        order=running.number,
        workflow_id=running.handle.id,
        stage=report.stage.value,
        by=report.completed_by,
        passed=passed,
    )
    return snapshot


async def _judged(
    workflows: Workflows, product_id: uuid.UUID, report: StageReport
) -> tuple[InspectionInput | None, bool | None]:
    """The inspection judged against the stage's checklist, and the verdict (for a stage
    without a checklist: the report's own)."""
    if report.stage not in INSPECTION_STAGES:
        return None, report.passed
    async with workflows.sessions() as session:
        judged = await quality.judge(session, report.stage, product_id, report.results)
    if judged is None:
        return None, report.passed
    inspection, verdict = judged
    if report.passed is not None and report.passed != verdict:
        raise InvalidInput(
            f"passed={report.passed} contradicts the checklist's verdict ({verdict})",
            field="passed",
        )
    return inspection, verdict


async def start_stage(
    workflows: Workflows, order_id: uuid.UUID, start: StartStage
) -> OrderSnapshot:
    return await _update(
        workflows,
        order_id,
        OrderWorkflow.start_stage,
        start,
        "order.stage_started",
        stage=start.stage.value,
        by=start.started_by,
    )


async def hold(workflows: Workflows, order_id: uuid.UUID, request: HoldRequest) -> OrderSnapshot:
    return await _update(workflows, order_id, OrderWorkflow.hold, request, "order.held")


async def resume(
    workflows: Workflows, order_id: uuid.UUID, request: ResumeRequest
) -> OrderSnapshot:
    return await _update(workflows, order_id, OrderWorkflow.resume, request, "order.resumed")


async def change_priority(
    workflows: Workflows, order_id: uuid.UUID, change: PriorityChange
) -> OrderSnapshot:
    return await _update(
        workflows,
        order_id,
        OrderWorkflow.change_priority,
        change,
        "order.priority",
        priority=change.priority.value,
    )


async def cancel(
    workflows: Workflows, order_id: uuid.UUID, request: CancelRequest
) -> OrderSnapshot | None:
    """None when the order is cancelled already (a repeat)."""
    running = await running_order(workflows, order_id, closed_too=True)
    if running.status == OrderStatus.CANCELLED:
        return None
    running.refuse_if_closed()
    snapshot: OrderSnapshot = await execute_update(
        running.handle,
        OrderWorkflow.cancel,
        request,
        update_id="cancel",
        within=workflows.within,
    )
    log.info("order.cancelled", order=running.number, workflow_id=running.handle.id)
    return snapshot


async def _update(
    workflows: Workflows,
    order_id: uuid.UUID,
    update: Any,
    argument: BaseModel,
    event: str,
    **logged: str | None,
) -> OrderSnapshot:
    running = await running_order(workflows, order_id)
    snapshot: OrderSnapshot = await execute_update(
        running.handle, update, argument, within=workflows.within
    )
    fields = {"by": getattr(argument, "by", None)} | logged
    log.info(event, order=running.number, workflow_id=running.handle.id, **fields)
    return snapshot
