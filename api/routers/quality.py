"""Quality control: checklist templates per stage (and product), and the inspections made.

Inspections are submitted by completing testing or QC
(`POST /api/production/orders/{id}/stages/{stage}/complete` with `inspection.results`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from api.auth.access import Principal, requires
from api.deps import SessionDep
from api.fields import Flag, Reading
from api.queries import quality as queries
from api.queries.catalogue import product_skus
from domain.access import Action
from domain.quality import CheckItem, CheckKind, InspectionStatus
from domain.stages import INSPECTION_STAGES, Stage
from persistence.tables import (
    Inspection,
    InspectionResult,
    Order,
    QcTemplate,
)
from services import quality
from services.inventory.catalogue import get_existing, product_by_sku

router = APIRouter()
READ = requires(Action.READ)
QualityManager = Annotated[Principal, requires(Action.MANAGE_QUALITY)]


class CheckItemIn(BaseModel):
    description: str = Field(min_length=1, max_length=500)
    required: Flag = True
    kind: CheckKind = CheckKind.PASS_FAIL
    min: Reading | None = Field(None, description="MEASURE: the lowest value that passes")
    max: Reading | None = Field(None, description="MEASURE: the highest value that passes")
    unit: str | None = Field(None, max_length=32)


class TemplateCreate(BaseModel):
    stage: Literal[Stage.TESTING, Stage.QC]
    product_sku: str | None = Field(None, description="Only for this product (else for all)")
    name: str | None = Field(None, max_length=200)
    items: list[CheckItemIn] = Field(min_length=1, max_length=100)


class CheckItemOut(BaseModel):
    id: uuid.UUID
    position: int
    description: str
    required: bool
    kind: CheckKind
    min: Decimal | None
    max: Decimal | None
    unit: str | None


class TemplateOut(BaseModel):
    id: uuid.UUID
    stage: Stage
    product_sku: str | None
    name: str
    active: bool
    created_by: str | None
    created_at: datetime
    items: list[CheckItemOut]


async def _templates_out(
    session: SessionDep, checklists: Sequence[quality.Checklist]
) -> list[TemplateOut]:
    product_ids = {c.template.product_id for c in checklists if c.template.product_id}
    skus = await product_skus(session, product_ids) if product_ids else {}
    return [
        TemplateOut(
            id=c.template.id,
            stage=Stage(c.template.stage),
            product_sku=skus.get(c.template.product_id) if c.template.product_id else None,
            name=c.template.name,
            active=c.template.active,
            created_by=c.template.created_by,
            created_at=c.template.created_at,
            items=[
                CheckItemOut(
                    id=i.id,
                    position=i.position,
                    description=i.description,
                    required=i.required,
                    kind=CheckKind(i.kind),
                    min=i.min_value,
                    max=i.max_value,
                    unit=i.unit,
                )
                for i in c.items
            ],
        )
        for c in checklists
    ]


@router.post("/templates", status_code=201)
async def create_template(
    body: TemplateCreate, session: SessionDep, inspector: QualityManager
) -> TemplateOut:
    """A checklist for testing or QC, for one product or all; it replaces the active one for
    the same stage and product. Every item gets an `id` to report results against."""
    product_id = (await product_by_sku(session, body.product_sku)).id if body.product_sku else None
    items = [
        CheckItem(
            id=uuid.uuid4(),  # checked here; the stored item gets its own
            description=i.description,
            required=i.required,
            kind=i.kind,
            min_value=i.min,
            max_value=i.max,
            unit=i.unit,
        )
        for i in body.items
    ]
    name = body.name or f"{body.stage} checklist" + (
        f" for {body.product_sku}" if body.product_sku else ""
    )
    checklist = await quality.create_template(
        session, Stage(body.stage), product_id, name, items, inspector.email
    )
    await session.refresh(checklist.template)
    return (await _templates_out(session, [checklist]))[0]


@router.get("/templates", dependencies=[READ])
async def list_templates(
    session: SessionDep,
    stage: Stage | None = None,
    product_sku: str | None = None,
    active: bool | None = True,
) -> list[TemplateOut]:
    found = await queries.templates(session, stage, product_sku, active)
    return await _templates_out(session, await quality.load_checklists(session, found))


@router.get("/templates/{template_id}", dependencies=[READ])
async def get_template(template_id: uuid.UUID, session: SessionDep) -> TemplateOut:
    template = await get_existing(session, QcTemplate, template_id, "checklist template")
    return (await _templates_out(session, await quality.load_checklists(session, [template])))[0]


@router.delete("/templates/{template_id}", status_code=204)
async def retire_template(template_id: uuid.UUID, session: SessionDep, _: QualityManager) -> None:
    """Stop using a checklist (it is kept for the inspections made with it)."""
    template = await get_existing(session, QcTemplate, template_id, "checklist template")
    template.active = False


# --- inspections -------------------------------------------------------------------------


class CheckResultOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    item_id: uuid.UUID | None
    description: str
    required: bool
    kind: str
    passed: bool | None
    value: Decimal | None
    unit: str | None
    ok: bool
    comment: str | None


class InspectionOut(BaseModel):
    order_id: uuid.UUID
    seq: int | None = Field(description="None for the inspection not yet made")
    stage: Stage
    status: InspectionStatus
    template_id: uuid.UUID | None
    inspector: str | None = Field(description="Who recorded it (or who started it)")
    worker: str | None
    serials: list[str]
    completed_at: datetime | None
    results: list[CheckResultOut]


def inspections_out(
    found: Sequence[tuple[Inspection, Sequence[InspectionResult]]],
) -> list[InspectionOut]:
    return [
        InspectionOut(
            order_id=i.order_id,
            seq=i.seq,
            stage=Stage(i.stage),
            status=InspectionStatus(i.status),
            template_id=i.template_id,
            inspector=i.inspector,
            worker=i.worker,
            serials=[s for s in i.serials.split(",") if s],
            completed_at=i.completed_at,
            results=[CheckResultOut.model_validate(r) for r in results],
        )
        for i, results in found
    ]


async def _open_inspection(session: SessionDep, order_id: uuid.UUID) -> InspectionOut | None:
    """The inspection an order at testing or QC is waiting for: pending, or in progress once an
    inspector has started it."""
    order = await get_existing(session, Order, order_id, "order")
    if order.stage is None or Stage(order.stage) not in INSPECTION_STAGES:
        return None
    entry = await queries.open_stage(session, order_id)
    checklist = await quality.checklist_for(session, Stage(order.stage), order.product_id)
    started = entry is not None and entry.work_started_at is not None
    return InspectionOut(
        order_id=order_id,
        seq=None,
        stage=Stage(order.stage),
        status=InspectionStatus.IN_PROGRESS if started else InspectionStatus.PENDING,
        template_id=checklist.template.id if checklist else None,
        inspector=entry.started_by if entry is not None else None,
        worker=None,
        serials=[],
        completed_at=None,
        results=[],
    )


@router.get("/inspections", dependencies=[READ])
async def list_inspections(
    session: SessionDep,
    order_id: uuid.UUID | None = None,
    stage: Literal[Stage.TESTING, Stage.QC] | None = None,
    status: Literal["passed", "failed"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[InspectionOut]:
    """Inspections, newest first. For one order, the one it waits for (pending or in progress)
    comes first."""
    found = inspections_out(
        await quality.inspections(
            session,
            order_id=order_id,
            stage=Stage(stage) if stage else None,
            status=status,
            limit=limit,
        )
    )
    if order_id is not None and status is None:
        waiting = await _open_inspection(session, order_id)
        if waiting is not None and (stage is None or waiting.stage == stage):
            found.insert(0, waiting)
    return found
