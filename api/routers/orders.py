"""Customer orders, each run by its own Temporal workflow: taking them, following them,
reporting stages done and cancelling."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated

import structlog
from fastapi import APIRouter, Path, Query, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, StrictInt
from sqlalchemy import case, func, select
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from api.auth.access import Principal, StageCompleter, requires
from api.deps import ServicesDep, SessionDep
from api.fields import Flag, Offset, PlanningDate, Reading
from api.idempotency import IdempotencyKey, digest, stored_key
from api.order_views import (
    OrderOut,
    load_order,
    load_order_by_reference,
    load_orders,
    orders_query,
)
from api.workflow_calls import RunningOrder, execute_update, running_order, temporal_call
from contracts import search_attributes
from contracts.orders import (
    CancelRequest,
    InspectionInput,
    OrderInput,
    StageCompletion,
    order_workflow_id,
)
from domain.access import Action
from domain.errors import Conflict, InvalidInput, WrongStage
from domain.quality import Result
from domain.stage_reports import check_repeat, reported_pass
from domain.stages import FINAL_STATUSES, INSPECTION_STAGES, OrderStatus, Stage
from domain.stock import Priority
from persistence import floor, quality
from persistence.catalogue import default_warehouse, get_existing, product_by_sku
from persistence.order_records import find_by_idempotency_key, next_order_number, register_order
from persistence.search import mentions
from persistence.tables import Item, Order, Warehouse
from workflows.order_workflow import OrderWorkflow

router = APIRouter()
READ = requires(Action.READ)
Planner = Annotated[Principal, requires(Action.MANAGE_ORDERS)]
log = structlog.get_logger(__name__)


class OrderCreate(BaseModel):
    product_sku: str = Field(min_length=1, max_length=64)
    quantity: Annotated[StrictInt, Field(gt=0, le=10_000)]
    customer: str = Field(min_length=1, max_length=200)
    priority: Priority = Priority.NORMAL
    due_date: PlanningDate
    warehouse_id: uuid.UUID | None = None


class CheckResultIn(BaseModel):
    item_id: uuid.UUID
    passed: Flag | None = Field(None, description="For a PASS_FAIL item")
    value: Reading | None = Field(None, description="For a MEASURE item: what was measured")
    comment: str | None = Field(None, max_length=2000)


class InspectionIn(BaseModel):
    results: list[CheckResultIn] = Field(max_length=200)


class StageCompletionIn(BaseModel):
    worker: str | None = Field(
        None, min_length=1, max_length=200, description="Who did the work; defaults to the caller"
    )
    notes: str | None = Field(None, max_length=4000)
    passed: Flag | None = Field(
        None, description="The verdict of testing or qc when no checklist applies"
    )
    inspection: InspectionIn | None = Field(
        None, description="Testing or qc with a checklist: a result per item; the verdict follows"
    )
    stage_seq: Annotated[StrictInt, Field(ge=1, le=10_000)] | None = Field(
        None, description="The pass reported (the `seq` of the order's current stage entry)"
    )


class CancelIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


@router.post("/orders", status_code=201)
async def create_order(
    body: OrderCreate,
    session: SessionDep,
    services: ServicesDep,
    planner: Planner,
    idempotency_key: IdempotencyKey = None,
) -> OrderOut:
    """Take an order and start its workflow. With an `Idempotency-Key` header, a retried POST
    returns the order the first one created (201); the same key with a different order is a
    422. Keys are the sender's own: another user's key never matches."""
    key = stored_key("order", planner.user_id, idempotency_key) if idempotency_key else None
    request = digest("order", body.model_dump(mode="json"))
    if key:
        existing = await find_by_idempotency_key(session, key)
        if existing is not None:
            return await _taken_before(session, existing, request)
    product = await product_by_sku(session, body.product_sku)
    warehouse = (
        await get_existing(session, Warehouse, body.warehouse_id, "warehouse")
        if body.warehouse_id
        else await default_warehouse(session, services.settings.default_warehouse_code)
    )
    order = OrderInput(
        order_id=uuid.uuid4(),
        number=await next_order_number(session),
        product_id=product.id,
        product_sku=body.product_sku,
        requires_soldering=product.requires_soldering,
        quantity=body.quantity,
        customer=body.customer,
        priority=body.priority,
        due_date=body.due_date,
        warehouse_id=warehouse.id,
        idempotency_key=key,
        request_digest=request if key else None,
        created_by=planner.email,
        procurement_recheck_seconds=services.settings.procurement_recheck_seconds,
        stage_targets=await floor.stage_targets(session, product.id),
        rework_limit=services.settings.rework_limit,
    )
    if not await register_order(session, order):  # a concurrent retry with the same key won
        existing = await find_by_idempotency_key(session, key or "")
        assert existing is not None
        return await _taken_before(session, existing, request)
    await _start_workflow(services, order)
    log.info(
        "order.created",
        order=order.number,
        order_id=str(order.order_id),
        workflow_id=order_workflow_id(order.number),
        product=order.product_sku,
        quantity=order.quantity,
        priority=order.priority.value,
    )
    return await load_order(session, order.order_id)


async def _taken_before(session: SessionDep, order: Order, request: str) -> OrderOut:
    if order.request_digest not in (None, request):
        raise InvalidInput(
            f"this Idempotency-Key already took order {order.number} with a different request;"
            " use a new key for a new order",
            field="Idempotency-Key",
            location="header",
            order_number=order.number,
        )
    return await load_order(session, order.id)


async def _start_workflow(services: ServicesDep, order: OrderInput) -> None:
    """Started inside the request's transaction: if it fails, nothing is committed; if the
    commit fails after it, the workflow's first activity registers the order itself."""
    async with temporal_call(
        "could not start the order workflow",
        within=services.settings.workflow_call_timeout_seconds,
    ):
        try:
            await services.temporal.start_workflow(
                OrderWorkflow.run,
                order,
                id=order_workflow_id(order.number),
                task_queue=services.settings.temporal_task_queue,
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


class OrderSort(StrEnum):
    CREATED = "created_at"
    DUE = "due_date"
    NUMBER = "number"
    PRIORITY = "priority"
    CUSTOMER = "customer"


# Most urgent first when ascending, as queues read.
_PRIORITY_RANK = case({p.value: -p.rank for p in Priority}, value=Order.priority)


@router.get("/orders", dependencies=[READ])
async def list_orders(
    session: SessionDep,
    response: Response,
    status: OrderStatus | None = None,
    stage: Stage | None = None,
    priority: Priority | None = None,
    search: Annotated[
        str | None, Query(max_length=200, description="In the number, customer and product SKU")
    ] = None,
    product_sku: Annotated[str | None, Query(max_length=64)] = None,
    open_only: Annotated[bool, Query(description="Only orders neither completed nor cancelled")] = (
        False
    ),
    due_before: Annotated[date | None, Query(description="Due on or before")] = None,
    sort: OrderSort = OrderSort.CREATED,
    descending: Annotated[bool, Query(description="Newest first by default")] = True,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[Offset, Query()] = 0,
) -> list[OrderOut]:
    """Orders, newest first unless sorted otherwise; the total count is in the `X-Total-Count`
    header."""
    query = orders_query()
    if status:
        query = query.where(Order.status == status)
    if stage:
        query = query.where(Order.stage == stage)
    if priority:
        query = query.where(Order.priority == priority)
    if search:
        query = query.where(mentions(search, Order.number, Order.customer, Item.sku))
    if product_sku:
        query = query.where(Item.sku == product_sku)
    if open_only:
        query = query.where(Order.status.not_in([s.value for s in FINAL_STATUSES]))
    if due_before:
        query = query.where(Order.due_date <= due_before)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    response.headers["X-Total-Count"] = str(total or 0)
    column = {
        OrderSort.CREATED: Order.created_at,
        OrderSort.DUE: Order.due_date,
        OrderSort.NUMBER: Order.number,
        OrderSort.PRIORITY: _PRIORITY_RANK,
        OrderSort.CUSTOMER: Order.customer,
    }[sort]
    ordered = query.order_by(column.desc() if descending else column.asc(), Order.number)
    return await load_orders(session, ordered.offset(offset).limit(limit))


@router.get("/orders/{order_id}", dependencies=[READ])
async def get_order(
    order_id: Annotated[str, Path(max_length=64, description="The order's id or its number")],
    session: SessionDep,
) -> OrderOut:
    """An order by its id or by its number (`ZK-000123`)."""
    return await load_order_by_reference(session, order_id)


@router.post("/orders/{order_id}/stages/{stage}/complete")
async def complete_stage(
    order_id: uuid.UUID,
    stage: Stage,
    body: StageCompletionIn,
    services: ServicesDep,
    user: StageCompleter,
) -> OrderOut:
    """Report a stage done. 409 when the order is not at that stage (or it is automatic).
    Testing and qc: with a checklist, send `inspection.results` (the verdict is computed: any
    required item failed or out of range fails it); without one, `passed`.

    The same report sent again (a retry, a double click) answers with the order as it is,
    recorded once; a different report of a pass already recorded (or being recorded) is a 409
    saying what was. Name the pass (`stage_seq`, from the order's stages) and a late repeat
    can never be taken for a report of a later pass through the same stage."""
    request = digest("complete", stage, user.email, body.model_dump(mode="json"))
    running = await running_order(services, order_id, closed_too=True)
    if running.status in FINAL_STATUSES:  # no workflow to ask: a repeat, or too late
        recorded = reported_pass(running.passes, stage, body.stage_seq)
        if recorded is not None:
            check_repeat(recorded, request)
            return await _order_now(services, order_id)
        running.refuse_if_closed()
    try:
        inspection, passed = await _judged(services, running, stage, body)
    except (InvalidInput, RequestValidationError) as invalid:
        if running.stage != stage:  # say first that it is the wrong stage
            raise WrongStage(
                f"the order is at {running.stage}, not at {stage}", stage=stage
            ) from invalid
        raise
    await execute_update(
        running.handle,
        OrderWorkflow.complete_stage,
        StageCompletion(
            stage=stage,
            worker=body.worker or user.email,
            notes=body.notes,
            passed=passed,
            completed_by=user.email,
            inspection=inspection,
            digest=request,
            stage_seq=body.stage_seq,
        ),
        within=services.settings.workflow_call_timeout_seconds,
    )
    log.info(
        "order.stage_completed",
        order=running.number,
        workflow_id=running.handle.id,
        stage=stage.value,
        by=user.email,
        passed=passed,
    )
    return await _order_now(services, order_id)


async def _order_now(services: ServicesDep, order_id: uuid.UUID) -> OrderOut:
    async with services.sessions() as session:
        return await load_order(session, order_id)


async def _judged(
    services: ServicesDep, running: RunningOrder, stage: Stage, body: StageCompletionIn
) -> tuple[InspectionInput | None, bool | None]:
    """The inspection judged against the stage's checklist, and the verdict."""
    if stage not in INSPECTION_STAGES:
        if body.inspection is not None:
            raise _invalid("inspection", f"{stage} is not an inspection: it has no checklist", body)
        if body.passed is not None:
            raise _invalid("passed", f"{stage} is not an inspection: it takes no verdict", body)
        return None, None
    results = None
    if body.inspection is not None:
        results = [
            Result(item_id=r.item_id, passed=r.passed, value=r.value, comment=r.comment)
            for r in body.inspection.results
        ]
    async with services.sessions() as session:
        judged = await quality.judge(session, stage, running.product_id, results)
    if judged is None:
        if body.passed is None:
            raise _invalid("passed", f"completing {stage} needs a verdict: passed true/false", body)
        return None, body.passed
    inspection, verdict = judged
    if body.passed is not None and body.passed != verdict:
        raise _invalid(
            "passed", f"passed={body.passed} contradicts the checklist's verdict ({verdict})", body
        )
    return inspection, verdict


def _invalid(field: str, message: str, body: BaseModel) -> RequestValidationError:
    return RequestValidationError(
        [
            {
                "type": "value_error",
                "loc": ("body", field),
                "msg": message,
                "input": body.model_dump(mode="json"),
            }
        ]
    )


@router.post("/orders/{order_id}/cancel")
async def cancel_order(
    order_id: uuid.UUID, body: CancelIn, services: ServicesDep, planner: Planner
) -> OrderOut:
    """Cancel an order that is not finished: its reservations are released and purchase
    demand raised only for it is withdrawn. Cancelling a cancelled order answers with it."""
    running = await running_order(services, order_id, closed_too=True)
    if running.status == OrderStatus.CANCELLED:
        return await _order_now(services, order_id)
    running.refuse_if_closed()
    await execute_update(
        running.handle,
        OrderWorkflow.cancel,
        CancelRequest(reason=body.reason, requested_by=planner.email),
        update_id="cancel",
        within=services.settings.workflow_call_timeout_seconds,
    )
    log.info("order.cancelled", order=running.number, workflow_id=running.handle.id)
    return await _order_now(services, order_id)
