"""Customer orders, each run by its own Temporal workflow: taking them, following them,
reporting stages done and cancelling."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field, StrictInt

from api.auth.access import Principal, StageCompleter, requires
from api.commands import orders
from api.deps import SessionDep, WorkflowsDep
from api.fields import Flag, Offset, PlanningDate, Reading
from api.idempotency import IdempotencyKey, digest, stored_key
from api.queries.orders import (
    OrderFilter,
    OrderOut,
    OrderSort,
    load_order,
    load_order_by_reference,
    order_now,
    order_page,
)
from contracts.orders import CancelRequest
from domain.access import Action
from domain.errors import InvalidInput
from domain.quality import Result
from domain.stages import INSPECTION_STAGES, OrderStatus, Stage
from domain.stock import Priority

router = APIRouter()
READ = requires(Action.READ)
Planner = Annotated[Principal, requires(Action.MANAGE_ORDERS)]


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
    workflows: WorkflowsDep,
    planner: Planner,
    idempotency_key: IdempotencyKey = None,
) -> OrderOut:
    """Take an order and start its workflow. With an `Idempotency-Key` header, a retried POST
    returns the order the first one created (201); the same key with a different order is a
    422. Keys are the sender's own: another user's key never matches."""
    new = orders.NewOrder(
        **body.model_dump(),
        created_by=planner.email,
        idempotency_key=(
            stored_key("order", planner.user_id, idempotency_key) if idempotency_key else None
        ),
        digest=digest("order", body.model_dump(mode="json")),
    )
    return await load_order(session, await orders.create(workflows, session, new))


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
    found = OrderFilter(
        status=status,
        stage=stage,
        priority=priority,
        search=search,
        product_sku=product_sku,
        open_only=open_only,
        due_before=due_before,
    )
    total, page = await order_page(session, found, sort, descending, limit, offset)
    response.headers["X-Total-Count"] = str(total)
    return page


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
    workflows: WorkflowsDep,
    user: StageCompleter,
) -> OrderOut:
    """Report a stage done. 409 when the order is not at that stage (or it is automatic).
    Testing and qc: with a checklist, send `inspection.results` (the verdict is computed: any
    required item failed or out of range fails it); without one, `passed`.

    The same report sent again (a retry, a double click) answers with the order as it is,
    recorded once; a different report of a pass already recorded (or being recorded) is a 409
    saying what was. Name the pass (`stage_seq`, from the order's stages) and a late repeat
    can never be taken for a report of a later pass through the same stage."""
    if stage not in INSPECTION_STAGES:
        if body.inspection is not None:
            raise InvalidInput(
                f"{stage} is not an inspection: it has no checklist", field="inspection"
            )
        if body.passed is not None:
            raise InvalidInput(f"{stage} is not an inspection: it takes no verdict", field="passed")
    report = orders.StageReport(
        stage=stage,
        worker=body.worker or user.email,
        completed_by=user.email,
        notes=body.notes,
        passed=body.passed,
        results=[
            Result(item_id=r.item_id, passed=r.passed, value=r.value, comment=r.comment)
            for r in body.inspection.results
        ]
        if body.inspection is not None
        else None,
        stage_seq=body.stage_seq,
        digest=digest("complete", stage, user.email, body.model_dump(mode="json")),
    )
    await orders.complete_stage(workflows, order_id, report)
    return await order_now(workflows.sessions, order_id)


@router.post("/orders/{order_id}/cancel")
async def cancel_order(
    order_id: uuid.UUID, body: CancelIn, workflows: WorkflowsDep, planner: Planner
) -> OrderOut:
    """Cancel an order that is not finished: its reservations are released and purchase
    demand raised only for it is withdrawn. Cancelling a cancelled order answers with it."""
    request = CancelRequest(reason=body.reason, requested_by=planner.email)
    await orders.cancel(workflows, order_id, request)
    return await order_now(workflows.sessions, order_id)
