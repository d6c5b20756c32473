"""Work on the shop floor: the queue per stage, starting a stage, holding, resuming and
prioritising orders, and each unit's story."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.auth.access import Principal, StageCompleter, requires
from api.commands import orders
from api.deps import SessionDep, WorkflowsDep
from api.queries.orders import EscalationOut, OrderOut, StageOut, order_now
from api.routers.quality import InspectionOut, inspections_out
from contracts.orders import HoldRequest, PriorityChange, ResumeRequest, StartStage
from domain.access import Action
from domain.errors import InvalidInput
from domain.stages import AUTOMATIC_STAGES, Stage
from domain.stock import Priority
from services import quality
from services.floor import work_queue

router = APIRouter()
READ = requires(Action.READ)
Planner = Annotated[Principal, requires(Action.MANAGE_ORDERS)]


# --- the queue and the orders on the floor -----------------------------------------------


class QueueEntryOut(BaseModel):
    order_id: uuid.UUID
    number: str
    product_sku: str
    quantity: int
    serial_numbers: list[str]
    priority: Priority
    due_date: date
    at_risk: bool
    on_hold: bool
    rework_count: int
    state: Literal["waiting", "in_progress", "on_hold"]
    waiting_since: datetime | None
    due_at: datetime | None
    escalated: bool
    started_by: str | None
    work_started_at: datetime | None
    equipment: str | None
    rework_items: list[str]


@router.get("/queue", dependencies=[READ])
async def work_queue_at(
    session: SessionDep,
    stage: Stage,
    include_held: Annotated[bool, Query(description="Also list held orders")] = False,
) -> list[QueueEntryOut]:
    """The units waiting at `stage` (and those being worked on), most urgent first, then by
    due date, then longest waiting."""
    if stage in AUTOMATIC_STAGES:
        raise InvalidInput(f"{stage} is automatic: nobody queues for it")
    return [
        _queue_entry(q) for q in await work_queue.queue(session, stage, include_held=include_held)
    ]


def _queue_entry(q: work_queue.QueueEntry) -> QueueEntryOut:
    entry, order = q.entry, q.order
    started = entry is not None and entry.work_started_at is not None
    return QueueEntryOut(
        order_id=order.id,
        number=order.number,
        product_sku=q.product_sku,
        quantity=order.quantity,
        serial_numbers=q.serials,
        priority=Priority(order.priority),
        due_date=order.due_date,
        at_risk=order.at_risk,
        on_hold=order.on_hold,
        rework_count=order.rework_count,
        state="on_hold" if order.on_hold else "in_progress" if started else "waiting",
        waiting_since=entry.started_at if entry else order.created_at,
        due_at=entry.due_at if entry else None,
        escalated=entry is not None and entry.escalated_at is not None,
        started_by=entry.started_by if entry else None,
        work_started_at=entry.work_started_at if entry else None,
        equipment=entry.equipment if entry else None,
        rework_items=entry.rework_items if entry else [],
    )


class StartIn(BaseModel):
    worker_id: uuid.UUID
    equipment_id: uuid.UUID | None = Field(
        None,
        description="A free piece of the equipment the stage needs; "
        "by default the first free one by name",
    )


class HoldIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class PriorityIn(BaseModel):
    priority: Priority


@router.post("/orders/{order_id}/stages/{stage}/start")
async def start_stage(
    order_id: uuid.UUID,
    stage: Stage,
    body: StartIn,
    workflows: WorkflowsDep,
    user: StageCompleter,
) -> OrderOut:
    """A worker takes the order's current stage: 409 naming the missing skill, or the busy
    equipment. The equipment (the one chosen, or the first free one that fits) is theirs until
    the stage is completed."""
    start = StartStage(
        stage=stage, worker_id=body.worker_id, started_by=user.email, equipment_id=body.equipment_id
    )
    await orders.start_stage(workflows, order_id, start)
    return await order_now(workflows.sessions, order_id)


@router.post("/orders/{order_id}/hold")
async def hold_order(
    order_id: uuid.UUID, body: HoldIn, workflows: WorkflowsDep, planner: Planner
) -> OrderOut:
    """Stop the floor from starting the order's next stage (work under way may finish);
    reservations stay."""
    await orders.hold(workflows, order_id, HoldRequest(reason=body.reason, by=planner.email))
    return await order_now(workflows.sessions, order_id)


@router.post("/orders/{order_id}/resume")
async def resume_order(order_id: uuid.UUID, workflows: WorkflowsDep, planner: Planner) -> OrderOut:
    await orders.resume(workflows, order_id, ResumeRequest(by=planner.email))
    return await order_now(workflows.sessions, order_id)


@router.patch("/orders/{order_id}")
async def change_priority(
    order_id: uuid.UUID, body: PriorityIn, workflows: WorkflowsDep, planner: Planner
) -> OrderOut:
    """Re-prioritise: the queues and the Temporal search attributes follow at once."""
    change = PriorityChange(priority=body.priority, by=planner.email)
    await orders.change_priority(workflows, order_id, change)
    return await order_now(workflows.sessions, order_id)


# --- a unit's story ----------------------------------------------------------------------


class ConsumedOut(BaseModel):
    sku: str
    name: str
    quantity: int = Field(description="For the whole order")
    per_unit: float
    bin: str
    at: datetime


class UnitOut(BaseModel):
    serial: str
    position: int
    order_id: uuid.UUID
    order_number: str
    customer: str
    product_sku: str
    order_status: str
    created_at: datetime
    shipped_at: datetime | None
    components: list[ConsumedOut]
    stages: list[StageOut]
    inspections: list[InspectionOut]
    escalations: list[EscalationOut]


@router.get("/units/{serial}", dependencies=[READ])
async def unit_story(serial: str, session: SessionDep) -> UnitOut:
    """A finished unit's whole story: its order, the components consumed for it, who did each
    stage (with equipment and times), its inspections and when it shipped."""
    story = await work_queue.unit_story(session, serial)
    order = story.order
    found = await quality.inspections(session, order_id=order.id, limit=1000)
    return UnitOut(
        serial=story.unit.serial,
        position=story.unit.position,
        order_id=order.id,
        order_number=order.number,
        customer=order.customer,
        product_sku=story.product_sku,
        order_status=order.status,
        created_at=story.unit.created_at,
        shipped_at=story.unit.shipped_at,
        components=[
            ConsumedOut(
                sku=c.sku,
                name=c.name,
                quantity=c.quantity,
                per_unit=c.quantity / order.quantity,
                bin=c.bin_code,
                at=c.at,
            )
            for c in story.consumed
        ],
        stages=[StageOut.of(s) for s in story.stages],
        inspections=[i for i in inspections_out(found) if serial in i.serials or not i.serials],
        escalations=[EscalationOut.model_validate(e) for e in story.escalations],
    )
